import type { FastifyRequest } from "fastify";
import { AppError, invalid } from "../errors.js";

export type ReceivedFile = { filename: string; contentType: string; data: Buffer };

/** The most files one multipart form (a post with its attachments) may carry. */
export const MAX_FORM_FILES = 10;

/** Reads the one file sent as multipart field `file`; size is capped by the multipart plugin. */
export async function readUpload(request: FastifyRequest): Promise<ReceivedFile> {
  if (!request.isMultipart()) {
    throw new AppError("validation", "Send the file as multipart/form-data.", { file: "Choose a file." });
  }
  const part = await request.file();
  if (part?.fieldname !== "file")
    throw new AppError("validation", "No file was sent.", { file: "Choose a file." });
  return { filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() };
}

/** Files sent with a multipart form, kept per request by `readMultipartForm`. */
const formFiles = new WeakMap<FastifyRequest, ReceivedFile[]>();

/**
 * A preValidation hook for routes that take JSON or multipart form data (fields plus files named
 * `file`): the form's fields become the body, so one zod schema names a bad field either way.
 */
export async function readMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  for await (const part of request.parts()) {
    if (part.type === "file") {
      if (part.fieldname !== "file")
        throw invalid({ [part.fieldname]: "Send files in the field named file." });
      files.push({ filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() });
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  request.body = fields;
  formFiles.set(request, files);
}

/** The files `readMultipartForm` read for this request (none for a JSON body). */
export const filesOf = (request: FastifyRequest): ReceivedFile[] => formFiles.get(request) ?? [];
