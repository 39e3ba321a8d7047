import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config.js";
import type { Ctx } from "../context.js";
import { AppError } from "../errors.js";
import { files } from "./schema.js";

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

export function filesDir(dataDir: string): string {
  return path.join(dataDir, "files");
}

type Upload = { filename: string; contentType: string; data: Buffer; field: string };

/**
 * Why a file would be refused (type or size), or null when storeFile would take it; lets a caller
 * that receives many files at once (group mail) drop the refused ones instead of failing them all.
 */
export function uploadProblem(config: Config, upload: Upload): AppError | null {
  const extension = path.extname(upload.filename).toLowerCase();
  const extensions = allowedTypes.get(upload.contentType);
  if (!extensions?.includes(extension)) {
    return new AppError(
      "unsupported_media_type",
      `Files of type ${upload.contentType} (${extension}) are not accepted.`,
      {
        [upload.field]: `Accepted: ${[...allowedTypes.values()].flat().join(", ")}`,
      },
    );
  }
  if (upload.data.length > config.maxUploadBytes) {
    return new AppError("payload_too_large", "The file is too large.", {
      [upload.field]: `At most ${Math.round(config.maxUploadBytes / 1024 / 1024)} MB per file.`,
    });
  }
  return null;
}

/** Stores bytes content-addressed (the same file twice is kept once) and records who uploaded what. */
export async function storeFile(ctx: Ctx, upload: Upload): Promise<StoredFile> {
  const problem = uploadProblem(ctx.config, upload);
  if (problem) throw problem;
  const sha256 = createHash("sha256").update(upload.data).digest("hex");
  const target = path.join(filesDir(ctx.config.dataDir), sha256.slice(0, 2), sha256);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, upload.data, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const [row] = await ctx.db
    .insert(files)
    .values({
      sha256,
      filename: path.basename(upload.filename),
      contentType: upload.contentType,
      size: upload.data.length,
      uploadedBy: ctx.actor?.id ?? null,
    })
    .returning();
  if (!row) throw new Error("file row was not written");
  return row;
}

export function filePath(dataDir: string, file: StoredFile): string {
  return path.join(filesDir(dataDir), file.sha256.slice(0, 2), file.sha256);
}
