import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { requiredText, someChange, uuidField } from "../../../../shared/fields.js";
import {
  answerScopes,
  attachment,
  type PostCategory,
  personRef,
  postCategories,
  projectParams,
  questionKinds,
  storedFile,
  tag,
  triageStates,
} from "./common.js";

export const MAX_QUESTIONS = 30;
export const MAX_CHOICE_OPTIONS = 10;

// --- input ---

const roundParams = z.object({ id: uuidField, roundId: uuidField });
const responseParams = roundParams.extend({ responseId: uuidField });

const isoTime = (what: string) =>
  z.iso.datetime({ offset: true, error: `Enter ${what} as an ISO 8601 date and time.` });
/** A question as staff write it: an existing question keeps its `id`; a new one has none yet. */
const questionInput = z.object({
  id: z.string().max(20, "Not a question id of this round.").optional(),
  kind: z.enum(questionKinds, { error: "Choose rating (1 to 5), choice or text." }),
  prompt: requiredText("Write the question.", 500),
  options: z
    .array(z.string({ error: "Write each option as text." }).max(200, "Use at most 200 characters."), {
      error: "List the options.",
    })
    .max(MAX_CHOICE_OPTIONS, `Give at most ${MAX_CHOICE_OPTIONS} options.`)
    .optional(),
  required: z.boolean({ error: "Say whether an answer is required (true or false)." }).default(false),
});
export type QuestionInput = z.input<typeof questionInput>;
const roundFields = {
  title: requiredText("Enter a title.", 200),
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
export const roundInput = z.object({
  ...roundFields,
  description: roundFields.description.default(""),
  flagKey: roundFields.flagKey.optional(),
});
export type RoundInput = z.input<typeof roundInput>;
export const roundChanges = someChange({
  title: roundFields.title.optional(),
  description: roundFields.description.optional(),
  questions: roundFields.questions.optional(),
  opensAt: roundFields.opensAt.optional(),
  closesAt: roundFields.closesAt.optional(),
  answerScope: roundFields.answerScope.optional(),
  flagKey: roundFields.flagKey.optional(),
});
/** An answer per question id: a rating 1–5, a chosen option or free text. */
export const answers = z.record(z.string(), z.union([z.number(), z.string()]), {
  error: "Send the answers as { questionId: rating or text }.",
});
export type Answers = z.infer<typeof answers>;
export const responseInput = z.object({
  answers,
  /**
   * The `updatedAt` of the answer the caller edited. Needed only to change an answer someone else
   * saved last (a colleague's, in organisation scope), so nobody overwrites an answer they never saw.
   */
  baseUpdatedAt: isoTime("the answer's last saved time").optional(),
});
export const triageInput = z
  .object({
    triage: z.enum(triageStates, { error: "Choose new, acknowledged, planned or wont_do." }).optional(),
    staffReply: z
      .string({ error: "Write the reply as Markdown text." })
      .max(10_000, "Use at most 10,000 characters.")
      .nullable()
      .optional(),
  })
  .refine((input) => input.triage !== undefined || input.staffReply !== undefined, "Say what to change.");
export type TriageInput = z.output<typeof triageInput>;
export const summaryPostCategories = ["announcement", "decision"] as const satisfies readonly PostCategory[];
export type SummaryPostCategory = (typeof summaryPostCategories)[number];
const summaryPostInput = z
  .object({
    category: z
      .enum(summaryPostCategories, { error: "Choose announcement or decision." })
      .default("announcement"),
  })
  .optional();

// --- output ---

/** Where a round stands now: not yet open, taking answers, or closed. */
export const roundStatuses = ["upcoming", "open", "closed"] as const;
export type RoundStatus = (typeof roundStatuses)[number];
export const feedbackQuestion = z.object({
  id: z.string(),
  kind: z.enum(questionKinds),
  prompt: z.string(),
  /** For `choice`: the options, one of which is picked. */
  options: z.array(z.string()).optional(),
  required: z.boolean(),
});
export type FeedbackQuestion = z.infer<typeof feedbackQuestion>;
export type ResponseFile = z.infer<typeof attachment>;
export const feedbackResponse = z.object({
  id: z.string(),
  roundId: z.string(),
  /** The organisation the answer counts for (the answering person's). */
  organisation: personRef,
  /** Who saved the answer last: for organisation scope any colleague may have edited it. */
  answeredBy: personRef,
  answers: z.record(z.string(), z.union([z.number(), z.string()])),
  files: z.array(attachment),
  triage: z.enum(triageStates),
  staffReply: z.string().nullable(),
  staffReplyHtml: z.string().nullable(),
  triagedBy: personRef.nullable(),
  triagedAt: z.string().nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
});
export type FeedbackResponse = z.infer<typeof feedbackResponse>;
export const roundSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(roundStatuses),
  answerScope: z.enum(answerScopes),
  questionCount: z.number(),
  /** Whether the caller (or, for organisation scope, their organisation) has answered. */
  answered: z.boolean(),
  /** Staff only: how many answers have arrived; null for everyone else. */
  responseCount: z.number().nullable(),
  createdAt: z.string(),
});
export type RoundSummary = z.infer<typeof roundSummary>;
/** The sandbox feature flag a round is about, and where to try it. */
export const roundFlag = z.object({
  key: z.string(),
  name: z.string(),
  state: z.enum(["off", "preview", "on"]),
});
export type RoundFlag = z.infer<typeof roundFlag>;
export const round = roundSummary.omit({ questionCount: true }).extend({
  description: z.string(),
  descriptionHtml: z.string(),
  questions: z.array(feedbackQuestion),
  flag: roundFlag.nullable(),
  /** The development environment, where the flagged feature can be tried; null without a flag. */
  tryUrl: z.string().nullable(),
  summaryPostId: z.string().nullable(),
  updatedAt: z.string(),
  /** The caller's own answer (organisation scope: their organisation's); null for staff or before answering. */
  myResponse: feedbackResponse.nullable(),
  canManage: z.boolean(),
});
export type Round = z.infer<typeof round>;
export const responseRate = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  /** Organisation scope: 1 per organisation; person scope: the organisation's people in the project. */
  invited: z.number(),
  responded: z.number(),
});
export type ResponseRate = z.infer<typeof responseRate>;
export const questionSummary = z.object({
  id: z.string(),
  prompt: z.string(),
  kind: z.enum(questionKinds),
  /** How many answers answer this question. */
  answered: z.number(),
  ratingDistribution: z.record(z.enum(["1", "2", "3", "4", "5"]), z.number()).optional(),
  choiceCounts: z.record(z.string(), z.number()).optional(),
  textCount: z.number().optional(),
});
export type QuestionSummary = z.infer<typeof questionSummary>;
export const roundResults = z.object({
  roundId: z.string(),
  responseCount: z.number(),
  responseRate: z.array(responseRate),
  questions: z.array(questionSummary),
});
export type RoundResults = z.infer<typeof roundResults>;
export const summaryPost = z.object({
  id: z.string(),
  projectId: z.string(),
  category: z.enum(postCategories),
  title: z.string(),
});
export type SummaryPost = z.infer<typeof summaryPost>;

// --- operations ---

export const listRounds = operation({
  operationId: "listFeedbackRounds",
  summary: "A project's feedback rounds",
  method: "GET",
  path: "/api/projects/:id/rounds",
  access: "member",
  tag,
  params: projectParams,
  response: z.object({ rounds: z.array(roundSummary) }),
});

export const createRound = operation({
  operationId: "createFeedbackRound",
  summary: "Start a feedback round",
  method: "POST",
  path: "/api/projects/:id/rounds",
  access: "staff",
  tag,
  params: projectParams,
  body: roundInput,
  response: round,
  status: 201,
});

export const getRound = operation({
  operationId: "getFeedbackRound",
  summary: "One feedback round with the caller's answer",
  method: "GET",
  path: "/api/projects/:id/rounds/:roundId",
  access: "member",
  tag,
  params: roundParams,
  response: round,
});

export const updateRound = operation({
  operationId: "updateFeedbackRound",
  summary: "Change a feedback round",
  method: "PATCH",
  path: "/api/projects/:id/rounds/:roundId",
  access: "staff",
  tag,
  params: roundParams,
  body: roundChanges,
  response: round,
});

export const saveResponse = operation({
  operationId: "saveFeedbackResponse",
  summary: "Answer a feedback round, or change the answer",
  method: "PUT",
  path: "/api/projects/:id/rounds/:roundId/response",
  access: "member",
  tag,
  params: roundParams,
  body: responseInput,
  response: feedbackResponse,
});

export const attachResponseFile = operation({
  operationId: "attachFeedbackResponseFile",
  summary: "Add a file to one's answer",
  method: "POST",
  path: "/api/projects/:id/rounds/:roundId/response/files",
  access: "member",
  tag,
  params: roundParams,
  body: "multipart",
  response: attachment,
  status: 201,
});

export const downloadResponseFile = operation({
  operationId: "downloadFeedbackResponseFile",
  summary: "A file of an answer",
  description: "A file of an answer, for staff and the answer's own people; images inline.",
  method: "GET",
  path: "/api/projects/:id/rounds/:roundId/responses/:responseId/files/:fileId",
  access: "member",
  tag,
  params: responseParams.extend({ fileId: uuidField }),
  response: storedFile,
});

export const listResponses = operation({
  operationId: "listFeedbackResponses",
  summary: "Every answer to a round",
  method: "GET",
  path: "/api/projects/:id/rounds/:roundId/responses",
  access: "staff",
  tag,
  params: roundParams,
  response: z.object({ responses: z.array(feedbackResponse) }),
});

export const triageResponse = operation({
  operationId: "triageFeedbackResponse",
  summary: "Triage an answer and reply to it",
  method: "PATCH",
  path: "/api/projects/:id/rounds/:roundId/responses/:responseId",
  access: "staff",
  tag,
  params: responseParams,
  body: triageInput,
  response: feedbackResponse,
});

export const getRoundResults = operation({
  operationId: "getFeedbackRoundResults",
  summary: "A round's results: response rate and answers per question",
  method: "GET",
  path: "/api/projects/:id/rounds/:roundId/summary",
  access: "staff",
  tag,
  params: roundParams,
  response: roundResults,
});

export const publishSummaryPost = operation({
  operationId: "publishFeedbackSummaryPost",
  summary: "Post a round's results to the project's board",
  method: "POST",
  path: "/api/projects/:id/rounds/:roundId/summary-post",
  access: "staff",
  tag,
  params: roundParams,
  body: summaryPostInput,
  response: summaryPost,
  status: 201,
});

export const downloadResponsesCsv = operation({
  operationId: "downloadFeedbackResponsesCsv",
  summary: "Every answer as CSV, a column per question",
  method: "GET",
  path: "/api/projects/:id/rounds/:roundId/responses.csv",
  access: "staff",
  tag,
  params: roundParams,
  response: { contentType: "text/csv", description: "Every answer, a column per question." },
});
