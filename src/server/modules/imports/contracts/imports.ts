import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";

const tag = "imports";

/** The tools whose exports Convene imports: Slack workspaces, Groups.io groups, Basecamp projects. */
export const importSources = ["slack", "groupsio", "basecamp"] as const;
export type ImportSource = (typeof importSources)[number];
export const importSourceLabels: Record<ImportSource, string> = {
  slack: "Slack workspace export",
  groupsio: "Groups.io group archive",
  basecamp: "Basecamp project export",
};

/** People the export names who have no account: placeholders they claim later, or left out. */
export const unknownPeopleChoices = ["placeholder", "skip"] as const;
export type UnknownPeople = (typeof unknownPeopleChoices)[number];

/**
 * surveying: the dry run reads the export; ready: its report waits for the admin; importing; imported;
 * failed: a pass broke off (the error says why) and starting again resumes; interrupted: the server
 * stopped during a pass, resumable the same way.
 */
export const importRunStatuses = [
  "surveying",
  "ready",
  "importing",
  "imported",
  "failed",
  "interrupted",
] as const;
export type ImportRunStatus = (typeof importRunStatuses)[number];

export const importProblem = z.object({ item: z.string(), reason: z.string() });

/** The dry run's findings: what the export holds, who it names, what cannot come over. */
export const importReport = z.object({
  counts: z.record(z.string(), z.number()),
  people: z.object({
    matched: z.number(),
    placeholders: z.number(),
    skipped: z.number(),
    withoutAddress: z.number(),
    /** Up to 50 of the unmatched, by name and address, for the admin to recognise. */
    unmatched: z.array(z.object({ name: z.string(), email: z.string() })),
    /** Domains that have no organisation yet: one is made for each when placeholders are. */
    newOrganisations: z.array(z.string()),
  }),
  /** Up to 200 of the problems; `problemCount` is all of them. */
  problems: z.array(importProblem),
  problemCount: z.number(),
});
export type ImportReport = z.infer<typeof importReport>;

export const importRun = z.object({
  id: z.string(),
  source: z.enum(importSources),
  title: z.string(),
  filename: z.string(),
  unknownPeople: z.enum(unknownPeopleChoices),
  groupHandle: z.string().nullable(),
  status: z.enum(importRunStatuses),
  phase: z.enum(["survey", "import"]),
  done: z.number(),
  total: z.number(),
  report: importReport.nullable(),
  error: z.string().nullable(),
  startedBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportRun = z.infer<typeof importRun>;

export const startImportSurvey = operation({
  operationId: "startImportSurvey",
  summary: "Upload an export and start its dry run",
  description:
    "multipart/form-data: `source` (slack, groupsio or basecamp), `unknownPeople` (placeholder or skip), `groupHandle` (Groups.io: the group the archive goes into), then `file` (the export: a zip, or an mbox for Groups.io). The file is checked before the answer; the dry run then reads the whole export in the background: read the run until its status is `ready`.",
  method: "POST",
  path: "/api/admin/imports",
  access: "staff",
  tag,
  body: "multipart",
  response: importRun,
  status: 202,
});

export const listImportRuns = operation({
  operationId: "listImportRuns",
  summary: "List the imports, newest first",
  method: "GET",
  path: "/api/admin/imports",
  access: "staff",
  tag,
  response: z.object({ runs: z.array(importRun) }),
});

export const getImportRun = operation({
  operationId: "getImportRun",
  summary: "Read an import: its dry-run report and progress",
  method: "GET",
  path: "/api/admin/imports/:id",
  access: "staff",
  tag,
  params: idParam,
  response: importRun,
});

export const startImport = operation({
  operationId: "startImport",
  summary: "Import a surveyed export, or resume one that stopped",
  description:
    "Runs in the background; nothing is e-mailed or notified. An export imported before writes nothing new. 409 while the run is surveying or importing, or once it is imported.",
  method: "POST",
  path: "/api/admin/imports/:id/start",
  access: "staff",
  tag,
  params: idParam,
  response: importRun,
  status: 202,
});
