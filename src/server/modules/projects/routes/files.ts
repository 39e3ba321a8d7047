import type { FastifyRequest } from "fastify";
import type { Config } from "../../../config.js";
import { invalid } from "../../../platform/errors.js";
import { sendStoredFile } from "../../../platform/files/download.js";
import { formParts, receiveFile } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/files.js";
import { type UploadOptions, uploadFields } from "../contracts/files.js";
import * as files from "../files.js";

/**
 * The upload form: field `file` and optional `folderId` and `visibility`, in any order. The multipart
 * plugin caps the file at the configured upload size (413); its type is checked before it streams
 * into the file store.
 */
async function readFileForm(
  request: FastifyRequest,
  config: Config,
): Promise<{ upload: files.FileUpload } & UploadOptions> {
  if (!request.isMultipart())
    throw invalid({ file: "Choose a file." }, "Send the file as multipart/form-data.");
  let upload: files.FileUpload | null = null;
  const values: Record<string, string> = {};
  for await (const part of formParts(request)) {
    if (part.type === "file") {
      // Drain whatever other file arrives, or the form's stream would wait for it.
      if (part.fieldname === "file") upload = await receiveFile(config, part, "file");
      else part.file.resume();
    } else if (part.fieldname === "folderId" || part.fieldname === "visibility") {
      // An empty form field (a select left at "top level") means "not given".
      if (String(part.value) !== "") values[part.fieldname] = String(part.value);
    }
  }
  const fields = uploadFields.safeParse(values);
  if (!fields.success)
    throw invalid(
      Object.fromEntries(fields.error.issues.map((issue) => [issue.path.join("."), issue.message])),
    );
  if (!upload) throw invalid({ file: "Choose a file." }, "No file was sent.");
  return { upload, ...fields.data };
}

/** Folders and the versioned files in them. */
export function fileRoutes(route: Route): void {
  route(contract.listFolders, async ({ ctx, params }) => ({
    folders: await files.listFolders(ctx, params.id),
  }));
  route(contract.createFolder, ({ ctx, params, body }) => files.createFolder(ctx, params.id, body));
  route(contract.listFiles, async ({ ctx, params, query }) => ({
    files: await files.listFiles(ctx, params.id, query.folderId),
  }));
  route(contract.uploadFile, async ({ ctx, params, request }) => {
    const { upload, ...options } = await readFileForm(request, ctx.config);
    return files.uploadFile(ctx, params.id, upload, options);
  });
  route(contract.getFile, ({ ctx, params }) => files.getFile(ctx, params.id, params.fileId));
  route(contract.downloadFile, async ({ ctx, params, query, reply }) => {
    const stored = await files.loadFileDownload(ctx, params.id, params.fileId, query.version);
    return sendStoredFile(reply, ctx.config, stored);
  });
}
