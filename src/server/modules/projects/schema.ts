import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, removedAt, tsvector, updatedAtSetByService } from "../../db/columns.js";
import type {
  AnswerScope,
  ItemVisibility,
  PostCategory,
  ProjectStatus,
  QuestionKind,
  SubscriptionState,
  TriageState,
} from "./contracts/common.js";
import type { FeedbackQuestion } from "./contracts/feedback.js";

export {
  answerScopes,
  itemVisibilities,
  postCategories,
  projectStatuses,
  questionKinds,
  subscriptionStates,
  triageStates,
} from "./contracts/common.js";
export type {
  AnswerScope,
  FeedbackQuestion,
  ItemVisibility,
  PostCategory,
  ProjectStatus,
  QuestionKind,
  SubscriptionState,
  TriageState,
};

/** A collaboration project across customers; archived projects are read-only until restored. */
export const projects = pgTable("projects", {
  id: id(),
  name: text("name").notNull(),
  purpose: text("purpose").notNull().default(""),
  startsOn: date("starts_on", { mode: "string" }).notNull(),
  endsOn: date("ends_on", { mode: "string" }),
  status: text("status").$type<ProjectStatus>().notNull().default("active"),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAtSetByService(),
  archivedAt: timestamp("archived_at", { withTimezone: true }),
  archivedBy: uuid("archived_by"),
});

/**
 * Who is in a project: a person, or a whole organisation (everyone in it, now and later). Exactly one
 * of the two is set; removal keeps the row.
 */
export const projectParticipants = pgTable(
  "project_participants",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    userId: uuid("user_id"),
    organisationId: uuid("organisation_id"),
    addedBy: uuid("added_by").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    removedAt: removedAt(),
    removedBy: uuid("removed_by"),
  },
  (t) => [
    check("project_participants_one_kind", sql`(${t.userId} is null) <> (${t.organisationId} is null)`),
    uniqueIndex("project_participants_user_idx")
      .on(t.projectId, t.userId)
      .where(sql`${t.userId} is not null and ${t.removedAt} is null`),
    uniqueIndex("project_participants_org_idx")
      .on(t.projectId, t.organisationId)
      .where(sql`${t.organisationId} is not null and ${t.removedAt} is null`),
    index("project_participants_user_lookup_idx").on(t.userId),
    index("project_participants_org_lookup_idx").on(t.organisationId),
  ],
);

/** A message-board post. */
export const projectPosts = pgTable(
  "project_posts",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    category: text("category").$type<PostCategory>().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    visibility: text("visibility").$type<ItemVisibility>().notNull().default("project"),
    authorId: uuid("author_id").notNull(),
    createdAt: createdAt(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    removedAt: removedAt(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))`,
    ),
  },
  (t) => [
    index("project_posts_project_idx").on(t.projectId, t.createdAt),
    index("project_posts_search_idx").using("gin", t.search),
    // Search's `from:`.
    index("project_posts_author_idx").on(t.authorId),
  ],
);

export const projectComments = pgTable(
  "project_comments",
  {
    id: id(),
    postId: uuid("post_id")
      .notNull()
      .references(() => projectPosts.id),
    /**
     * The post's project, kept on the comment (a post never changes project), so the search narrows
     * comments to the person's projects in the same index scan that matches their text, instead of
     * looking up the post of every comment a common word matched.
     */
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    body: text("body").notNull(),
    authorId: uuid("author_id").notNull(),
    createdAt: createdAt(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    removedAt: removedAt(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', coalesce(body, ''))`),
  },
  (t) => [
    index("project_comments_post_idx").on(t.postId, t.createdAt),
    index("project_comments_project_idx").on(t.projectId),
    index("project_comments_search_idx").using("gin", t.search),
    // Search's `from:`, and `after:`/`before:` as a range.
    index("project_comments_author_idx").on(t.authorId),
    index("project_comments_created_idx").on(t.createdAt),
  ],
);

/** Files attached to a post or a comment (the bytes are in the platform file store). */
export const projectAttachments = pgTable(
  "project_attachments",
  {
    id: id(),
    postId: uuid("post_id").references(() => projectPosts.id),
    commentId: uuid("comment_id").references(() => projectComments.id),
    fileId: uuid("file_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check("project_attachments_one_parent", sql`(${t.postId} is null) <> (${t.commentId} is null)`),
    index("project_attachments_post_idx").on(t.postId),
    index("project_attachments_comment_idx").on(t.commentId),
  ],
);

/** A person's explicit choice for a post; authors and commenters are subscribed unless they muted. */
export const projectPostSubscriptions = pgTable(
  "project_post_subscriptions",
  {
    postId: uuid("post_id")
      .notNull()
      .references(() => projectPosts.id),
    userId: uuid("user_id").notNull(),
    state: text("state").$type<SubscriptionState>().notNull(),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] })],
);

/** A Markdown document; its text lives in versions, the newest being current. */
export const projectDocuments = pgTable(
  "project_documents",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    title: text("title").notNull(),
    visibility: text("visibility").$type<ItemVisibility>().notNull().default("project"),
    currentVersion: integer("current_version").notNull().default(1),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
    removedAt: removedAt(),
  },
  (t) => [index("project_documents_project_idx").on(t.projectId)],
);

export const projectDocumentVersions = pgTable(
  "project_document_versions",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => projectDocuments.id),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    authorId: uuid("author_id").notNull(),
    /** Set when this version restored an older one. */
    restoredFrom: integer("restored_from"),
    createdAt: createdAt(),
    /** Every version's text is indexed; searches join the current one. */
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))`,
    ),
  },
  (t) => [
    uniqueIndex("project_document_versions_idx").on(t.documentId, t.version),
    index("project_document_versions_search_idx").using("gin", t.search),
  ],
);

export const projectFolders = pgTable(
  "project_folders",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    parentId: uuid("parent_id"),
    name: text("name").notNull(),
    visibility: text("visibility").$type<ItemVisibility>().notNull().default("project"),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    removedAt: removedAt(),
  },
  (t) => [index("project_folders_project_idx").on(t.projectId, t.parentId)],
);

/** A file in a project's folders; uploading the same name again adds a version. */
export const projectFiles = pgTable(
  "project_files",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    folderId: uuid("folder_id").references(() => projectFolders.id),
    name: text("name").notNull(),
    visibility: text("visibility").$type<ItemVisibility>().notNull().default("project"),
    currentVersion: integer("current_version").notNull().default(1),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
    removedAt: removedAt(),
  },
  (t) => [index("project_files_folder_idx").on(t.projectId, t.folderId)],
);

export const projectFileVersions = pgTable(
  "project_file_versions",
  {
    id: id(),
    projectFileId: uuid("project_file_id")
      .notNull()
      .references(() => projectFiles.id),
    version: integer("version").notNull(),
    /** The bytes and their type and size, in the platform file store. */
    fileId: uuid("file_id").notNull(),
    uploadedBy: uuid("uploaded_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("project_file_versions_idx").on(t.projectFileId, t.version)],
);

/** The project timeline: who did what, when, linked to the item; staff-only items stay staff-only. */
export const projectActivity = pgTable(
  "project_activity",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    actorId: uuid("actor_id").notNull(),
    /** post_created, comment_added, document_edited, file_uploaded, round_opened, answer_submitted... */
    verb: text("verb").notNull(),
    itemType: text("item_type").notNull(),
    itemId: uuid("item_id").notNull(),
    summary: text("summary").notNull(),
    visibility: text("visibility").$type<ItemVisibility>().notNull().default("project"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("project_activity_project_idx").on(t.projectId, t.id)],
);

/** A feedback round about a feature in development, optionally linked to a sandbox flag. */
export const feedbackRounds = pgTable(
  "feedback_rounds",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    questions: jsonb("questions").$type<FeedbackQuestion[]>().notNull(),
    opensAt: timestamp("opens_at", { withTimezone: true }).notNull(),
    closesAt: timestamp("closes_at", { withTimezone: true }).notNull(),
    answerScope: text("answer_scope").$type<AnswerScope>().notNull().default("person"),
    /** A sandbox feature flag key ("try it in the development environment"); a link, not a requirement. */
    flagKey: text("flag_key"),
    summaryPostId: uuid("summary_post_id"),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [index("feedback_rounds_project_idx").on(t.projectId)],
);

/**
 * One answer to a round: by a person, counted for their organisation. `respondentKey` is the
 * organisation id or the person's id (the round's scope), so "once" is a unique index.
 */
export const feedbackResponses = pgTable(
  "feedback_responses",
  {
    id: id(),
    roundId: uuid("round_id")
      .notNull()
      .references(() => feedbackRounds.id),
    respondentKey: uuid("respondent_key").notNull(),
    userId: uuid("user_id").notNull(),
    organisationId: uuid("organisation_id").notNull(),
    answers: jsonb("answers").$type<Record<string, string | number>>().notNull(),
    triage: text("triage").$type<TriageState>().notNull().default("new"),
    staffReply: text("staff_reply"),
    triagedBy: uuid("triaged_by"),
    triagedAt: timestamp("triaged_at", { withTimezone: true }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [uniqueIndex("feedback_responses_once_idx").on(t.roundId, t.respondentKey)],
);

export const feedbackResponseFiles = pgTable(
  "feedback_response_files",
  {
    responseId: uuid("response_id")
      .notNull()
      .references(() => feedbackResponses.id),
    fileId: uuid("file_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.fileId] })],
);
