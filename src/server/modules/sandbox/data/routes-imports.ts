import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../../app.js";
import { contextOf, requireActor } from "../../../platform/auth/http.js";
import { AppError, invalid } from "../../../platform/errors.js";
import { idParam, typed } from "../../../platform/http.js";
import {
  getVolunteerImport,
  type ImportFile,
  listVolunteerImports,
  MAX_IMPORT_BYTES,
  prepareVolunteerImport,
  throttleProgress,
} from "./imports.js";
import { importStatuses } from "../schema.js";

const importSchema = z.object({
  id: z.string(),
  filename: z.string(),
  status: z.enum(importStatuses),
  skipInvalid: z.boolean(),
  rowsRead: z.number(),
  imported: z.number(),
  refused: z.number(),
  report: z.array(z.object({ line: z.number(), field: z.string().nullable(), reason: z.string() })),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
});

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
  for await (const part of request.parts({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } })) {
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
export function registerSandboxImportRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.post(
    "/api/sandbox/imports",
    {
      schema: {
        tags,
        consumes: ["multipart/form-data"],
        description:
          'Answers 200 with `application/x-ndjson`: `{"type":"progress","phase","done","total"}` lines, then `{"type":"report","import":VolunteerImport}` (or `{"type":"error","error"}` when the run broke off). A refused file or caller is an ordinary JSON error before streaming starts.',
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const form = await readImportForm(request);
      const prepared = await prepareVolunteerImport(contextOf(request, deps), actor, form, {
        skipInvalid: form.skipInvalid,
      });
      // Progress rides on this response: one person's upload has nobody else to tell (see ARCHITECTURE).
      const stream = new PassThrough();
      const writeLine = (line: object) => stream.write(`${JSON.stringify(line)}\n`);
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
    },
  );

  app.get(
    "/api/sandbox/imports",
    { schema: { tags, response: { 200: z.object({ imports: z.array(importSchema) }) } } },
    async (request) => ({
      imports: await listVolunteerImports(contextOf(request, deps), requireActor(request)),
    }),
  );

  app.get(
    "/api/sandbox/imports/:id",
    { schema: { tags, params: idParam, response: { 200: importSchema } } },
    async (request) => getVolunteerImport(contextOf(request, deps), requireActor(request), request.params.id),
  );
}
