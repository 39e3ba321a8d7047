import { PassThrough } from "node:stream";
import type { FastifyRequest } from "fastify";
import { AppError, invalid } from "../../../../platform/errors.js";
import { formParts } from "../../../../platform/files/upload.js";
import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/imports.js";
import {
  getVolunteerImport,
  type ImportFile,
  listVolunteerImports,
  MAX_IMPORT_BYTES,
  prepareVolunteerImport,
  throttleProgress,
} from "../imports.js";

const chooseCsv = "Choose a CSV file (.csv).";

/**
 * The multipart form: field `file` (a CSV, up to 50 MB, more than other uploads) and optional
 * `skipInvalid` (`true` or `false`), in either order.
 */
async function readImportForm(request: FastifyRequest): Promise<ImportFile & { skipInvalid: boolean }> {
  if (!request.isMultipart())
    throw new AppError("validation", "Send the file as multipart/form-data.", { file: chooseCsv });
  let file: ImportFile | null = null;
  let skipInvalid = false;
  for await (const part of formParts(request, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } })) {
    if (part.type === "file") {
      const data = await part.toBuffer();
      if (part.fieldname !== "file") continue;
      const isCsv = /\.csv$/i.test(part.filename) || part.mimetype === "text/csv";
      if (!isCsv) throw invalid({ file: chooseCsv }, "Only CSV files can be imported.");
      file = { filename: part.filename, data };
    } else if (part.fieldname === "skipInvalid") {
      const value = String(part.value).trim().toLowerCase();
      if (value !== "true" && value !== "false") throw invalid({ skipInvalid: "Use true or false." });
      skipInvalid = value === "true";
    }
  }
  if (!file) throw invalid({ file: chooseCsv }, "No file was sent.");
  return { ...file, skipInvalid };
}

/** The obfuscating volunteer import: upload with streamed progress, and the recorded runs. */
export function volunteerImportRoutes(route: Route): void {
  route(contract.importVolunteers, async ({ ctx, request, reply }) => {
    const form = await readImportForm(request);
    const prepared = await prepareVolunteerImport(ctx, form, { skipInvalid: form.skipInvalid });
    // Progress rides on this response: one person's upload has nobody else to tell (see ARCHITECTURE).
    const stream = new PassThrough();
    const writeLine = (line: contract.ImportLine) => stream.write(`${JSON.stringify(line)}\n`);
    prepared
      .run(throttleProgress((progress) => writeLine({ type: "progress", ...progress })))
      .then((view) => writeLine({ type: "report", import: view }))
      .catch((error: unknown) => {
        request.log.error(error);
        writeLine({
          type: "error",
          error:
            error instanceof AppError
              ? { code: error.code, message: error.message }
              : { code: "internal", message: "Something went wrong on our side; nothing was imported." },
        });
      })
      .finally(() => stream.end());
    return reply.status(200).type("application/x-ndjson; charset=utf-8").send(stream);
  });
  route(contract.listVolunteerImports, async ({ ctx }) => ({ imports: await listVolunteerImports(ctx) }));
  route(contract.getVolunteerImport, ({ ctx, params }) => getVolunteerImport(ctx, params.id));
}
