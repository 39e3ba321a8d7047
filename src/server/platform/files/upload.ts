import { Transform } from "node:stream";
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import type { Config } from "../../config.js";
import { AppError, invalid } from "../errors.js";
import { unstorableInput } from "../input-guard.js";
import type { StoredBlob } from "./file-store.js";
import { tooLarge, typeProblem } from "./store.js";
import { fileStoreFor } from "./stores.js";

/** A file a form carried, already streamed into the file store; `storeFile` records it. */
export type ReceivedFile = { filename: string; contentType: string; received: StoredBlob };

/** The most files one multipart form (a post with its attachments) may carry. */
export const MAX_FORM_FILES = 10;

type PartsOptions = Parameters<FastifyRequest["parts"]>[0];

/**
 * The parts of a multipart form, each text field and file name held to the rule the app's input guard
 * applies to JSON (which ran before the form was read): a control character, NUL included, is a 400
 * naming the field, before anything is stored. Every route that reads a form reads it through this.
 */
export async function* formParts(request: FastifyRequest, options?: PartsOptions) {
  for await (const part of request.parts(options)) {
    if (part.type === "file") {
      if (unstorableInput({ filename: part.filename }))
        throw invalid({ [part.fieldname]: "Rename the file: its name holds a control character." });
    } else {
      const problem = unstorableInput({ [part.fieldname]: String(part.value) });
      if (problem) throw invalid({ [problem.field]: problem.message });
    }
    yield part;
  }
}

/**
 * Streams a file part into the file store without holding it in memory. Its type is checked before a
 * byte is stored; a file over MAX_UPLOAD_MB (the multipart plugin stops reading it there) fails the
 * stream before it reaches its content address, so nothing of it stays.
 */
export async function receiveFile(config: Config, part: MultipartFile, field: string): Promise<ReceivedFile> {
  const upload = { filename: part.filename, contentType: part.mimetype, field };
  const refused = typeProblem(upload);
  if (refused) {
    part.file.resume();
    throw refused;
  }
  const limit = new Transform({
    transform: (chunk, _encoding, done) => done(null, chunk),
    flush: (done) => done(part.file.truncated ? tooLarge(config, field) : null),
  });
  part.file.once("error", (error) => limit.destroy(error));
  const received = await fileStoreFor(config).put(part.file.pipe(limit));
  return { filename: part.filename, contentType: part.mimetype, received };
}

/** Reads the one file sent as multipart field `file` into the file store; size capped at MAX_UPLOAD_MB. */
export async function readUpload(request: FastifyRequest, config: Config): Promise<ReceivedFile> {
  if (!request.isMultipart()) {
    throw new AppError("validation", "Send the file as multipart/form-data.", { file: "Choose a file." });
  }
  for await (const part of formParts(request)) {
    if (part.type !== "file") continue;
    // Drain whatever other file arrives, or the form's stream would wait for it.
    if (part.fieldname !== "file") {
      part.file.resume();
      continue;
    }
    return receiveFile(config, part, "file");
  }
  throw new AppError("validation", "No file was sent.", { file: "Choose a file." });
}

/** Files sent with a multipart form, kept per request by `readMultipartForm`. */
const formFiles = new WeakMap<FastifyRequest, ReceivedFile[]>();

/**
 * A preValidation hook for routes that take JSON or multipart form data (fields plus files named
 * `file`): the form's fields become the body, so one zod schema names a bad field either way; the
 * files stream into the file store as they arrive.
 */
export async function readMultipartForm(request: FastifyRequest, config: Config): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  for await (const part of formParts(request)) {
    if (part.type === "file") {
      if (part.fieldname !== "file")
        throw invalid({ [part.fieldname]: "Send files in the field named file." });
      files.push(await receiveFile(config, part, "file"));
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  request.body = fields;
  formFiles.set(request, files);
}

/** The files `readMultipartForm` read for this request (none for a JSON body). */
export const filesOf = (request: FastifyRequest): ReceivedFile[] => formFiles.get(request) ?? [];
