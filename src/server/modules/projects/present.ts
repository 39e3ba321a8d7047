// The shapes project routes answer with; the web imports them with `import type`.
import type { ItemVisibility, PostCategory, ProjectStatus, SubscriptionState } from "./schema.js";

export type { ItemVisibility, PostCategory, ProjectStatus, SubscriptionState };

/** A person as a project shows them: name, product-team badge and organisation. */
export type ProjectPersonView = { id: string; name: string; isStaff: boolean; organisationName: string };

export type ProjectSummaryView = {
  id: string;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string | null;
  status: ProjectStatus;
  /** The organisations taking part whole, and how many people take part in person. */
  organisationNames: string[];
  personCount: number;
  updatedAt: string;
};

export type ParticipantView = {
  id: string;
  kind: "person" | "organisation";
  userId?: string;
  organisationId?: string;
  name: string;
  /** For a person: their organisation. */
  organisationName?: string;
  addedAt: string;
};

export type ProjectView = Omit<ProjectSummaryView, "organisationNames" | "personCount"> & {
  purposeHtml: string;
  archivedAt: string | null;
  participants: ParticipantView[];
  /** Staff manage a project (details, participants, archive); everyone in it reads and writes items. */
  canManage: boolean;
};

export type PostAttachmentView = {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
};

export type PostSummaryView = {
  id: string;
  projectId: string;
  category: PostCategory;
  title: string;
  visibility: ItemVisibility;
  author: ProjectPersonView;
  commentCount: number;
  attachmentCount: number;
  createdAt: string;
  editedAt: string | null;
  /** The newest comment's time, or the post's. */
  lastActivityAt: string;
};

export type CommentView = {
  id: string;
  author: ProjectPersonView;
  body: string;
  bodyHtml: string;
  createdAt: string;
};

/** What the reader hears about a post: subscribed, muted, or nothing (never wrote on it, never chose). */
export type MySubscription = SubscriptionState | "none";

export type PostView = PostSummaryView & {
  body: string;
  bodyHtml: string;
  comments: CommentView[];
  attachments: PostAttachmentView[];
  mySubscription: MySubscription;
  canEdit: boolean;
};

export type ActivityItemView = {
  id: number;
  projectId: string;
  projectName: string;
  actor: { id: string; name: string };
  verb: string;
  itemType: string;
  itemId: string;
  summary: string;
  visibility: ItemVisibility;
  at: string;
};

export type ActivityPage = {
  activity: ActivityItemView[];
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  nextBefore: number | null;
};

export type SearchHitKind = "post" | "comment" | "document" | "file";

/** One search result; `itemId` is the item to open (for a comment, its post). */
export type SearchHitView = {
  kind: SearchHitKind;
  projectId: string;
  projectName: string;
  itemId: string;
  title: string;
  /** The matching text around the first match, one line; empty when only the title or name matched. */
  snippet: string;
  visibility: ItemVisibility;
  at: string;
};
