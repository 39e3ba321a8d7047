import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { readUpload } from "../../platform/files/upload.js";
import { typed } from "../../platform/http.js";
import {
  attachResponseFile,
  createRound,
  getRound,
  listResponses,
  listRounds,
  loadResponseFile,
  MAX_CHOICE_OPTIONS,
  MAX_QUESTIONS,
  publishSummaryPost,
  responsesCsv,
  roundResults,
  saveResponse,
  triageResponse,
  updateRound,
} from "./feedback.js";
import { answerScopes, postCategories, questionKinds, triageStates } from "./schema.js";

// --- input ---

const uuid = z.uuid({ error: "Not a valid id." });
const projectParams = z.object({ id: uuid });
const roundParams = z.object({ id: uuid, roundId: uuid });
const responseParams = roundParams.extend({ responseId: uuid });
const responseFileParams = responseParams.extend({ fileId: uuid });

const isoTime = (what: string) =>
  z.iso.datetime({ offset: true, error: `Enter ${what} as an ISO 8601 date and time.` });
const questionInput = z.object({
  id: z.string().max(20, "Not a question id of this round.").optional(),
  kind: z.enum(questionKinds, { error: "Choose rating (1 to 5), choice or text." }),
  prompt: z
    .string({ error: "Write the question." })
    .trim()
    .min(1, "Write the question.")
    .max(500, "Use at most 500 characters."),
  options: z
    .array(z.string({ error: "Write each option as text." }).max(200, "Use at most 200 characters."), {
      error: "List the options.",
    })
    .max(MAX_CHOICE_OPTIONS, `Give at most ${MAX_CHOICE_OPTIONS} options.`)
    .optional(),
  required: z.boolean({ error: "Say whether an answer is required (true or false)." }).default(false),
});
const roundFields = {
  title: z
    .string({ error: "Enter a title." })
    .trim()
    .min(1, "Enter a title.")
    .max(200, "Use at most 200 characters."),
  description: z
    .string({ error: "Describe the round in Markdown (it may be empty)." })
    .max(20_000, "Use at most 20,000 characters."),
  questions: z
    .array(questionInput, { error: "List the questions." })
    .min(1, "Ask at least one question.")
    .max(MAX_QUESTIONS, `Ask at most ${MAX_QUESTIONS} questions.`),
  opensAt: isoTime("the opening time"),
  closesAt: isoTime("the closing time"),
  answerScope: z.enum(answerScopes, {
    error: "Choose organisation (one answer per organisation) or person (one per person).",
  }),
  flagKey: z
    .string({ error: "Enter a feature flag key." })
    .trim()
    .max(60, "Use at most 60 characters.")
    .nullable()
    .transform((key) => key || null),
};
const roundInput = z.object({
  ...roundFields,
  description: roundFields.description.default(""),
  flagKey: roundFields.flagKey.optional(),
});
const roundChanges = z
  .object({
    title: roundFields.title.optional(),
    description: roundFields.description.optional(),
    questions: roundFields.questions.optional(),
    opensAt: roundFields.opensAt.optional(),
    closesAt: roundFields.closesAt.optional(),
    answerScope: roundFields.answerScope.optional(),
    flagKey: roundFields.flagKey.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), "Say what to change.");
const responseInput = z.object({
  answers: z.record(z.string(), z.union([z.number(), z.string()]), {
    error: "Send the answers as { questionId: rating or text }.",
  }),
  baseUpdatedAt: isoTime("the answer's last saved time").optional(),
});
const triageInput = z
  .object({
    triage: z.enum(triageStates, { error: "Choose new, acknowledged, planned or wont_do." }).optional(),
    staffReply: z
      .string({ error: "Write the reply as Markdown text." })
      .max(10_000, "Use at most 10,000 characters.")
      .nullable()
      .optional(),
  })
  .refine((input) => input.triage !== undefined || input.staffReply !== undefined, "Say what to change.");
const summaryPostInput = z
  .object({
    category: z
      .enum(["announcement", "decision"] as const satisfies readonly (typeof postCategories)[number][], {
        error: "Choose announcement or decision.",
      })
      .default("announcement"),
  })
  .optional();

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

// --- output ---

const personRef = z.object({ id: z.string(), name: z.string() });
const questionSchema = z.object({
  id: z.string(),
  kind: z.enum(questionKinds),
  prompt: z.string(),
  options: z.array(z.string()).optional(),
  required: z.boolean(),
});
const responseFileSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  createdAt: z.string(),
});
const responseSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  organisation: personRef,
  answeredBy: personRef,
  answers: z.record(z.string(), z.union([z.number(), z.string()])),
  files: z.array(responseFileSchema),
  triage: z.enum(triageStates),
  staffReply: z.string().nullable(),
  staffReplyHtml: z.string().nullable(),
  triagedBy: personRef.nullable(),
  triagedAt: z.string().nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
});
const roundSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(["upcoming", "open", "closed"]),
  answerScope: z.enum(answerScopes),
  questionCount: z.number(),
  answered: z.boolean(),
  responseCount: z.number().nullable(),
  createdAt: z.string(),
});
const roundSchema = roundSummarySchema.omit({ questionCount: true }).extend({
  description: z.string(),
  descriptionHtml: z.string(),
  questions: z.array(questionSchema),
  flag: z.object({ key: z.string(), name: z.string(), state: z.enum(["off", "preview", "on"]) }).nullable(),
  tryUrl: z.string().nullable(),
  summaryPostId: z.string().nullable(),
  updatedAt: z.string(),
  myResponse: responseSchema.nullable(),
  canManage: z.boolean(),
});
const resultsSchema = z.object({
  roundId: z.string(),
  responseCount: z.number(),
  responseRate: z.array(
    z.object({
      organisationId: z.string(),
      organisationName: z.string(),
      invited: z.number(),
      responded: z.number(),
    }),
  ),
  questions: z.array(
    z.object({
      id: z.string(),
      prompt: z.string(),
      kind: z.enum(questionKinds),
      answered: z.number(),
      ratingDistribution: z.record(z.enum(["1", "2", "3", "4", "5"]), z.number()).optional(),
      choiceCounts: z.record(z.string(), z.number()).optional(),
      textCount: z.number().optional(),
    }),
  ),
});
const summaryPostSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  category: z.enum(postCategories),
  title: z.string(),
});

/** Feedback rounds of a project: staff run them, participants answer, staff triage and summarise. */
export function registerFeedbackRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["projects"];

  app.get(
    "/api/projects/:id/rounds",
    {
      schema: {
        tags,
        params: projectParams,
        response: { 200: z.object({ rounds: z.array(roundSummarySchema) }) },
      },
    },
    async (request) => ({
      rounds: await listRounds(contextOf(request, deps), requireActor(request), request.params.id),
    }),
  );

  app.post(
    "/api/projects/:id/rounds",
    {
      config: staffAccess,
      schema: { tags, params: projectParams, body: roundInput, response: { 201: roundSchema } },
    },
    async (request, reply) => {
      const { opensAt, closesAt, ...input } = request.body;
      const round = await createRound(contextOf(request, deps), requireStaff(request), request.params.id, {
        ...input,
        opensAt: new Date(opensAt),
        closesAt: new Date(closesAt),
      });
      return reply.status(201).send(round);
    },
  );

  app.get(
    "/api/projects/:id/rounds/:roundId",
    { schema: { tags, params: roundParams, response: { 200: roundSchema } } },
    async (request) =>
      getRound(contextOf(request, deps), requireActor(request), request.params.id, request.params.roundId),
  );

  app.patch(
    "/api/projects/:id/rounds/:roundId",
    {
      config: staffAccess,
      schema: { tags, params: roundParams, body: roundChanges, response: { 200: roundSchema } },
    },
    async (request) => {
      const { opensAt, closesAt, ...changes } = request.body;
      return updateRound(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.roundId,
        {
          ...changes,
          opensAt: toDate(opensAt),
          closesAt: toDate(closesAt),
        },
      );
    },
  );

  app.put(
    "/api/projects/:id/rounds/:roundId/response",
    { schema: { tags, params: roundParams, body: responseInput, response: { 200: responseSchema } } },
    async (request) =>
      saveResponse(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.roundId,
        {
          answers: request.body.answers,
          baseUpdatedAt: toDate(request.body.baseUpdatedAt),
        },
      ),
  );

  app.post(
    "/api/projects/:id/rounds/:roundId/response/files",
    {
      schema: {
        tags,
        params: roundParams,
        consumes: ["multipart/form-data"],
        response: { 201: responseFileSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const upload = await readUpload(request);
      const file = await attachResponseFile(
        contextOf(request, deps),
        actor,
        request.params.id,
        request.params.roundId,
        upload,
      );
      return reply.status(201).send(file);
    },
  );

  app.get(
    "/api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
    {
      schema: {
        tags,
        params: responseFileParams,
        description: "A file of an answer, for staff and the answer's own people; images inline.",
      },
    },
    async (request, reply) => {
      const file = await loadResponseFile(contextOf(request, deps), requireActor(request), {
        projectId: request.params.id,
        roundId: request.params.roundId,
        responseId: request.params.responseId,
        fileId: request.params.fileId,
      });
      return sendStoredFile(reply, deps.config.dataDir, file);
    },
  );

  app.get(
    "/api/projects/:id/rounds/:roundId/responses",
    {
      config: staffAccess,
      schema: {
        tags,
        params: roundParams,
        response: { 200: z.object({ responses: z.array(responseSchema) }) },
      },
    },
    async (request) => ({
      responses: await listResponses(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.roundId,
      ),
    }),
  );

  app.patch(
    "/api/projects/:id/rounds/:roundId/responses/:responseId",
    {
      config: staffAccess,
      schema: { tags, params: responseParams, body: triageInput, response: { 200: responseSchema } },
    },
    async (request) =>
      triageResponse(
        contextOf(request, deps),
        requireStaff(request),
        {
          projectId: request.params.id,
          roundId: request.params.roundId,
          responseId: request.params.responseId,
        },
        request.body,
      ),
  );

  app.get(
    "/api/projects/:id/rounds/:roundId/summary",
    { config: staffAccess, schema: { tags, params: roundParams, response: { 200: resultsSchema } } },
    async (request) =>
      roundResults(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.roundId,
      ),
  );

  app.post(
    "/api/projects/:id/rounds/:roundId/summary-post",
    {
      config: staffAccess,
      schema: { tags, params: roundParams, body: summaryPostInput, response: { 201: summaryPostSchema } },
    },
    async (request, reply) => {
      const post = await publishSummaryPost(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.roundId,
        request.body?.category ?? "announcement",
      );
      return reply.status(201).send(post);
    },
  );

  app.get(
    "/api/projects/:id/rounds/:roundId/responses.csv",
    {
      config: staffAccess,
      schema: { tags, params: roundParams, description: "Every answer, a column per question (text/csv)." },
    },
    async (request, reply) => {
      const { filename, csv } = await responsesCsv(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.roundId,
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${filename}"`)
        .send(csv);
    },
  );
}
