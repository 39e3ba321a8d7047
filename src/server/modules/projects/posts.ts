import { and, asc, count, desc, eq, inArray, isNull, max } from "drizzle-orm";
import type { FollowLevel } from "../../../shared/contracts/notifications.js";
import type { Db } from "../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { forbidden, invalid, notFound } from "../../platform/errors.js";
import { files } from "../../platform/files/schema.js";
import { type FileUpload, type StoredFile, storeFile } from "../../platform/files/store.js";
import { excerptWithMentions, mentionedHandles, renderWithMentions } from "../../platform/mentions.js";
import { notify, setFollow } from "../../platform/notifications/service.js";
import { activeUsersByEmail, mentionedPeople, type UserSummary } from "../accounts/index.js";
import { projectAudience, projectReaders, recordActivity, requireProject, visibleTo } from "./access.js";
import type { Comment } from "./contracts/comments.js";
import type { Attachment, ProjectPerson } from "./contracts/common.js";
import type {
  MySubscription,
  Post,
  PostChanges,
  PostInput,
  PostListQuery,
  PostSummary,
} from "./contracts/posts.js";
import { markPostSeen, postFollowLevels, postItem, postUrl } from "./notifications.js";
import { personViews } from "./people.js";
import {
  type ItemVisibility,
  type PostCategory,
  projectActivity,
  projectAttachments,
  projectComments,
  projectPostSubscriptions,
  projectPosts,
  type SubscriptionState,
} from "./schema.js";

type PostRow = typeof projectPosts.$inferSelect;
export type Upload = FileUpload;

/** A post the person may see in this project; a staff-only post does not exist for customers. */
async function loadVisiblePost(db: Db, actor: Actor, projectId: string, postId: string): Promise<PostRow> {
  const [post] = await db
    .select()
    .from(projectPosts)
    .where(
      and(
        eq(projectPosts.id, postId),
        eq(projectPosts.projectId, projectId),
        isNull(projectPosts.removedAt),
        inArray(projectPosts.visibility, visibleTo(actor)),
      ),
    );
  if (!post) throw notFound("The post");
  return post;
}

/** Only the product team makes items staff-only. */
function checkVisibility(actor: Actor, visibility: ItemVisibility | undefined): void {
  if (visibility === "staff" && !actor.isStaff)
    throw invalid({ visibility: "Only the product team can make a post visible to staff only." });
}

const canEdit = (actor: Actor, post: PostRow) => actor.isStaff || post.authorId === actor.id;

async function summarise(db: Db, rows: PostRow[]): Promise<PostSummary[]> {
  const ids = rows.map((row) => row.id);
  const comments =
    ids.length > 0
      ? await db
          .select({ postId: projectComments.postId, n: count(), latest: max(projectComments.createdAt) })
          .from(projectComments)
          .where(and(inArray(projectComments.postId, ids), isNull(projectComments.removedAt)))
          .groupBy(projectComments.postId)
      : [];
  const attachments =
    ids.length > 0
      ? await db
          .select({ postId: projectAttachments.postId, n: count() })
          .from(projectAttachments)
          .where(inArray(projectAttachments.postId, ids))
          .groupBy(projectAttachments.postId)
      : [];
  const commentsByPost = new Map(comments.map((c) => [c.postId, c]));
  const attachmentsByPost = new Map(attachments.map((a) => [a.postId, a.n]));
  const person = await personViews(
    db,
    rows.map((row) => row.authorId),
  );
  return rows.map((row) => {
    const latest = commentsByPost.get(row.id)?.latest;
    return {
      id: row.id,
      projectId: row.projectId,
      category: row.category,
      title: row.title,
      visibility: row.visibility,
      author: person(row.authorId),
      commentCount: commentsByPost.get(row.id)?.n ?? 0,
      attachmentCount: attachmentsByPost.get(row.id) ?? 0,
      createdAt: row.createdAt.toISOString(),
      editedAt: row.editedAt?.toISOString() ?? null,
      lastActivityAt: new Date(latest ?? row.createdAt).toISOString(),
    };
  });
}

/** The board: posts the person may see, newest first, optionally of one category. */
export async function listPosts(
  ctx: ActorCtx,
  projectId: string,
  filter: PostListQuery,
): Promise<PostSummary[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const rows = await ctx.db
    .select()
    .from(projectPosts)
    .where(
      and(
        eq(projectPosts.projectId, projectId),
        isNull(projectPosts.removedAt),
        inArray(projectPosts.visibility, visibleTo(actor)),
        filter.category ? eq(projectPosts.category, filter.category) : undefined,
      ),
    )
    .orderBy(desc(projectPosts.createdAt))
    .limit(500);
  return summarise(ctx.db, rows);
}

function presentAttachment(
  projectId: string,
  postId: string,
  attachmentId: string,
  file: StoredFile,
  createdAt: Date,
): Attachment {
  return {
    id: attachmentId,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    url: `/api/projects/${projectId}/posts/${postId}/attachments/${attachmentId}`,
    createdAt: createdAt.toISOString(),
  };
}

async function commenterIds(db: Db, postId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ authorId: projectComments.authorId })
    .from(projectComments)
    .where(and(eq(projectComments.postId, postId), isNull(projectComments.removedAt)));
  return rows.map((row) => row.authorId);
}

/**
 * Whether a person hears of every comment on a post: the author and commenters follow it unless they
 * chose otherwise; anyone else only by choosing to follow it.
 */
function followsPost(
  userId: string,
  post: PostRow,
  commenters: string[],
  levels: Map<string, FollowLevel>,
): boolean {
  const chosen = levels.get(userId);
  if (chosen) return chosen === "follow";
  return post.authorId === userId || commenters.includes(userId);
}

function subscriptionOf(
  userId: string,
  post: PostRow,
  commenters: string[],
  levels: Map<string, FollowLevel>,
): MySubscription {
  if (levels.get(userId) === "mute") return "muted";
  return followsPost(userId, post, commenters, levels) ? "subscribed" : "none";
}

/** The post as its page opens it: what the person was notified of about it counts as seen. */
export async function viewPost(ctx: ActorCtx, projectId: string, postId: string): Promise<Post> {
  const post = await getPostView(ctx, projectId, postId);
  await markPostSeen(ctx, ctx.actor.id, post.id);
  return post;
}

export async function getPostView(ctx: ActorCtx, projectId: string, postId: string): Promise<Post> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const post = await loadVisiblePost(ctx.db, actor, projectId, postId);
  const [summary] = await summarise(ctx.db, [post]);
  if (!summary) throw notFound("The post");
  const comments = await ctx.db
    .select()
    .from(projectComments)
    .where(and(eq(projectComments.postId, postId), isNull(projectComments.removedAt)))
    .orderBy(asc(projectComments.createdAt));
  const attachments = await ctx.db
    .select({ attachment: projectAttachments, file: files })
    .from(projectAttachments)
    .innerJoin(files, eq(files.id, projectAttachments.fileId))
    .where(eq(projectAttachments.postId, postId))
    .orderBy(asc(projectAttachments.createdAt));
  const person = await personViews(
    ctx.db,
    comments.map((c) => c.authorId),
  );
  const mentioned = await mentionedPeople(
    ctx.db,
    [post.body, ...comments.map((c) => c.body)].flatMap((body) => mentionedHandles(body).emails),
  );
  return {
    ...summary,
    body: post.body,
    bodyHtml: renderWithMentions(post.body, mentioned),
    comments: comments.map((c) => presentComment(c, person(c.authorId), mentioned)),
    attachments: attachments.map(({ attachment, file }) =>
      presentAttachment(projectId, postId, attachment.id, file, attachment.createdAt),
    ),
    mySubscription: subscriptionOf(
      actor.id,
      post,
      comments.map((c) => c.authorId),
      await postFollowLevels(ctx.db, postId),
    ),
    canEdit: canEdit(actor, post),
  };
}

function presentComment(
  row: typeof projectComments.$inferSelect,
  author: ProjectPerson,
  mentioned: Map<string, { id: string; name: string }>,
): Comment {
  return {
    id: row.id,
    author,
    body: row.body,
    bodyHtml: renderWithMentions(row.body, mentioned),
    createdAt: row.createdAt.toISOString(),
  };
}

/** The people a text @mentions (as @email) who may see the post, never its writer. */
/** A post's or comment's text for inboxes and e-mails: plain, with mentions by name. */
async function readableExcerpt(db: Db, body: string): Promise<string> {
  return excerptWithMentions(body, await mentionedPeople(db, mentionedHandles(body).emails));
}

async function mentionedReaders(
  db: Db,
  post: PostRow,
  writerId: string,
  body: string,
): Promise<UserSummary[]> {
  const byEmail = await activeUsersByEmail(db, mentionedHandles(body).emails);
  const readers = await projectReaders(db, post.projectId, post.visibility, byEmail.values());
  return readers.filter((person) => person.id !== writerId);
}

export async function createPost(
  ctx: ActorCtx,
  projectId: string,
  input: PostInput,
  uploads: Upload[] = [],
): Promise<Post> {
  const { actor } = ctx;
  checkVisibility(actor, input.visibility);
  const postId = await inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const [post] = await tx.db
      .insert(projectPosts)
      .values({
        projectId,
        category: input.category,
        title: input.title,
        body: input.body,
        visibility: input.visibility ?? "project",
        authorId: actor.id,
      })
      .returning();
    if (!post) throw new Error("post row was not written");
    for (const upload of uploads) {
      const file = await storeFile(tx, { ...upload, field: "file" });
      await tx.db.insert(projectAttachments).values({ postId: post.id, fileId: file.id });
    }
    await recordActivity(tx, {
      projectId,
      verb: "post_created",
      itemType: "post",
      itemId: post.id,
      summary: `${actor.name} posted ${categoryLabel[post.category]} “${post.title}”.`,
      visibility: post.visibility,
    });
    await notifyNewPost(tx, post);
    return post.id;
  });
  return getPostView(ctx, projectId, postId);
}

const categoryLabel: Record<PostCategory, string> = {
  announcement: "an announcement",
  question: "a question",
  decision: "a decision",
  fyi: "an FYI",
};

/** An announcement goes to everyone who may see it; anyone mentioned hears about it in any category. */
async function notifyNewPost(ctx: ActorCtx, post: PostRow): Promise<void> {
  const { actor } = ctx;
  const notice = {
    item: { type: postItem.type, id: post.id, title: post.title, url: postUrl(post) },
    excerpt: await readableExcerpt(ctx.db, post.body),
    actor: { id: actor.id, name: actor.name },
  };
  const mentioned = idsOf(await mentionedReaders(ctx.db, post, actor.id, post.body));
  await notify(ctx, { ...notice, kind: "projects.mention", recipients: mentioned });
  if (post.category !== "announcement") return;
  const audience = idsOf(await projectAudience(ctx.db, post.projectId, post.visibility));
  await notify(ctx, {
    ...notice,
    kind: "projects.announcement",
    recipients: audience.filter((id) => !mentioned.includes(id)),
  });
}

const idsOf = (people: { id: string }[]) => people.map((person) => person.id);

export async function updatePost(
  ctx: ActorCtx,
  projectId: string,
  postId: string,
  changes: PostChanges,
): Promise<Post> {
  const { actor } = ctx;
  checkVisibility(actor, changes.visibility);
  await inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const post = await loadVisiblePost(tx.db, actor, projectId, postId);
    if (!canEdit(actor, post)) throw forbidden("Only the author or the product team edits a post.");
    const [updated] = await tx.db
      .update(projectPosts)
      .set({
        category: changes.category ?? post.category,
        title: changes.title ?? post.title,
        body: changes.body ?? post.body,
        visibility: changes.visibility ?? post.visibility,
        editedAt: new Date(),
      })
      .where(eq(projectPosts.id, postId))
      .returning();
    if (!updated) throw notFound("The post");
    // A post made staff-only keeps its visibility on the timeline too, old lines included.
    if (updated.visibility !== post.visibility) {
      await tx.db
        .update(projectActivity)
        .set({ visibility: updated.visibility })
        .where(and(eq(projectActivity.itemType, "post"), eq(projectActivity.itemId, postId)));
    }
    await recordActivity(tx, {
      projectId,
      verb: "post_edited",
      itemType: "post",
      itemId: postId,
      summary: `${actor.name} edited “${updated.title}”.`,
      visibility: updated.visibility,
    });
  });
  return getPostView(ctx, projectId, postId);
}

/**
 * A comment: the post's subscribers hear of it (unless they muted it), and people it mentions get a
 * mention instead. Writing a comment subscribes its writer, unless they muted the post.
 */
export async function addComment(
  ctx: ActorCtx,
  projectId: string,
  postId: string,
  input: { body: string },
): Promise<Comment> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const post = await loadVisiblePost(tx.db, actor, projectId, postId);
    const [comment] = await tx.db
      .insert(projectComments)
      .values({ postId, projectId, body: input.body, authorId: actor.id })
      .returning();
    if (!comment) throw new Error("comment row was not written");
    await recordActivity(tx, {
      projectId,
      verb: "comment_added",
      itemType: "post",
      itemId: postId,
      summary: `${actor.name} commented on “${post.title}”.`,
      visibility: post.visibility,
    });

    const levels = await postFollowLevels(tx.db, postId);
    const commenters = await commenterIds(tx.db, postId);
    const notice = {
      item: { type: postItem.type, id: post.id, title: post.title, url: postUrl(post, comment.id) },
      excerpt: await readableExcerpt(tx.db, input.body),
      actor: { id: actor.id, name: actor.name },
    };
    // A post muted before the inbox existed stays muted, mentions included.
    const muted = (userId: string) => levels.get(userId) === "mute";
    const mentioned = idsOf(await mentionedReaders(tx.db, post, actor.id, input.body)).filter(
      (id) => !muted(id),
    );
    await notify(tx, { ...notice, kind: "projects.mention", recipients: mentioned });
    const candidates = new Set([post.authorId, ...commenters, ...levels.keys()]);
    const followers = [...candidates].filter(
      (id) => !mentioned.includes(id) && followsPost(id, post, commenters, levels),
    );
    await notify(tx, { ...notice, kind: "projects.comment", recipients: followers });
    const person = await personViews(tx.db, [actor.id]);
    return presentComment(
      comment,
      person(actor.id),
      await mentionedPeople(tx.db, mentionedHandles(input.body).emails),
    );
  });
}

/** Adds a file to a post: its author or the product team, like editing it. */
export async function attachToPost(
  ctx: ActorCtx,
  projectId: string,
  postId: string,
  upload: Upload,
): Promise<Attachment> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const post = await loadVisiblePost(tx.db, actor, projectId, postId);
    if (!canEdit(actor, post)) throw forbidden("Only the author or the product team adds files to a post.");
    const file = await storeFile(tx, { ...upload, field: "file" });
    const [attachment] = await tx.db
      .insert(projectAttachments)
      .values({ postId, fileId: file.id })
      .returning();
    if (!attachment) throw new Error("attachment row was not written");
    await recordActivity(tx, {
      projectId,
      verb: "attachment_added",
      itemType: "post",
      itemId: postId,
      summary: `${actor.name} attached ${file.filename} to “${post.title}”.`,
      visibility: post.visibility,
    });
    return presentAttachment(projectId, postId, attachment.id, file, attachment.createdAt);
  });
}

/** The bytes of a post's attachment, for whoever may see the post. */
export async function loadPostAttachment(
  ctx: ActorCtx,
  projectId: string,
  postId: string,
  attachmentId: string,
): Promise<StoredFile> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  await loadVisiblePost(ctx.db, actor, projectId, postId);
  const [row] = await ctx.db
    .select({ file: files })
    .from(projectAttachments)
    .innerJoin(files, eq(files.id, projectAttachments.fileId))
    .where(and(eq(projectAttachments.id, attachmentId), eq(projectAttachments.postId, postId)));
  if (!row) throw notFound("The attachment");
  return row.file;
}

/** Subscribe to (follow) or mute one post; muting stops every notification about it, mentions included. */
export async function setSubscription(
  ctx: ActorCtx,
  projectId: string,
  postId: string,
  state: SubscriptionState,
): Promise<{ state: SubscriptionState }> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  await loadVisiblePost(ctx.db, actor, projectId, postId);
  // The post's own switch and the inbox's follow say the same, whichever page the person used.
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .insert(projectPostSubscriptions)
      .values({ postId, userId: actor.id, state })
      .onConflictDoUpdate({
        target: [projectPostSubscriptions.postId, projectPostSubscriptions.userId],
        set: { state, updatedAt: new Date() },
      });
    await setFollow(tx, actor.id, { type: postItem.type, id: postId }, state === "muted" ? "mute" : "follow");
  });
  return { state };
}
