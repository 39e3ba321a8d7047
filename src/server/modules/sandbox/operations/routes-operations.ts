import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../../platform/auth/http.js";
import { typed } from "../../../platform/http.js";
import { listDeployments, MAX_DEPLOYMENT_PAGE, recordDeployment } from "./deployments.js";
import { environmentStatus } from "./environment.js";
import { createFlag, FLAG_KEY_PATTERN, listFlags, updateFlag } from "./flags.js";
import { flagStates } from "./schema.js";
import { getSandboxSettings, updateSandboxSettings } from "./settings.js";

// --- input ---

const stateField = z.enum(flagStates, { error: "Choose a state: off, preview or on." });
const flagNameField = z
  .string({ error: "Give the flag a name." })
  .trim()
  .min(1, "Give the flag a name.")
  .max(120, "Use at most 120 characters.");
const flagDescriptionField = z.string().trim().max(2000, "Use at most 2,000 characters.");
const releaseIdField = z.uuid({ error: "Choose a release." }).nullable();
const flagInput = z.object({
  key: z
    .string({ error: "Give the flag a key." })
    .trim()
    .min(1, "Give the flag a key.")
    .max(60, "Use at most 60 characters.")
    .regex(
      FLAG_KEY_PATTERN,
      "Use lowercase letters and digits, words joined by single dashes (pharmacy-labels).",
    ),
  name: flagNameField,
  description: flagDescriptionField.default(""),
  state: stateField,
  releaseId: releaseIdField.optional(),
});
const flagChanges = z
  .object({
    name: flagNameField.optional(),
    description: flagDescriptionField.optional(),
    state: stateField.optional(),
    releaseId: releaseIdField.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), "Say what to change.");
const flagKeyParam = z.object({ key: z.string().max(60, "Not a flag key.") });

// Formats (build id, version, time not in the future) are checked by the service, which the CLI shares.
const deploymentInput = z.object({
  buildId: z.string({ error: "Enter the build id." }),
  version: z.string({ error: "Enter the version." }),
  deployedAt: z.iso
    .datetime({ offset: true, error: "Enter the time as an ISO 8601 date and time." })
    .optional(),
  notes: z.string({ error: "Write the notes as Markdown text." }).default(""),
  flags: z.record(z.string(), stateField).optional(),
});
const deploymentPage = z.object({
  limit: z.coerce
    .number()
    .int("Ask for a whole number.")
    .min(1, "Ask for at least 1.")
    .max(MAX_DEPLOYMENT_PAGE, `Ask for at most ${MAX_DEPLOYMENT_PAGE}.`)
    .optional(),
  before: z.uuid({ error: "Not a valid deployment id." }).optional(),
});
const settingsChanges = z
  .object({
    noticeChannelId: z.uuid({ error: "Choose a channel." }).nullable().optional(),
    wipeNoticeHours: z
      .number({ error: "Give a notice period of 1 to 720 whole hours." })
      .int("Give a notice period of 1 to 720 whole hours.")
      .min(1, "Give a notice period of 1 to 720 whole hours.")
      .max(720, "Give a notice period of 1 to 720 whole hours.")
      .optional(),
  })
  .refine(
    (changes) => changes.noticeChannelId !== undefined || changes.wipeNoticeHours !== undefined,
    "Say what to change.",
  );

// --- output ---

const releaseRefSchema = z.object({
  id: z.string(),
  version: z.string(),
  status: z.enum(["draft", "published"]),
});
const flagSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  state: z.enum(flagStates),
  release: releaseRefSchema.nullable(),
  updatedAt: z.string(),
});
const flagChangeSchema = z.object({ key: z.string(), from: z.enum(flagStates), to: z.enum(flagStates) });
const deploymentSchema = z.object({
  id: z.string(),
  buildId: z.string(),
  version: z.string(),
  deployedAt: z.string(),
  notes: z.string(),
  notesHtml: z.string(),
  flagChanges: z.array(flagChangeSchema),
  unreleased: z.boolean(),
  recordedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  recordedAt: z.string(),
});
const channelRef = z.object({ id: z.string(), name: z.string() });
const settingsSchema = z.object({
  noticeChannelId: z.string().nullable(),
  noticeChannel: channelRef,
  wipeNoticeHours: z.number(),
  updatedAt: z.string().nullable(),
});
const environmentSchema = z.object({
  build: z
    .object({ buildId: z.string(), version: z.string(), deployedAt: z.string(), unreleased: z.boolean() })
    .nullable(),
  flagsInPreview: z.array(z.object({ key: z.string(), name: z.string() })),
  nextWipe: z.object({ id: z.string(), scheduledFor: z.string(), message: z.string() }).nullable(),
  lastWipe: z.object({ finishedAt: z.string(), status: z.enum(["completed", "failed"]) }).nullable(),
  wipe: z
    .object({
      status: z.literal("running"),
      step: z.string().nullable(),
      done: z.number().nullable(),
      total: z.number().nullable(),
    })
    .nullable(),
  counts: z.object({ studies: z.number().nullable(), volunteers: z.number().nullable(), users: z.number() }),
});

/** Operating the sandbox: feature flags, deployments, its settings and the environment status. */
export function registerSandboxOperationsRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.get(
    "/api/sandbox/environment",
    { schema: { tags, response: { 200: environmentSchema } } },
    async (request) => {
      requireActor(request);
      return environmentStatus(contextOf(request, deps));
    },
  );

  // --- feature flags ---

  app.get(
    "/api/sandbox/flags",
    { schema: { tags, response: { 200: z.object({ flags: z.array(flagSchema) }) } } },
    async (request) => ({ flags: await listFlags(contextOf(request, deps), requireActor(request)) }),
  );

  app.post(
    "/api/admin/sandbox/flags",
    { config: staffAccess, schema: { tags, body: flagInput, response: { 201: flagSchema } } },
    async (request, reply) => {
      const flag = await createFlag(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(flag);
    },
  );

  app.patch(
    "/api/admin/sandbox/flags/:key",
    {
      config: staffAccess,
      schema: { tags, params: flagKeyParam, body: flagChanges, response: { 200: flagSchema } },
    },
    async (request) =>
      updateFlag(contextOf(request, deps), requireStaff(request), request.params.key, request.body),
  );

  // --- deployments ---

  app.get(
    "/api/sandbox/deployments",
    {
      schema: {
        tags,
        querystring: deploymentPage,
        response: {
          200: z.object({ deployments: z.array(deploymentSchema), nextBefore: z.string().nullable() }),
        },
      },
    },
    async (request) => listDeployments(contextOf(request, deps), requireActor(request), request.query),
  );

  app.post(
    "/api/admin/sandbox/deployments",
    { config: staffAccess, schema: { tags, body: deploymentInput, response: { 201: deploymentSchema } } },
    async (request, reply) => {
      const { deployedAt, ...input } = request.body;
      const deployment = await recordDeployment(contextOf(request, deps), requireStaff(request), {
        ...input,
        deployedAt: deployedAt ? new Date(deployedAt) : undefined,
      });
      return reply.status(201).send(deployment);
    },
  );

  // --- settings ---

  app.get(
    "/api/admin/sandbox/settings",
    { config: staffAccess, schema: { tags, response: { 200: settingsSchema } } },
    async (request) => getSandboxSettings(contextOf(request, deps), requireStaff(request)),
  );

  app.patch(
    "/api/admin/sandbox/settings",
    { config: staffAccess, schema: { tags, body: settingsChanges, response: { 200: settingsSchema } } },
    async (request) => updateSandboxSettings(contextOf(request, deps), requireStaff(request), request.body),
  );
}
