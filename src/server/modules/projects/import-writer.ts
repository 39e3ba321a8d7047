/**
 * A project brought in by an import (Basecamp): the project, its people, posts and their comments,
 * documents with one version and files with one version, written set-based with the ids the import
 * chose, so the same export imported twice writes nothing new (every insert skips a row it already
 * holds). Nothing here notifies, e-mails or publishes: the history is old news. The project's
 * timeline gets a line for each item this write added, at the item's own date, oldest first, and a
 * last line saying who imported it; staff-only items keep staff-only lines.
 */

import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { userSummaries } from "../accounts/index.js";
import {
  type ItemVisibility,
  type PostCategory,
  projectActivity,
  projectComments,
  projectDocuments,
  projectDocumentVersions,
  projectFiles,
  projectFileVersions,
  projectParticipants,
  projectPosts,
  projects,
} from "./schema.js";

export type ImportedProject = {
  id: string;
  name: string;
  purpose: string;
  /** YYYY-MM-DD. */
  startsOn: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Set for a project its source had archived: it arrives read-only, restorable by staff. */
  archivedAt: Date | null;
};

/** A person taking part in the project (whole organisations are added by staff afterwards). */
export type ImportedParticipant = { id: string; userId: string; addedAt: Date };

export type ImportedPost = {
  id: string;
  category: PostCategory;
  title: string;
  body: string;
  visibility: ItemVisibility;
  authorId: string;
  createdAt: Date;
  editedAt: Date | null;
};

/** A comment on a post of the same project (written in this import or an earlier run of it). */
export type ImportedComment = {
  id: string;
  postId: string;
  body: string;
  authorId: string;
  createdAt: Date;
  editedAt: Date | null;
};

/** A document with its one version: created at `createdAt`, its text as of `updatedAt`. */
export type ImportedDocument = {
  id: string;
  versionId: string;
  title: string;
  body: string;
  visibility: ItemVisibility;
  authorId: string;
  createdAt: Date;
  updatedAt: Date;
};

/** A file outside any folder, with its one version: bytes already in the file store (`fileId`). */
export type ImportedFile = {
  id: string;
  versionId: string;
  name: string;
  visibility: ItemVisibility;
  fileId: string;
  uploadedBy: string;
  createdAt: Date;
  updatedAt: Date;
};

export type ImportedProjectItems = {
  project: ImportedProject;
  participants: ImportedParticipant[];
  posts: ImportedPost[];
  comments: ImportedComment[];
  documents: ImportedDocument[];
  files: ImportedFile[];
  /** Where it came from, for the timeline: "Basecamp". */
  source: string;
};

/** How many rows of each kind this write added (zero for everything already there). */
export type ImportedProjectResult = {
  project: boolean;
  participants: number;
  posts: number;
  comments: number;
  documents: number;
  files: number;
};

/** Rows a statement writes. */
export const IMPORT_BATCH = 500;

type TimelineLine = {
  verb: string;
  itemType: string;
  itemId: string;
  actorId: string;
  summary: (actorName: string) => string;
  visibility: ItemVisibility;
  at: Date;
};

const categoryLabel: Record<PostCategory, string> = {
  announcement: "an announcement",
  question: "a question",
  decision: "a decision",
  fyi: "an FYI",
};

function batches<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += IMPORT_BATCH)
    out.push(rows.slice(start, start + IMPORT_BATCH));
  return out;
}

/**
 * Writes one project and everything in it, in one transaction, as the importing person (`ctx.actor`,
 * who adds the participants). `onWritten` hears of every batch written, by the ids it held (new or
 * not), for progress. Comments must belong to posts of this project.
 */
export async function writeImportedProject(
  ctx: ActorCtx,
  items: ImportedProjectItems,
  onWritten: (ids: string[]) => void = () => {},
): Promise<ImportedProjectResult> {
  const { project } = items;
  return inTransaction(ctx, async (tx) => {
    const { db } = tx;
    const timeline: TimelineLine[] = [];
    const result: ImportedProjectResult = {
      project: false,
      participants: 0,
      posts: 0,
      comments: 0,
      documents: 0,
      files: 0,
    };

    const [created] = await db
      .insert(projects)
      .values({
        id: project.id,
        name: project.name,
        purpose: project.purpose,
        startsOn: project.startsOn,
        status: project.archivedAt ? "archived" : "active",
        createdBy: project.createdBy,
        createdAt: project.createdAt,
        updatedAt: project.updatedAt,
        archivedAt: project.archivedAt,
        archivedBy: project.archivedAt ? ctx.actor.id : null,
      })
      .onConflictDoNothing()
      .returning({ id: projects.id });
    result.project = Boolean(created);
    if (created) {
      timeline.push({
        verb: "project_created",
        itemType: "project",
        itemId: project.id,
        actorId: project.createdBy,
        summary: (name) => `${name} started the project ${project.name}.`,
        visibility: "project",
        at: project.createdAt,
      });
    }
    onWritten([project.id]);

    for (const batch of batches(items.participants)) {
      const written = await db
        .insert(projectParticipants)
        .values(
          batch.map((participant) => ({
            id: participant.id,
            projectId: project.id,
            userId: participant.userId,
            addedBy: ctx.actor.id,
            addedAt: participant.addedAt,
          })),
        )
        // Someone already in the project (added by hand, or by an earlier run) stays as they are.
        .onConflictDoNothing()
        .returning({ id: projectParticipants.id });
      result.participants += written.length;
    }

    for (const batch of batches(items.posts)) {
      const written = await db
        .insert(projectPosts)
        .values(batch.map((post) => ({ ...post, projectId: project.id })))
        .onConflictDoNothing()
        .returning({ id: projectPosts.id });
      const fresh = new Set(written.map((row) => row.id));
      result.posts += fresh.size;
      for (const post of batch.filter((row) => fresh.has(row.id))) {
        timeline.push({
          verb: "post_created",
          itemType: "post",
          itemId: post.id,
          actorId: post.authorId,
          summary: (name) => `${name} posted ${categoryLabel[post.category]} “${post.title}”.`,
          visibility: post.visibility,
          at: post.createdAt,
        });
      }
      onWritten(batch.map((post) => post.id));
    }

    const postsOfComments = await postsById(
      db,
      items.comments.map((comment) => comment.postId),
    );
    for (const batch of batches(items.comments)) {
      const written = await db
        .insert(projectComments)
        .values(batch.map((comment) => ({ ...comment, projectId: project.id })))
        .onConflictDoNothing()
        .returning({ id: projectComments.id });
      const fresh = new Set(written.map((row) => row.id));
      result.comments += fresh.size;
      for (const comment of batch.filter((row) => fresh.has(row.id))) {
        const post = postsOfComments.get(comment.postId);
        if (!post) continue;
        timeline.push({
          verb: "comment_added",
          itemType: "post",
          itemId: comment.postId,
          actorId: comment.authorId,
          summary: (name) => `${name} commented on “${post.title}”.`,
          visibility: post.visibility,
          at: comment.createdAt,
        });
      }
      onWritten(batch.map((comment) => comment.id));
    }

    for (const batch of batches(items.documents)) {
      const written = await db
        .insert(projectDocuments)
        .values(
          batch.map((document) => ({
            id: document.id,
            projectId: project.id,
            title: document.title,
            visibility: document.visibility,
            currentVersion: 1,
            createdBy: document.authorId,
            createdAt: document.createdAt,
            updatedAt: document.updatedAt,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: projectDocuments.id });
      await db
        .insert(projectDocumentVersions)
        .values(
          batch.map((document) => ({
            id: document.versionId,
            documentId: document.id,
            version: 1,
            title: document.title,
            body: document.body,
            authorId: document.authorId,
            createdAt: document.updatedAt,
          })),
        )
        .onConflictDoNothing();
      const fresh = new Set(written.map((row) => row.id));
      result.documents += fresh.size;
      for (const document of batch.filter((row) => fresh.has(row.id))) {
        timeline.push({
          verb: "document_created",
          itemType: "document",
          itemId: document.id,
          actorId: document.authorId,
          summary: (name) => `${name} created the document “${document.title}”.`,
          visibility: document.visibility,
          at: document.createdAt,
        });
      }
      onWritten(batch.map((document) => document.id));
    }

    for (const batch of batches(items.files)) {
      const written = await db
        .insert(projectFiles)
        .values(
          batch.map((file) => ({
            id: file.id,
            projectId: project.id,
            folderId: null,
            name: file.name,
            visibility: file.visibility,
            currentVersion: 1,
            createdBy: file.uploadedBy,
            createdAt: file.createdAt,
            updatedAt: file.updatedAt,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: projectFiles.id });
      await db
        .insert(projectFileVersions)
        .values(
          batch.map((file) => ({
            id: file.versionId,
            projectFileId: file.id,
            version: 1,
            fileId: file.fileId,
            uploadedBy: file.uploadedBy,
            createdAt: file.createdAt,
          })),
        )
        .onConflictDoNothing();
      const fresh = new Set(written.map((row) => row.id));
      result.files += fresh.size;
      for (const file of batch.filter((row) => fresh.has(row.id))) {
        timeline.push({
          verb: "file_uploaded",
          itemType: "file",
          itemId: file.id,
          actorId: file.uploadedBy,
          summary: (name) => `${name} uploaded “${file.name}”.`,
          visibility: file.visibility,
          at: file.createdAt,
        });
      }
      onWritten(batch.map((file) => file.id));
    }

    if (created) {
      timeline.push({
        verb: "project_imported",
        itemType: "project",
        itemId: project.id,
        actorId: ctx.actor.id,
        summary: (name) => `${name} imported the project from ${items.source}.`,
        visibility: "project",
        at: new Date(),
      });
    }
    await writeTimeline(db, project.id, timeline);
    return result;
  });
}

async function postsById(db: Db, ids: string[]) {
  const byId = new Map<string, { title: string; visibility: ItemVisibility }>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += IMPORT_BATCH) {
    const rows = await db
      .select({ id: projectPosts.id, title: projectPosts.title, visibility: projectPosts.visibility })
      .from(projectPosts)
      .where(inArray(projectPosts.id, unique.slice(start, start + IMPORT_BATCH)));
    for (const row of rows) byId.set(row.id, row);
  }
  return byId;
}

/**
 * The timeline lines of what was added, oldest first: the timeline reads newest line first by its
 * order of writing, so the history is written in its own order.
 */
async function writeTimeline(db: Db, projectId: string, lines: TimelineLine[]): Promise<void> {
  if (lines.length === 0) return;
  const names = await userSummaries(
    db,
    lines.map((line) => line.actorId),
  );
  const ordered = lines
    .map((line, index) => ({ line, index }))
    .sort((a, b) => a.line.at.getTime() - b.line.at.getTime() || a.index - b.index)
    .map(({ line }) => line);
  for (const batch of batches(ordered)) {
    await db.insert(projectActivity).values(
      batch.map((line) => ({
        projectId,
        actorId: line.actorId,
        verb: line.verb,
        itemType: line.itemType,
        itemId: line.itemId,
        summary: line.summary(names.get(line.actorId)?.name ?? "A former member"),
        visibility: line.visibility,
        at: line.at,
      })),
    );
  }
}
