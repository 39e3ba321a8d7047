import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../../platform/auth/http.js";
import { idParam, typed } from "../../../platform/http.js";
import { exportStudies, importStudies, MAX_IMPORTED_STUDIES } from "../clinical/index.js";
import { STUDY_EXPORT_FORMAT } from "../present.js";
import { epochKinds, studyPhases } from "../schema.js";
import { wipeStatuses } from "./schema.js";
import {
  cancelWipe,
  listWipes,
  MAX_WIPE_MESSAGE_LENGTH,
  scheduleWipe,
  WIPE_CONFIRMATION,
  wipeNow,
} from "./wipes.js";

// --- input ---

const messageField = z
  .string({ error: "Say why the environment is wiped." })
  .trim()
  .min(1, "Say why the environment is wiped.")
  .max(MAX_WIPE_MESSAGE_LENGTH, `Use at most ${MAX_WIPE_MESSAGE_LENGTH.toLocaleString("en")} characters.`);
const scheduleInput = z.object({
  scheduledFor: z.iso.datetime({ offset: true, error: "Enter the time as an ISO 8601 date and time." }),
  message: messageField,
});
const wipeNowInput = z.object({
  confirmation: z.string({ error: `Type "${WIPE_CONFIRMATION}" to confirm.` }),
  message: messageField,
});

// The same rules and words as the study forms (routes.ts): a file is refused where a form would be.
const text = (what: string, maxLength: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(maxLength, `Use at most ${maxLength} characters.`);
const wholeNumber = (message: string, min: number, maxValue: number) =>
  z
    .number({ error: message })
    .int(message)
    .min(min, message)
    .max(maxValue, `Use at most ${maxValue.toLocaleString("en")}.`);
const day = (what: string) => wholeNumber(`Enter the ${what} as a whole study day.`, -10_000, 10_000);
const exportedStudy = z.object({
  protocolNumber: text("the protocol number", 40)
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9._/-]*$/, "Use letters, digits, dots, dashes, slashes or underscores."),
  title: text("a title", 300),
  sponsor: text("the sponsor", 200),
  phase: z.enum(studyPhases, { error: "Choose a phase: I, Ia, Ib, I/II or IIa." }),
  plannedEnrolment: wholeNumber("Plan at least 1 participant (a whole number).", 1, 100_000),
  epochs: z
    .array(
      z
        .object({
          kind: z.enum(epochKinds, { error: "Choose an epoch: screening, treatment or follow-up." }),
          startDay: day("start day"),
          endDay: day("end day"),
        })
        .refine((epoch) => epoch.startDay <= epoch.endDay, {
          message: "End on or after the start day.",
          path: ["endDay"],
        }),
      { error: "List the epochs." },
    )
    .max(20, "Use at most 20 epochs."),
  cohorts: z
    .array(
      z.object({
        name: text("a name", 120),
        plannedSize: wholeNumber("Plan at least 1 participant (a whole number).", 1, 10_000),
        dose: text("the dose", 120),
      }),
      { error: "List the cohorts." },
    )
    .max(50, "Use at most 50 cohorts."),
  events: z
    .array(
      z.object({
        name: text("a name", 120),
        dayOffset: day("day"),
        windowDays: wholeNumber("Enter a window of 0 or more whole days.", 0, 365),
      }),
      { error: "List the events." },
    )
    .max(200, "Use at most 200 events."),
});
const studyExportSchema = z.object({
  format: z.literal(STUDY_EXPORT_FORMAT, {
    error: `Not a Convene studies export: the format must be ${STUDY_EXPORT_FORMAT}.`,
  }),
  exportedAt: z.string(),
  organisation: z.object({ id: z.string(), name: z.string() }),
  studies: z
    .array(exportedStudy, { error: "List the studies." })
    .max(MAX_IMPORTED_STUDIES, `Import at most ${MAX_IMPORTED_STUDIES} studies at a time.`),
});
// An export read back: where it came from is informative only, the importer decides the owner.
const importBody = studyExportSchema.extend({
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

// --- output ---

const personRef = z.object({ id: z.string(), name: z.string() }).nullable();
const wipeSchema = z.object({
  id: z.string(),
  scheduledFor: z.string(),
  message: z.string(),
  status: z.enum(wipeStatuses),
  immediate: z.boolean(),
  scheduledBy: personRef,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  cancelledBy: personRef,
  error: z.string().nullable(),
});
const importResultSchema = z.object({
  imported: z.array(z.object({ id: z.string(), protocolNumber: z.string() })),
  skipped: z.array(z.string()),
});

const fileName = (organisation: string, at: string) =>
  `studies-${
    organisation
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "organisation"
  }-${at.slice(0, 10)}.json`;

/** Announced wipes (staff) and the export and import of an organisation's studies around them. */
export function registerSandboxWipeRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.get(
    "/api/admin/sandbox/wipes",
    { config: staffAccess, schema: { tags, response: { 200: z.object({ wipes: z.array(wipeSchema) }) } } },
    async (request) => ({ wipes: await listWipes(contextOf(request, deps), requireStaff(request)) }),
  );

  app.post(
    "/api/admin/sandbox/wipes",
    { config: staffAccess, schema: { tags, body: scheduleInput, response: { 201: wipeSchema } } },
    async (request, reply) => {
      const wipe = await scheduleWipe(contextOf(request, deps), requireStaff(request), {
        scheduledFor: new Date(request.body.scheduledFor),
        message: request.body.message,
      });
      return reply.status(201).send(wipe);
    },
  );

  app.post(
    "/api/admin/sandbox/wipes/now",
    {
      config: staffAccess,
      schema: { tags, body: wipeNowInput, response: { 202: z.object({ wipe: wipeSchema }) } },
    },
    async (request, reply) => {
      const wipe = await wipeNow(contextOf(request, deps), requireStaff(request), request.body);
      // The wipe runs after the answer; the page follows it through GET /api/sandbox/environment.
      void deps.wipeRunner.runDueWipes().catch((error) => request.log.error(error));
      return reply.status(202).send({ wipe });
    },
  );

  app.post(
    "/api/admin/sandbox/wipes/:id/cancel",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: wipeSchema } } },
    async (request) => cancelWipe(contextOf(request, deps), requireStaff(request), request.params.id),
  );

  app.get(
    "/api/sandbox/studies/export",
    { schema: { tags, querystring: organisationQuery, response: { 200: studyExportSchema } } },
    async (request, reply) => {
      const exported = await exportStudies(
        contextOf(request, deps),
        requireActor(request),
        request.query.organisationId,
      );
      return reply
        .header(
          "content-disposition",
          `attachment; filename="${fileName(exported.organisation.name, exported.exportedAt)}"`,
        )
        .send(exported);
    },
  );

  app.post(
    "/api/sandbox/studies/import",
    { schema: { tags, querystring: importQuery, body: importBody, response: { 201: importResultSchema } } },
    async (request, reply) => {
      const result = await importStudies(
        contextOf(request, deps),
        requireActor(request),
        request.body.studies,
        {
          organisationId: request.query.organisationId,
          skipExisting: request.query.skipExisting,
        },
      );
      return reply.status(201).send(result);
    },
  );
}
