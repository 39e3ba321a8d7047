import path from "node:path";
import type { Readable } from "node:stream";
import { asc, eq } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Ctx } from "../context.js";
import { AppError } from "../errors.js";
import type { ByteRange, StoredBlob } from "./file-store.js";
import { files } from "./schema.js";
import { fileStoreFor } from "./stores.js";

/** Types people attach to support tickets and project work; anything executable is refused. */
const allowedTypes = new Map<string, string[]>([
  ["image/png", [".png"]],
  ["image/jpeg", [".jpg", ".jpeg"]],
  ["image/gif", [".gif"]],
  ["image/webp", [".webp"]],
  ["application/pdf", [".pdf"]],
  ["text/plain", [".txt", ".log"]],
  ["text/csv", [".csv"]],
  ["application/json", [".json"]],
  ["application/zip", [".zip"]],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"]],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"]],
]);

export type StoredFile = typeof files.$inferSelect;

/**
 * The bytes of an upload: held in memory (mail attachments, demo data), or already streamed into
 * the file store while the request was read (`readUpload`), where type and size were checked.
 */
export type FileContent = { data: Buffer } | { received: StoredBlob };

/** A file as a service receives it to store: its name and type as sent, and its bytes. */
export type FileUpload = { filename: string; contentType: string } & FileContent;

type Upload = FileUpload & { field: string };

/** Why a file's type is refused, or null when it is one people may attach. */
export function typeProblem(upload: {
  filename: string;
  contentType: string;
  field: string;
}): AppError | null {
  const extension = path.extname(upload.filename).toLowerCase();
  const extensions = allowedTypes.get(upload.contentType);
  if (extensions?.includes(extension)) return null;
  return new AppError(
    "unsupported_media_type",
    `Files of type ${upload.contentType} (${extension}) are not accepted.`,
    {
      [upload.field]: `Accepted: ${[...allowedTypes.values()].flat().join(", ")}`,
    },
  );
}

/**
 * A size limit as people read it. Rounded down, to one decimal: MAX_UPLOAD_MB may be a fraction
 * (0.5), and a limit rounded up (or down to "0 MB") would promise what the server then refuses.
 */
function sizeLimitText(bytes: number): string {
  const oneDecimalDown = (value: number) => Math.floor(value * 10) / 10;
  if (bytes >= 1024 * 1024) return `${oneDecimalDown(bytes / 1024 / 1024)} MB`;
  if (bytes >= 1024) return `${oneDecimalDown(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The refusal of a file over MAX_UPLOAD_MB, naming the form field it came in. */
export function tooLarge(config: Config, field: string): AppError {
  return new AppError("payload_too_large", "The file is too large.", {
    [field]: `At most ${sizeLimitText(config.maxUploadBytes)} per file.`,
  });
}

/**
 * Why a file would be refused (type or size), or null when storeFile would take it; lets a caller
 * that receives many files at once (group mail) drop the refused ones instead of failing them all.
 */
export function uploadProblem(config: Config, upload: Upload): AppError | null {
  const size = "data" in upload ? upload.data.length : upload.received.size;
  return typeProblem(upload) ?? (size > config.maxUploadBytes ? tooLarge(config, upload.field) : null);
}

/** Stores bytes content-addressed (the same file twice is kept once) and records who uploaded what. */
export async function storeFile(ctx: Ctx, upload: Upload): Promise<StoredFile> {
  const problem = uploadProblem(ctx.config, upload);
  if (problem) throw problem;
  const blob = "data" in upload ? await fileStoreFor(ctx.config).put(upload.data) : upload.received;
  const [row] = await ctx.db
    .insert(files)
    .values({
      sha256: blob.sha256,
      filename: path.basename(upload.filename),
      contentType: upload.contentType,
      size: blob.size,
      uploadedBy: ctx.actor?.id ?? null,
    })
    .returning();
  if (!row) throw new Error("file row was not written");
  return row;
}

/**
 * Stores what a stream produces (a generated archive, a file an import brings) without holding it in
 * memory. It comes from the server, not an upload, so it takes no uploader and skips the upload
 * checks; an import gives the row its own id (the same file imported again is the same row).
 */
export async function storeStream(
  ctx: Ctx,
  input: { filename: string; contentType: string; stream: Readable; id?: string; createdAt?: Date },
): Promise<StoredFile> {
  const { sha256, size } = await fileStoreFor(ctx.config).put(input.stream);
  const [row] = await ctx.db
    .insert(files)
    .values({
      ...(input.id ? { id: input.id } : {}),
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
      sha256,
      filename: path.basename(input.filename),
      contentType: input.contentType,
      size,
      uploadedBy: null,
    })
    .returning();
  if (!row) throw new Error("file row was not written");
  return row;
}

/** Forgets a stored file, and its bytes once no other file row has the same content. */
export async function deleteStoredFile(ctx: Ctx, file: StoredFile): Promise<void> {
  await ctx.db.delete(files).where(eq(files.id, file.id));
  const [other] = await ctx.db
    .select({ id: files.id })
    .from(files)
    .where(eq(files.sha256, file.sha256))
    .limit(1);
  if (!other) await fileStoreFor(ctx.config).delete(file.sha256);
}

/** A stored file's bytes, or one range of them. */
export function readStoredFile(config: Config, file: StoredFile, range?: ByteRange): Promise<Readable> {
  return fileStoreFor(config).get(file.sha256, range);
}

/** Whether a stored file's bytes are in the file store. */
export function hasStoredBytes(config: Config, file: StoredFile): Promise<boolean> {
  return fileStoreFor(config).exists(file.sha256);
}

export async function getStoredFile(ctx: Ctx, id: string): Promise<StoredFile | null> {
  const [row] = await ctx.db.select().from(files).where(eq(files.id, id));
  return row ?? null;
}

/** The files a person uploaded, oldest first: what their personal-data export carries under files/. */
export function filesUploadedBy(ctx: Ctx, userId: string): Promise<StoredFile[]> {
  return ctx.db.select().from(files).where(eq(files.uploadedBy, userId)).orderBy(asc(files.createdAt));
}
