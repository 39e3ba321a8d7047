import type { FastifyRequest } from "fastify";
import { AppError, invalid } from "../errors.js";
import { unstorableInput } from "../input-guard.js";

export type ReceivedFile = { filename: string; contentType: string; data: Buffer };

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

/** Reads the one file sent as multipart field `file`; size is capped by the multipart plugin. */
export async function readUpload(request: FastifyRequest): Promise<ReceivedFile> {
  if (!request.isMultipart()) {
    throw new AppError("validation", "Send the file as multipart/form-data.", { file: "Choose a file." });
  }
  for await (const part of formParts(request)) {
    if (part.type !== "file") continue;
    // Read whatever file arrives, or the form's stream would wait for it.
    const data = await part.toBuffer();
    if (part.fieldname === "file") return { filename: part.filename, contentType: part.mimetype, data };
  }
  throw new AppError("validation", "No file was sent.", { file: "Choose a file." });
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
  for await (const part of formParts(request)) {
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
