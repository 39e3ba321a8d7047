import type {
  DeliveryMode,
  GroupRole,
  GroupVisibility,
  JoinPolicy,
  MembershipStatus,
  MessageSource,
  MessageStatus,
  PostingPolicy,
  ReplyTo,
} from "./schema.js";

// The API shapes of groups; the web imports them with `import type`.

export type GroupPersonView = { id: string; name: string; organisationName: string };

export type MyMembershipView = {
  role: GroupRole;
  status: MembershipStatus;
  delivery: DeliveryMode;
  moderated: boolean;
  statusReason: string | null;
};

export type GroupSummaryView = {
  id: string;
  handle: string;
  name: string;
  description: string;
  address: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  postingPolicy: PostingPolicy;
  replyTo: ReplyTo;
  memberCount: number;
  myMembership: MyMembershipView | null;
};

export type GroupView = GroupSummaryView & {
  descriptionHtml: string;
  guidelines: string;
  guidelinesHtml: string;
  createdAt: string;
  canRead: boolean;
  canModerate: boolean;
  canManage: boolean;
};

export type MemberView = {
  user: GroupPersonView;
  role: GroupRole;
  status: MembershipStatus;
  delivery: DeliveryMode;
  moderated: boolean;
  statusReason: string | null;
  joinedAt: string | null;
};

export type GroupAttachmentView = {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
};

export type GroupMessageView = {
  id: string;
  topicId: string;
  author: GroupPersonView;
  body: string;
  bodyHtml: string;
  status: MessageStatus;
  source: MessageSource;
  rejectionReason: string | null;
  hashtags: string[];
  attachments: GroupAttachmentView[];
  createdAt: string;
};

export type TopicSummaryView = {
  id: string;
  groupId: string;
  subject: string;
  author: GroupPersonView;
  pinned: boolean;
  locked: boolean;
  messageCount: number;
  createdAt: string;
  lastMessageAt: string;
};

export type TopicView = TopicSummaryView & { messages: GroupMessageView[] };

export type PostedView = { message: GroupMessageView; status: "published" | "pending" };

export type QueueItemView = GroupMessageView & { topicSubject: string };

export type ModerationLogEntryView = {
  id: number;
  actor: GroupPersonView;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  at: string;
};

export type SearchHitView = {
  group: { handle: string; name: string };
  topicId: string;
  subject: string;
  messageId: string;
  snippet: string;
  at: string;
};
