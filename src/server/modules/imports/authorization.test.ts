/**
 * Who may call the imports' routes (the callers and the rules: src/server/testing/authorization.ts):
 * bringing a community's history in is the product team's work only; to anyone else the runs do not
 * exist.
 */

import { readFile } from "node:fs/promises";
import { asStaffCtx, authorizationMatrix, type Row, staffOnly } from "../../testing/authorization.js";
import { writeSlackExport } from "../../testing/exports.js";
import { importExport } from "./pipeline.js";

/** A surveyed Slack export, ready to import. */
async function readyRun(): Promise<string> {
  const run = await importExport(asStaffCtx(), "slack", await writeSlackExport("matrix"), {
    unknownPeople: "skip",
    dryRun: true,
  });
  return run.id;
}

const rows: Row[] = [
  {
    route: "POST /api/admin/imports",
    expected: staffOnly(202),
    call: async ({ client }) =>
      client.upload(
        "/api/admin/imports",
        {
          filename: "slack.zip",
          contentType: "application/zip",
          data: await readFile(await writeSlackExport("upload")),
        },
        { source: "slack", unknownPeople: "skip" },
      ),
  },
  {
    route: "GET /api/admin/imports",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/imports"),
  },
  {
    route: "GET /api/admin/imports/:id",
    expected: staffOnly(200),
    call: async ({ client }) => client.get(`/api/admin/imports/${await readyRun()}`),
  },
  {
    route: "POST /api/admin/imports/:id/start",
    expected: staffOnly(202),
    call: async ({ client }) => client.post(`/api/admin/imports/${await readyRun()}/start`),
  },
];

authorizationMatrix(rows);
