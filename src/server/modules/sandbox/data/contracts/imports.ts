import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { idParam } from "../../../../../shared/fields.js";
import { gatedErrors } from "../../access/contracts/gate.js";

export const importStatuses = ["completed", "failed"] as const;
export type ImportStatus = (typeof importStatuses)[number];

const tag = "sandbox";

export const importReportEntry = z.object({
  line: z.number(),
  field: z.string().nullable(),
  reason: z.string(),
});
export type ImportReportEntry = z.infer<typeof importReportEntry>;

/** One CSV import and its report: refused rows by line and field, never their values. */
export const volunteerImport = z.object({
  id: z.string(),
  filename: z.string(),
  status: z.enum(importStatuses),
  skipInvalid: z.boolean(),
  rowsRead: z.number(),
  imported: z.number(),
  refused: z.number(),
  report: z.array(importReportEntry),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type VolunteerImport = z.infer<typeof volunteerImport>;

/** The lines of an import's answer, as they are streamed. */
export type ImportLine =
  | { type: "progress"; phase: "checking" | "writing"; done: number; total: number }
  | { type: "report"; import: VolunteerImport }
  | { type: "error"; error: { code: string; message: string } };

export const importVolunteers = operation({
  operationId: "importVolunteers",
  summary: "Import volunteers from a CSV file, obfuscated",
  description:
    'The multipart form: field `file` (a CSV, up to 50 MB, more than other uploads) and optional `skipInvalid` (`true` or `false`). Answers 200 with `application/x-ndjson`: `{"type":"progress","phase","done","total"}` lines, then `{"type":"report","import":VolunteerImport}` (or `{"type":"error","error"}` when the run broke off). A refused file or caller is an ordinary JSON error before streaming starts.',
  method: "POST",
  path: "/api/sandbox/imports",
  access: "member",
  tag,
  body: "multipart",
  response: { contentType: "application/x-ndjson", description: "Progress lines, then the report." },
  status: 200,
  errors: gatedErrors,
});

export const listVolunteerImports = operation({
  operationId: "listVolunteerImports",
  summary: "List the volunteer imports",
  method: "GET",
  path: "/api/sandbox/imports",
  access: "member",
  tag,
  response: z.object({ imports: z.array(volunteerImport) }),
  errors: gatedErrors,
});

export const getVolunteerImport = operation({
  operationId: "getVolunteerImport",
  summary: "Read a volunteer import and its report",
  method: "GET",
  path: "/api/sandbox/imports/:id",
  access: "member",
  tag,
  params: idParam,
  response: volunteerImport,
  errors: gatedErrors,
});
