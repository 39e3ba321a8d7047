import fs from "node:fs";
import type { FastifyReply } from "fastify";
import { filePath, type StoredFile } from "./store.js";

/**
 * Sends a stored file as every download route does: its own type, never sniffed; images inline (the
 * page previews them), anything else as an attachment under its own name; cached privately.
 */
export function sendStoredFile(reply: FastifyReply, dataDir: string, file: StoredFile) {
  const inline = file.contentType.startsWith("image/");
  return reply
    .header("content-type", file.contentType)
    .header(
      "content-disposition",
      `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "private, max-age=3600")
    .send(fs.createReadStream(filePath(dataDir, file)));
}
