import type { FastifyReply } from "fastify";
import type { Config } from "../../config.js";
import { AppError } from "../errors.js";
import { type ByteRange, FileMissingError } from "./file-store.js";
import { readStoredFile, type StoredFile } from "./store.js";

/**
 * The one range a `Range` header asks for, clamped to the file; null for no header or one this
 * server answers with the whole file instead (several ranges, another unit, a malformed header, as
 * RFC 9110 allows); "unsatisfiable" when every byte asked for lies past the end.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | null | "unsatisfiable" {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

/**
 * Sends a stored file as every download route does: its own type, never sniffed; images inline (the
 * page previews them), anything else as an attachment under its own name; cached privately. The
 * bytes stream from the file store, and a `Range` request (a resumed download, a video's seek) gets
 * just those bytes.
 */
export async function sendStoredFile(reply: FastifyReply, config: Config, file: StoredFile) {
  // The API document must say a download may answer 206 and 416: its contract's answer is a storedFileAnswer.
  const documented = reply.request.routeOptions.schema?.response as Record<number, unknown> | undefined;
  if (!documented?.[206])
    throw new Error(
      `${reply.request.routeOptions.url} sends a stored file; its contract answers storedFileAnswer(…)`,
    );
  const inline = file.contentType.startsWith("image/");
  reply
    .header("content-type", file.contentType)
    .header(
      "content-disposition",
      `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header("x-content-type-options", "nosniff")
    .header("cache-control", reply.getHeader("cache-control") ?? "private, max-age=3600")
    .header("accept-ranges", "bytes");
  const range = requestedRange(reply.request.headers.range, file.size);
  if (range === "unsatisfiable") {
    reply.header("content-range", `bytes */${file.size}`);
    throw new AppError("range_not_satisfiable", `The file has ${file.size} bytes.`, {
      range: `Ask for bytes below ${file.size}.`,
    });
  }
  const bytes = await readStoredFile(config, file, range ?? undefined).catch((error: unknown) => {
    if (error instanceof FileMissingError) throw new AppError("not_found", "The file's content is missing.");
    throw error;
  });
  if (!range) return reply.header("content-length", file.size).send(bytes);
  return reply
    .code(206)
    .header("content-range", `bytes ${range.start}-${range.end}/${file.size}`)
    .header("content-length", range.end - range.start + 1)
    .send(bytes);
}
