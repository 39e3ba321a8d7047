import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { renderMarkdown } from "../../platform/markdown.js";
import { liveAudience, recordActivity, requireProject, visibleTo } from "./access.js";
import type { ProjectPerson } from "./contracts/common.js";
import {
  type DocumentEditInput,
  type DocumentSummary,
  type DocumentVersion,
  type DocumentVersionSummary,
  documentSaved,
  type EditConflictDetails,
  type NewDocumentInput,
  type ProjectDocument,
  type RestoreInput,
} from "./contracts/documents.js";
import { diffLines } from "./diff.js";
import { personViews } from "./people.js";
import { type ItemVisibility, projectDocuments, projectDocumentVersions } from "./schema.js";

type DocumentRow = typeof projectDocuments.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type VersionRow = typeof projectDocumentVersions.$inferSelect;

/** Only the product team makes an item staff-only (as for posts); everyone else's are for the whole project. */
export function chosenVisibility(actor: Actor, visibility: ItemVisibility | undefined): ItemVisibility {
  if (visibility === "staff" && !actor.isStaff)
    throw invalid({ visibility: "Only the product team can make an item visible to staff only." });
  return visibility ?? "project";
}

/**
 * The document if the actor may see it: in this project, not removed, and not staff-only for a
 * customer (who is told it does not exist). `lock` takes the row for the rest of the transaction, so
 * saves of one document happen one after the other and each sees the version the previous one wrote.
 */
async function loadDocument(
  db: Db,
  actor: Actor,
  projectId: string,
  documentId: string,
  lock = false,
): Promise<DocumentRow> {
  const query = db
    .select()
    .from(projectDocuments)
    .where(
      and(
        eq(projectDocuments.id, documentId),
        eq(projectDocuments.projectId, projectId),
        isNull(projectDocuments.removedAt),
        inArray(projectDocuments.visibility, visibleTo(actor)),
      ),
    );
  const [document] = lock ? await query.for("update") : await query;
  if (!document) throw notFound("The document");
  return document;
}

async function loadVersion(db: Db, documentId: string, version: number): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(projectDocumentVersions)
    .where(
      and(eq(projectDocumentVersions.documentId, documentId), eq(projectDocumentVersions.version, version)),
    );
  return row;
}

async function currentVersionOf(db: Db, document: DocumentRow): Promise<VersionRow> {
  const row = await loadVersion(db, document.id, document.currentVersion);
  if (!row) throw new Error(`document ${document.id} has no version ${document.currentVersion}`);
  return row;
}

async function presentDocument(db: Db, document: DocumentRow, current: VersionRow): Promise<ProjectDocument> {
  const person = await personViews(db, [document.createdBy, current.authorId]);
  return {
    id: document.id,
    projectId: document.projectId,
    title: document.title,
    visibility: document.visibility,
    version: document.currentVersion,
    createdBy: person(document.createdBy),
    createdAt: document.createdAt.toISOString(),
    updatedBy: person(current.authorId),
    updatedAt: current.createdAt.toISOString(),
    body: current.body,
    bodyHtml: renderMarkdown(current.body),
  };
}

const presentVersion = (row: VersionRow, person: (id: string) => ProjectPerson): DocumentVersionSummary => ({
  version: row.version,
  title: row.title,
  author: person(row.authorId),
  createdAt: row.createdAt.toISOString(),
  restoredFrom: row.restoredFrom,
});

/** The project's documents the actor may see, most recently changed first. */
export async function listDocuments(ctx: ActorCtx, projectId: string): Promise<DocumentSummary[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const rows = await ctx.db
    .select({ document: projectDocuments, updatedBy: projectDocumentVersions.authorId })
    .from(projectDocuments)
    .innerJoin(
      projectDocumentVersions,
      and(
        eq(projectDocumentVersions.documentId, projectDocuments.id),
        eq(projectDocumentVersions.version, projectDocuments.currentVersion),
      ),
    )
    .where(
      and(
        eq(projectDocuments.projectId, projectId),
        isNull(projectDocuments.removedAt),
        inArray(projectDocuments.visibility, visibleTo(actor)),
      ),
    )
    .orderBy(desc(projectDocuments.updatedAt));
  const person = await personViews(
    ctx.db,
    rows.flatMap((row) => [row.document.createdBy, row.updatedBy]),
  );
  return rows.map(({ document, updatedBy }) => ({
    id: document.id,
    projectId: document.projectId,
    title: document.title,
    visibility: document.visibility,
    version: document.currentVersion,
    createdBy: person(document.createdBy),
    createdAt: document.createdAt.toISOString(),
    updatedBy: person(updatedBy),
    updatedAt: document.updatedAt.toISOString(),
  }));
}

export async function createDocument(
  ctx: ActorCtx,
  projectId: string,
  input: NewDocumentInput,
): Promise<ProjectDocument> {
  const { actor } = ctx;
  const visibility = chosenVisibility(actor, input.visibility);
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const [document] = await tx.db
      .insert(projectDocuments)
      .values({ projectId, title: input.title, visibility, currentVersion: 1, createdBy: actor.id })
      .returning();
    if (!document) throw new Error("document row was not written");
    const [version] = await tx.db
      .insert(projectDocumentVersions)
      .values({
        documentId: document.id,
        version: 1,
        title: input.title,
        body: input.body,
        authorId: actor.id,
      })
      .returning();
    if (!version) throw new Error("document version was not written");
    await recordActivity(tx, {
      projectId,
      verb: "document_created",
      itemType: "document",
      itemId: document.id,
      summary: `${actor.name} created the document “${input.title}”.`,
      visibility,
    });
    return presentDocument(tx.db, document, version);
  });
}

/**
 * Whether the person may read the document, by the same rules as opening it: for watching who edits it
 * (the gateway asks once per watch; a staff-only document's editors are shown to staff alone).
 */
export async function mayReadDocument(ctx: ActorCtx, documentId: string): Promise<boolean> {
  // The id comes from a client frame: anything but a UUID names no document (and no query is made).
  if (!UUID.test(documentId)) return false;
  const [row] = await ctx.db
    .select({ projectId: projectDocuments.projectId })
    .from(projectDocuments)
    .where(eq(projectDocuments.id, documentId));
  if (!row) return false;
  try {
    await requireProject(ctx, row.projectId, "read");
    await loadDocument(ctx.db, ctx.actor, row.projectId, documentId);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return false;
    throw error;
  }
}

export async function getDocument(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
): Promise<ProjectDocument> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const document = await loadDocument(ctx.db, actor, projectId, documentId);
  return presentDocument(ctx.db, document, await currentVersionOf(ctx.db, document));
}

/** The 409 for a save whose base is no longer current: what replaced it, and how it differs from the caller's text. */
async function editConflict(db: Db, document: DocumentRow, mine: { body: string }): Promise<AppError> {
  const current = await currentVersionOf(db, document);
  const person = await personViews(db, [current.authorId]);
  const details: EditConflictDetails = {
    currentVersion: current.version,
    theirs: {
      title: current.title,
      body: current.body,
      author: person(current.authorId),
      at: current.createdAt.toISOString(),
    },
    diff: diffLines(mine.body, current.body),
  };
  return new AppError(
    "edit_conflict",
    `${details.theirs.author.name} saved version ${current.version} while you were editing. Compare, then save again from version ${current.version}.`,
    undefined,
    details,
  );
}

/** Writes the next version and moves the document to it, with its timeline line, in the caller's transaction. */
async function writeVersion(
  tx: ActorCtx,
  document: DocumentRow,
  content: { title: string; body: string; restoredFrom?: number },
): Promise<ProjectDocument> {
  const { actor } = tx;
  const next = document.currentVersion + 1;
  const [version] = await tx.db
    .insert(projectDocumentVersions)
    .values({
      documentId: document.id,
      version: next,
      title: content.title,
      body: content.body,
      authorId: actor.id,
      restoredFrom: content.restoredFrom ?? null,
    })
    .returning();
  if (!version) throw new Error("document version was not written");
  const [updated] = await tx.db
    .update(projectDocuments)
    .set({ title: content.title, currentVersion: next, updatedAt: version.createdAt })
    .where(eq(projectDocuments.id, document.id))
    .returning();
  if (!updated) throw new Error("document row was not updated");
  await recordActivity(tx, {
    projectId: document.projectId,
    verb: content.restoredFrom ? "document_restored" : "document_edited",
    itemType: "document",
    itemId: document.id,
    summary: content.restoredFrom
      ? `${actor.name} restored version ${content.restoredFrom} of “${content.title}” as version ${next}.`
      : `${actor.name} edited “${content.title}” (version ${next}).`,
    visibility: document.visibility,
  });
  await publishEvent(
    tx,
    documentSaved,
    { userIds: await liveAudience(tx.db, document.projectId, document.visibility) },
    {
      projectId: document.projectId,
      documentId: document.id,
      version: next,
      by: { id: actor.id, name: actor.name },
    },
  );
  return presentDocument(tx.db, updated, version);
}

/**
 * Saves a new version, only on top of the version the editor started from: when someone else saved
 * in between, nothing is written and the 409 carries their version and the line diff, so the second
 * saver sees the difference instead of silently replacing it. A save that changes nothing writes no
 * version.
 */
export async function updateDocument(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
  input: DocumentEditInput,
): Promise<ProjectDocument> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const document = await loadDocument(tx.db, actor, projectId, documentId, true);
    if (input.baseVersion > document.currentVersion)
      throw invalid({ baseVersion: `The newest version is ${document.currentVersion}.` });
    if (input.baseVersion !== document.currentVersion) throw await editConflict(tx.db, document, input);
    const current = await currentVersionOf(tx.db, document);
    if (current.title === input.title && current.body === input.body)
      return presentDocument(tx.db, document, current);
    return writeVersion(tx, document, { title: input.title, body: input.body });
  });
}

/** Brings an old version back as a new one (history is never rewritten). */
export async function restoreVersion(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
  input: RestoreInput,
): Promise<ProjectDocument> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const document = await loadDocument(tx.db, actor, projectId, documentId, true);
    const source = await loadVersion(tx.db, document.id, input.version);
    if (!source) throw invalid({ version: `There is no version ${input.version}.` });
    if (source.version === document.currentVersion)
      throw invalid({ version: `Version ${input.version} is already the current version.` });
    if (input.baseVersion !== undefined && input.baseVersion !== document.currentVersion)
      throw await editConflict(tx.db, document, source);
    return writeVersion(tx, document, {
      title: source.title,
      body: source.body,
      restoredFrom: source.version,
    });
  });
}

export async function listVersions(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
): Promise<DocumentVersionSummary[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const document = await loadDocument(ctx.db, actor, projectId, documentId);
  const rows = await ctx.db
    .select()
    .from(projectDocumentVersions)
    .where(eq(projectDocumentVersions.documentId, document.id))
    .orderBy(desc(projectDocumentVersions.version));
  const person = await personViews(
    ctx.db,
    rows.map((row) => row.authorId),
  );
  return rows.map((row) => presentVersion(row, person));
}

export async function getVersion(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
  version: number,
): Promise<DocumentVersion> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const document = await loadDocument(ctx.db, actor, projectId, documentId);
  const row = await loadVersion(ctx.db, document.id, version);
  if (!row) throw notFound(`Version ${version}`);
  const person = await personViews(ctx.db, [row.authorId]);
  return { ...presentVersion(row, person), body: row.body, bodyHtml: renderMarkdown(row.body) };
}

/** The line diff from version `from` to version `to` (either order; the same version gives all equal). */
export async function diffVersions(
  ctx: ActorCtx,
  projectId: string,
  documentId: string,
  range: { from: number; to: number },
) {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const document = await loadDocument(ctx.db, actor, projectId, documentId);
  const rows = await ctx.db
    .select()
    .from(projectDocumentVersions)
    .where(
      and(
        eq(projectDocumentVersions.documentId, document.id),
        inArray(projectDocumentVersions.version, [range.from, range.to]),
      ),
    )
    .orderBy(asc(projectDocumentVersions.version));
  const byNumber = new Map(rows.map((row) => [row.version, row]));
  const from = byNumber.get(range.from);
  const to = byNumber.get(range.to);
  const missing = {
    ...(from ? {} : { from: `There is no version ${range.from}.` }),
    ...(to ? {} : { to: `There is no version ${range.to}.` }),
  };
  if (!from || !to) throw invalid(missing);
  return { from: range.from, to: range.to, diff: diffLines(from.body, to.body) };
}
