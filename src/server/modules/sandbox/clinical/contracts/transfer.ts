import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { gatedErrors } from "../../access/contracts/gate.js";
import {
  dayField,
  epochKindField,
  phaseField,
  plannedEnrolmentField,
  plannedSizeField,
  protocolNumberField,
  text,
  windowField,
} from "./studies.js";

export const STUDY_EXPORT_FORMAT = "convene-studies/1";
export const MAX_IMPORTED_STUDIES = 500;

const tag = "sandbox";

/** One study's design in an export: what a customer re-imports after a wipe (no subjects, no ids). */
export const exportedStudy = z.object({
  protocolNumber: protocolNumberField,
  title: text("a title", 300),
  sponsor: text("the sponsor", 200),
  phase: phaseField,
  plannedEnrolment: plannedEnrolmentField,
  epochs: z
    .array(
      z
        .object({ kind: epochKindField, startDay: dayField("start day"), endDay: dayField("end day") })
        .refine((epoch) => epoch.startDay <= epoch.endDay, {
          message: "End on or after the start day.",
          path: ["endDay"],
        }),
      { error: "List the epochs." },
    )
    .max(20, "Use at most 20 epochs."),
  cohorts: z
    .array(
      z.object({ name: text("a name", 120), plannedSize: plannedSizeField, dose: text("the dose", 120) }),
      { error: "List the cohorts." },
    )
    .max(50, "Use at most 50 cohorts."),
  events: z
    .array(z.object({ name: text("a name", 120), dayOffset: dayField("day"), windowDays: windowField }), {
      error: "List the events.",
    })
    .max(200, "Use at most 200 events."),
});
export type ExportedStudy = z.infer<typeof exportedStudy>;

export const studyExport = z.object({
  format: z.literal(STUDY_EXPORT_FORMAT, {
    error: `Not a Convene studies export: the format must be ${STUDY_EXPORT_FORMAT}.`,
  }),
  exportedAt: z.string(),
  organisation: z.object({ id: z.string(), name: z.string() }),
  studies: z
    .array(exportedStudy, { error: "List the studies." })
    .max(MAX_IMPORTED_STUDIES, `Import at most ${MAX_IMPORTED_STUDIES} studies at a time.`),
});
export type StudyExport = z.infer<typeof studyExport>;

// An export read back: where it came from is informative only, the importer decides the owner.
const importBody = studyExport.extend({
  exportedAt: z.string().optional(),
  organisation: z.object({ id: z.string(), name: z.string() }).optional(),
});
const organisationQuery = z.object({
  organisationId: z.uuid({ error: "Not a valid organisation id." }).optional(),
});
const importQuery = organisationQuery.extend({
  skipExisting: z
    .enum(["true", "false"], { error: "Answer true or false." })
    .transform((value) => value === "true")
    .optional(),
});

export const studyImportResult = z.object({
  imported: z.array(z.object({ id: z.string(), protocolNumber: z.string() })),
  skipped: z.array(z.string()),
});
export type StudyImportResult = z.infer<typeof studyImportResult>;

export const exportStudies = operation({
  operationId: "exportStudies",
  summary: "Export an organisation's study designs",
  method: "GET",
  path: "/api/sandbox/studies/export",
  access: "member",
  tag,
  query: organisationQuery,
  response: studyExport,
  errors: gatedErrors,
});

export const importStudies = operation({
  operationId: "importStudies",
  summary: "Import study designs from an export",
  method: "POST",
  path: "/api/sandbox/studies/import",
  access: "member",
  tag,
  query: importQuery,
  body: importBody,
  response: studyImportResult,
  status: 201,
  errors: gatedErrors,
});
