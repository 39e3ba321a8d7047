import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import type { ActorCtx } from "../../../platform/context.js";
import { invalid } from "../../../platform/errors.js";
import { formParts } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/imports.js";
import {
  claimRun,
  createRun,
  getRun,
  importRun,
  listRuns,
  surveyRun,
  uploadsDirectory,
} from "../pipeline.js";

/** The largest export an upload takes: a large workspace's zip; the CLI reads any size from disk. */
export const MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024;

type ImportForm = {
  source: contract.ImportSource;
  unknownPeople: contract.UnknownPeople;
  groupHandle: string | undefined;
  filename: string;
  filePath: string;
};

const chooseExport = "Choose the export file (a zip, or an mbox for Groups.io).";

/**
 * The form's fields in any order; the file is streamed to DATA_DIR/imports as it arrives (an export
 * can be far larger than an ordinary upload), and removed again when the form is refused.
 */
async function readImportForm(ctx: ActorCtx, request: FastifyRequest): Promise<ImportForm> {
  if (!request.isMultipart())
    throw invalid({ file: chooseExport }, "Send the export as multipart/form-data.");
  const fields: Record<string, string> = {};
  let file: { filename: string; filePath: string } | null = null;
  const directory = uploadsDirectory(ctx);
  await fs.mkdir(directory, { recursive: true });
  try {
    for await (const part of formParts(request, { limits: { fileSize: MAX_EXPORT_BYTES, files: 1 } })) {
      if (part.type !== "file") {
        fields[part.fieldname] = String(part.value).trim();
        continue;
      }
      if (part.fieldname !== "file") {
        part.file.resume();
        continue;
      }
      const filePath = path.join(directory, `${randomUUID()}.export`);
      file = { filename: part.filename, filePath };
      const whole = new Transform({
        transform: (chunk, _encoding, done) => done(null, chunk),
        flush: (done) =>
          done(
            part.file.truncated
              ? invalid({ file: "The export is larger than 2 GB: import it with the CLI." })
              : null,
          ),
      });
      await pipeline(part.file, whole, createWriteStream(filePath));
    }
    const source = fields.source as contract.ImportSource;
    if (!contract.importSources.includes(source))
      throw invalid({ source: "Choose slack, groupsio or basecamp." });
    const unknownPeople = (fields.unknownPeople || "placeholder") as contract.UnknownPeople;
    if (!contract.unknownPeopleChoices.includes(unknownPeople)) {
      throw invalid({ unknownPeople: "Choose placeholder or skip." });
    }
    if (!file) throw invalid({ file: chooseExport }, "No file was sent.");
    return { source, unknownPeople, groupHandle: fields.groupHandle || undefined, ...file };
  } catch (error) {
    if (file) await fs.rm(file.filePath, { force: true });
    throw error;
  }
}

/**
 * Uploads and their runs. A survey or an import runs in this process after the answer; `background`
 * keeps it so the app's close waits for it rather than pulling the database from under it.
 */
export function importRoutes(route: Route, background: (work: Promise<unknown>) => void): void {
  route(contract.startImportSurvey, async ({ ctx, request }) => {
    const form = await readImportForm(ctx, request);
    const run = await createRun(ctx, form).catch(async (error: unknown) => {
      await fs.rm(form.filePath, { force: true });
      throw error;
    });
    background(surveyRun(ctx, run.id));
    return getRun(ctx, run.id);
  });
  route(contract.listImportRuns, async ({ ctx }) => ({ runs: await listRuns(ctx) }));
  route(contract.getImportRun, ({ ctx, params }) => getRun(ctx, params.id));
  route(contract.startImport, async ({ ctx, params }) => {
    const run = await claimRun(ctx, params.id);
    background(importRun(ctx, run.id));
    return getRun(ctx, run.id);
  });
}
