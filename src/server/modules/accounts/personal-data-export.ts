import type { Readable } from "node:stream";
import { and, desc, eq, inArray, lte } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import {
  deleteStoredFile,
  filesUploadedBy,
  getStoredFile,
  hasStoredBytes,
  readStoredFile,
  type StoredFile,
  storeStream,
} from "../../platform/files/store.js";
import { queueMail } from "../../platform/mail/service.js";
import { personalDataAreas } from "../../platform/personal-data/registry.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import {
  EXPORT_LINK_DAYS,
  type PersonalDataExport,
  personalDataExportChanged,
} from "./contracts/personal-data.js";
import { personalDataExportMail } from "./mail.js";
import { personalDataExports, users } from "./schema.js";

type ExportRow = typeof personalDataExports.$inferSelect;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Exports a person sees on their profile: the latest few. */
const LISTED_EXPORTS = 5;

function present(row: ExportRow, file: StoredFile | null): PersonalDataExport {
  return {
    id: row.id,
    status: row.status,
    step: row.step,
    done: row.done,
    total: row.total,
    size: file?.size ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

async function announce(ctx: Ctx, row: ExportRow): Promise<void> {
  await publishEvent(
    ctx,
    personalDataExportChanged,
    { userIds: [row.userId] },
    { exportId: row.id, status: row.status, step: row.step, done: row.done, total: row.total },
  );
}

const exportUnderWay = (row: Pick<ExportRow, "id" | "createdAt">) =>
  new AppError(
    "conflict",
    `Your export asked for at ${row.createdAt.toISOString()} is still being prepared; wait for its e-mail.`,
    undefined,
    { exportId: row.id },
  );

async function runningExportOf(ctx: Ctx, userId: string): Promise<ExportRow | null> {
  const [row] = await ctx.db
    .select()
    .from(personalDataExports)
    .where(
      and(eq(personalDataExports.userId, userId), inArray(personalDataExports.status, ["queued", "running"])),
    );
  return row ?? null;
}

/** The person's latest exports, newest first. */
export async function listMyExports(ctx: ActorCtx): Promise<PersonalDataExport[]> {
  const rows = await ctx.db
    .select()
    .from(personalDataExports)
    .where(eq(personalDataExports.userId, ctx.actor.id))
    .orderBy(desc(personalDataExports.createdAt))
    .limit(LISTED_EXPORTS);
  const views: PersonalDataExport[] = [];
  for (const row of rows) views.push(present(row, row.fileId ? await getStoredFile(ctx, row.fileId) : null));
  return views;
}

/**
 * Queues an export of everything the person holds here; the worker builds it. One at a time: a second
 * request while one is queued or running is a 409 naming it (the partial unique index settles a race).
 */
export async function requestExport(ctx: ActorCtx): Promise<PersonalDataExport> {
  try {
    const row = await inTransaction(ctx, async (tx) => {
      const running = await runningExportOf(tx, ctx.actor.id);
      if (running) throw exportUnderWay(running);
      const [inserted] = await tx.db.insert(personalDataExports).values({ userId: ctx.actor.id }).returning();
      if (!inserted) throw new Error("the export row was not written");
      await recordAudit(tx, {
        action: "personal_data.export_requested",
        targetType: "user",
        targetId: ctx.actor.id,
        details: { exportId: inserted.id },
      });
      await announce(tx, inserted);
      return inserted;
    });
    return present(row, null);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const running = await runningExportOf(ctx, ctx.actor.id);
    throw running ? exportUnderWay(running) : error;
  }
}

/**
 * The archive, for its owner only: their session and the link's token. Anyone else (staff included)
 * is told it does not exist; an expired link is 410.
 */
export async function loadExportDownload(ctx: ActorCtx, id: string, token: string): Promise<StoredFile> {
  const [row] = await ctx.db
    .select()
    .from(personalDataExports)
    .where(and(eq(personalDataExports.id, id), eq(personalDataExports.userId, ctx.actor.id)));
  if (!row?.tokenHash || row.tokenHash !== hashToken(token)) throw notFound("The export");
  if (row.status === "expired" || (row.expiresAt && row.expiresAt <= new Date()))
    throw new AppError("gone", "This download link has expired; ask for a new export on your profile.");
  if (row.status !== "ready" || !row.fileId)
    throw new AppError("conflict", "The export is not ready yet: its e-mail says when it is.");
  const file = await getStoredFile(ctx, row.fileId);
  if (!file)
    throw new AppError("gone", "This download link has expired; ask for a new export on your profile.");
  await recordAudit(ctx, {
    action: "personal_data.export_downloaded",
    targetType: "user",
    targetId: ctx.actor.id,
    details: { exportId: row.id },
  });
  return file;
}

/** Builds every queued export, then deletes the archives whose link has expired. */
export async function runPersonalDataExports(db: Db, config: Config, now = new Date()): Promise<number> {
  const ctx: Ctx = { db, config, actor: null, ip: null };
  let built = 0;
  for (;;) {
    const [claimed] = await db
      .update(personalDataExports)
      .set({ status: "running" })
      .where(
        eq(
          personalDataExports.id,
          db
            .select({ id: personalDataExports.id })
            .from(personalDataExports)
            .where(eq(personalDataExports.status, "queued"))
            .orderBy(personalDataExports.createdAt)
            .limit(1),
        ),
      )
      .returning();
    if (!claimed) break;
    await buildExport(ctx, claimed);
    built += 1;
  }
  await expireExports(ctx, now);
  return built;
}

/** A file name inside the archive that is safe on every system. */
const archiveName = (file: StoredFile) =>
  `files/${file.id}-${file.filename.replace(/[^\w.-]+/g, "_").slice(0, 120)}`;

async function buildExport(ctx: Ctx, row: ExportRow): Promise<void> {
  const areas = personalDataAreas();
  const [person] = await ctx.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.id, row.userId));
  const uploaded = await filesUploadedBy(ctx, row.userId);
  const present = await Promise.all(uploaded.map((file) => hasStoredBytes(ctx.config, file)));
  const uploads = uploaded.filter((_file, index) => present[index]);
  const total = areas.length + uploads.length;
  const report = async (step: string, done: number) => {
    await inTransaction(ctx, async (tx) => {
      const [updated] = await tx.db
        .update(personalDataExports)
        .set({ step, done, total })
        .where(eq(personalDataExports.id, row.id))
        .returning();
      if (!updated) throw new Error("the export row disappeared");
      await announce(tx, updated);
    });
  };
  const { ZipFile } = await import("yazl");
  const zip = new ZipFile();
  const storing = storeStream(ctx, {
    filename: `convene-data-${row.createdAt.toISOString().slice(0, 10)}.zip`,
    contentType: "application/zip",
    stream: zip.outputStream as Readable,
  });
  // A failure while entries are added must not leave the store waiting for an archive that never ends.
  storing.catch(() => undefined);
  let stored: StoredFile | null = null;
  try {
    let done = 0;
    for (const area of areas) {
      await report(area.name, done);
      if (!person) throw new Error("the export's person disappeared");
      const records = await area.collect(ctx, person);
      zip.addBuffer(Buffer.from(`${JSON.stringify(records, null, 2)}\n`), `${area.name}.json`);
      done += 1;
    }
    for (const file of uploads) {
      await report("files", done);
      // Opened when the archive reaches it: an object-store response left waiting would time out.
      zip.addReadStreamLazy(archiveName(file), (done) => {
        readStoredFile(ctx.config, file).then(
          (stream) => done(null, stream),
          (error: unknown) => done(error, undefined as never),
        );
      });
      done += 1;
    }
    const manifest = {
      format: "convene-personal-data/1",
      generatedAt: new Date().toISOString(),
      areas: areas.map((area) => `${area.name}.json`),
      files: uploads.map((file) => ({
        path: archiveName(file),
        name: file.filename,
        contentType: file.contentType,
        size: file.size,
        uploadedAt: file.createdAt.toISOString(),
      })),
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), "manifest.json");
    zip.end();
    stored = await storing;
    const file = stored;
    // The link's token is made now and only mailed: the person follows it, signed in, to download.
    const { token, tokenHash } = newToken();
    const published = await inTransaction(ctx, async (tx) => {
      const expiresAt = new Date(Date.now() + EXPORT_LINK_DAYS * DAY_MS);
      const [ready] = await tx.db
        .update(personalDataExports)
        .set({
          status: "ready",
          step: "",
          done: total,
          total,
          fileId: file.id,
          tokenHash,
          completedAt: new Date(),
          expiresAt,
        })
        // Still running: an erasure of its owner meanwhile has discarded it.
        .where(and(eq(personalDataExports.id, row.id), eq(personalDataExports.status, "running")))
        .returning();
      const [person] = await tx.db.select({ email: users.email }).from(users).where(eq(users.id, row.userId));
      if (!ready || !person) return false;
      await recordAudit(tx, {
        action: "personal_data.export_ready",
        targetType: "user",
        targetId: row.userId,
        details: { exportId: row.id, files: uploads.length, bytes: file.size },
      });
      await queueMail(
        tx,
        personalDataExportMail(ctx.config, { to: person.email, exportId: row.id, token, expiresAt }),
      );
      await announce(tx, ready);
      return true;
    });
    if (!published) await deleteStoredFile(ctx, file);
  } catch (error) {
    zip.outputStream.emit("error", error);
    if (stored) await deleteStoredFile(ctx, stored);
    const message = error instanceof Error ? error.message : String(error);
    await inTransaction(ctx, async (tx) => {
      const [failed] = await tx.db
        .update(personalDataExports)
        .set({ status: "failed", error: "The export could not be prepared; ask for a new one." })
        .where(eq(personalDataExports.id, row.id))
        .returning();
      await recordAudit(tx, {
        action: "personal_data.export_failed",
        targetType: "user",
        targetId: row.userId,
        details: { exportId: row.id, error: message.slice(0, 500) },
      });
      if (failed) await announce(tx, failed);
    });
  }
}

/** Deletes the archives whose link has expired; the rows stay, as `expired`, for the person's list. */
export async function expireExports(ctx: Ctx, now: Date): Promise<number> {
  const due = await ctx.db
    .select()
    .from(personalDataExports)
    .where(and(eq(personalDataExports.status, "ready"), lte(personalDataExports.expiresAt, now)));
  for (const row of due) await discardExport(ctx, row);
  return due.length;
}

/** Deletes an export's archive and marks it expired (the link's end, or its owner's erasure). */
export async function discardExport(ctx: Ctx, row: ExportRow): Promise<void> {
  const file = row.fileId ? await getStoredFile(ctx, row.fileId) : null;
  await ctx.db
    .update(personalDataExports)
    .set({ status: "expired", fileId: null })
    .where(eq(personalDataExports.id, row.id));
  if (file) await deleteStoredFile(ctx, file);
}

/** Every export of a person: their erasure deletes the archives too. */
export function exportsOf(ctx: Ctx, userId: string): Promise<ExportRow[]> {
  return ctx.db.select().from(personalDataExports).where(eq(personalDataExports.userId, userId));
}
