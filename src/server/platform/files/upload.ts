import type { FastifyRequest } from "fastify";
import { AppError } from "../errors.js";

/** Reads the one file sent as multipart field `file`; size is capped by the multipart plugin. */
export async function readUpload(
  request: FastifyRequest,
): Promise<{ filename: string; contentType: string; data: Buffer }> {
  if (!request.isMultipart()) {
    throw new AppError("validation", "Send the file as multipart/form-data.", { file: "Choose a file." });
  }
  const part = await request.file();
  if (part?.fieldname !== "file")
    throw new AppError("validation", "No file was sent.", { file: "Choose a file." });
  return { filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() };
}
