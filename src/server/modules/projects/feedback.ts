import { and, asc, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { csvField } from "../../platform/csv.js";
import { AppError, type FieldErrors, forbidden, invalid, notFound } from "../../platform/errors.js";
import { files } from "../../platform/files/schema.js";
import { type FileUpload, type StoredFile, storeFile } from "../../platform/files/store.js";
import { markdownExcerpt, renderMarkdown } from "../../platform/markdown.js";
import { notify } from "../../platform/notifications/service.js";
import { activeMembersOf, listOrganisations, peopleByIds, userSummaries } from "../accounts/index.js";
import { flagRefs } from "../sandbox/index.js";
import { type ProjectRow, projectAudience, recordActivity, requireProject } from "./access.js";
import type {
  Answers,
  FeedbackResponse,
  QuestionSummary,
  ResponseFile,
  ResponseRate,
  Round,
  RoundFlag,
  RoundResults,
  RoundStatus,
  RoundSummary,
  SummaryPostCategory,
  TriageInput,
} from "./contracts/feedback.js";
import { MAX_CHOICE_OPTIONS, MAX_QUESTIONS } from "./contracts/feedback.js";
import { markRoundSeen, roundItem, roundUrl } from "./notifications.js";
import { createPost } from "./posts.js";
import {
  type AnswerScope,
  type FeedbackQuestion,
  feedbackResponseFiles,
  feedbackResponses,
  feedbackRounds,
  projectParticipants,
  type QuestionKind,
  type TriageState,
} from "./schema.js";

type RoundRow = typeof feedbackRounds.$inferSelect;
type ResponseRow = typeof feedbackResponses.$inferSelect;

/** A question as staff write it: an existing question keeps its `id`; a new one has none yet. */
export type QuestionInput = {
  id?: string | undefined;
  kind: QuestionKind;
  prompt: string;
  options?: string[] | undefined;
  required: boolean;
};
export type RoundInput = {
  title: string;
  description: string;
  questions: QuestionInput[];
  opensAt: Date;
  closesAt: Date;
  answerScope: AnswerScope;
  flagKey?: string | null | undefined;
};
export type RoundChanges = Partial<RoundInput>;
export type ResponseInput = {
  answers: Answers;
  /**
   * The `updatedAt` of the answer the caller edited. Needed only to change an answer someone else
   * saved last (a colleague's, in organisation scope), so nobody overwrites an answer they never saw.
   */
  baseUpdatedAt?: Date | undefined;
};

/** Where the web app lets a person try a flagged feature. */
export const TRY_URL = "/sandbox";
export const MIN_CHOICE_OPTIONS = 2;
export const MAX_TEXT_ANSWER = 5000;
export const MAX_FILES_PER_RESPONSE = 10;
const ratings = ["1", "2", "3", "4", "5"] as const;

export const triageLabels: Record<TriageState, string> = {
  new: "New",
  acknowledged: "Acknowledged",
  planned: "Planned",
  wont_do: "Won't do",
};

function requireManager(actor: Actor): void {
  if (!actor.isStaff) throw forbidden("Only the product team runs feedback rounds.");
}

export function roundStatus(round: Pick<RoundRow, "opensAt" | "closesAt">, now = new Date()): RoundStatus {
  if (now < round.opensAt) return "upcoming";
  return now < round.closesAt ? "open" : "closed";
}

/** Organisation scope: one answer per organisation; person scope: one per person. */
const respondentKeyOf = (round: Pick<RoundRow, "answerScope">, actor: Actor) =>
  round.answerScope === "organisation" ? actor.organisationId : actor.id;

async function loadRound(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
  need: "read" | "write",
): Promise<{ project: ProjectRow; round: RoundRow }> {
  const project = await requireProject(ctx, projectId, need);
  const [round] = await ctx.db
    .select()
    .from(feedbackRounds)
    .where(and(eq(feedbackRounds.id, roundId), eq(feedbackRounds.projectId, projectId)));
  if (!round) throw notFound("The feedback round");
  return { project, round };
}

// --- questions, dates and the flag: the rules a round must meet ---

/**
 * Gives every question its stable id (kept when staff edit the round, `q<n>` for new ones, never
 * reused) and checks each kind's rules, naming `questions.<position>.<field>`.
 */
function settleQuestions(inputs: QuestionInput[], previous: FeedbackQuestion[]): FeedbackQuestion[] {
  const fields: FieldErrors = {};
  if (inputs.length === 0) fields.questions = "Ask at least one question.";
  if (inputs.length > MAX_QUESTIONS) fields.questions = `Ask at most ${MAX_QUESTIONS} questions.`;
  const known = new Set(previous.map((question) => question.id));
  const numbers = [...previous, ...inputs].map((question) =>
    Number(/^q(\d+)$/.exec(question.id ?? "")?.[1] ?? 0),
  );
  let next = Math.max(0, ...numbers);
  const seen = new Set<string>();
  const settled = inputs.map((input, position): FeedbackQuestion => {
    const at = `questions.${position}`;
    if (input.id !== undefined && !known.has(input.id))
      fields[`${at}.id`] = `This round has no question ${input.id}; leave the id out for a new question.`;
    if (input.id !== undefined && seen.has(input.id)) fields[`${at}.id`] = "This question appears twice.";
    const id = input.id ?? `q${++next}`;
    seen.add(id);
    const prompt = input.prompt.trim();
    if (!prompt) fields[`${at}.prompt`] = "Write the question.";
    if (input.kind !== "choice") {
      if (input.options?.length) fields[`${at}.options`] = "Only choice questions have options.";
      return { id, kind: input.kind, prompt, required: input.required };
    }
    const options = (input.options ?? []).map((option) => option.trim());
    if (options.length < MIN_CHOICE_OPTIONS || options.length > MAX_CHOICE_OPTIONS)
      fields[`${at}.options`] = `Give ${MIN_CHOICE_OPTIONS} to ${MAX_CHOICE_OPTIONS} options.`;
    else if (options.some((option) => !option)) fields[`${at}.options`] = "Leave no option empty.";
    else if (new Set(options.map((option) => option.toLowerCase())).size !== options.length)
      fields[`${at}.options`] = "Give each option once.";
    return { id, kind: "choice", prompt, options, required: input.required };
  });
  if (Object.keys(fields).length > 0) throw invalid(fields);
  return settled;
}

/** What an answer depends on; the wording of a prompt may still be improved once answers exist. */
const answerShape = (questions: FeedbackQuestion[]) =>
  JSON.stringify(questions.map(({ id, kind, options, required }) => [id, kind, options ?? [], required]));

function checkDates(opensAt: Date, closesAt: Date): void {
  if (closesAt <= opensAt) throw invalid({ closesAt: "Close the round after it opens." });
}

async function checkFlag(db: Db, flagKey: string | null | undefined): Promise<void> {
  if (!flagKey) return;
  if (!(await flagRefs(db, [flagKey])).has(flagKey))
    throw invalid({
      flagKey: `There is no sandbox feature flag ${flagKey}; choose one from the feature flags.`,
    });
}

// --- presenting ---

async function presentResponses(db: Db, rows: ResponseRow[], projectId: string): Promise<FeedbackResponse[]> {
  if (rows.length === 0) return [];
  const people = await userSummaries(db, [
    ...rows.map((row) => row.userId),
    ...rows.flatMap((row) => (row.triagedBy ? [row.triagedBy] : [])),
  ]);
  const organisations = new Map(
    (await listOrganisations(db, [...new Set(rows.map((row) => row.organisationId))])).map((o) => [o.id, o]),
  );
  const attached = await db
    .select({ responseId: feedbackResponseFiles.responseId, file: files })
    .from(feedbackResponseFiles)
    .innerJoin(files, eq(files.id, feedbackResponseFiles.fileId))
    .where(
      inArray(
        feedbackResponseFiles.responseId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(feedbackResponseFiles.createdAt));
  const person = (id: string) => ({ id, name: people.get(id)?.name ?? "A former member" });
  return rows.map((row) => ({
    id: row.id,
    roundId: row.roundId,
    organisation: {
      id: row.organisationId,
      name: organisations.get(row.organisationId)?.name ?? "A former organisation",
    },
    answeredBy: person(row.userId),
    answers: row.answers,
    files: attached
      .filter((entry) => entry.responseId === row.id)
      .map(({ file }) => presentResponseFile(projectId, row, file)),
    triage: row.triage,
    staffReply: row.staffReply,
    staffReplyHtml: row.staffReply === null ? null : renderMarkdown(row.staffReply),
    triagedBy: row.triagedBy ? person(row.triagedBy) : null,
    triagedAt: row.triagedAt?.toISOString() ?? null,
    submittedAt: row.submittedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

const presentResponseFile = (
  projectId: string,
  response: Pick<ResponseRow, "id" | "roundId">,
  file: StoredFile,
): ResponseFile => ({
  id: file.id,
  filename: file.filename,
  contentType: file.contentType,
  size: file.size,
  url: `/api/projects/${projectId}/rounds/${response.roundId}/responses/${response.id}/files/${file.id}`,
  createdAt: file.createdAt.toISOString(),
});

async function presentResponse(db: Db, row: ResponseRow, projectId: string): Promise<FeedbackResponse> {
  const [view] = await presentResponses(db, [row], projectId);
  if (!view) throw new Error("the answer could not be presented");
  return view;
}

/** The caller's own answer: their organisation's in organisation scope, their own in person scope. */
async function ownResponse(db: Db, actor: Actor, round: RoundRow): Promise<ResponseRow | undefined> {
  if (actor.isStaff) return undefined;
  const [row] = await db
    .select()
    .from(feedbackResponses)
    .where(
      and(
        eq(feedbackResponses.roundId, round.id),
        eq(feedbackResponses.respondentKey, respondentKeyOf(round, actor)),
      ),
    );
  return row;
}

async function presentRound(ctx: ActorCtx, round: RoundRow): Promise<Round> {
  const { actor } = ctx;
  const flag: RoundFlag | null = round.flagKey
    ? ((await flagRefs(ctx.db, [round.flagKey])).get(round.flagKey) ?? null)
    : null;
  const mine = await ownResponse(ctx.db, actor, round);
  const [responses] = actor.isStaff
    ? await ctx.db
        .select({ n: count() })
        .from(feedbackResponses)
        .where(eq(feedbackResponses.roundId, round.id))
    : [];
  return {
    id: round.id,
    projectId: round.projectId,
    title: round.title,
    description: round.description,
    descriptionHtml: renderMarkdown(round.description),
    questions: round.questions,
    opensAt: round.opensAt.toISOString(),
    closesAt: round.closesAt.toISOString(),
    status: roundStatus(round),
    answerScope: round.answerScope,
    flag,
    tryUrl: flag ? TRY_URL : null,
    summaryPostId: round.summaryPostId,
    answered: mine !== undefined,
    responseCount: responses?.n ?? null,
    myResponse: mine ? await presentResponse(ctx.db, mine, round.projectId) : null,
    canManage: actor.isStaff,
    createdAt: round.createdAt.toISOString(),
    updatedAt: round.updatedAt.toISOString(),
  };
}

// --- rounds ---

/** The project's rounds, newest first; everyone in the project sees every round. */
export async function listRounds(ctx: ActorCtx, projectId: string): Promise<RoundSummary[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const rows = await ctx.db
    .select()
    .from(feedbackRounds)
    .where(eq(feedbackRounds.projectId, projectId))
    .orderBy(desc(feedbackRounds.opensAt), desc(feedbackRounds.createdAt));
  const roundIds = rows.map((row) => row.id);
  const counts = new Map<string, number>();
  if (actor.isStaff && roundIds.length > 0)
    for (const { roundId, n } of await ctx.db
      .select({ roundId: feedbackResponses.roundId, n: count() })
      .from(feedbackResponses)
      .where(inArray(feedbackResponses.roundId, roundIds))
      .groupBy(feedbackResponses.roundId))
      counts.set(roundId, n);
  const answeredKeys =
    actor.isStaff || roundIds.length === 0
      ? []
      : await ctx.db
          .select({ roundId: feedbackResponses.roundId, respondentKey: feedbackResponses.respondentKey })
          .from(feedbackResponses)
          .where(
            and(
              inArray(feedbackResponses.roundId, roundIds),
              inArray(feedbackResponses.respondentKey, [actor.id, actor.organisationId]),
            ),
          );
  return rows.map((row) => ({
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    opensAt: row.opensAt.toISOString(),
    closesAt: row.closesAt.toISOString(),
    status: roundStatus(row),
    answerScope: row.answerScope,
    questionCount: row.questions.length,
    answered: answeredKeys.some(
      (answer) => answer.roundId === row.id && answer.respondentKey === respondentKeyOf(row, actor),
    ),
    responseCount: actor.isStaff ? (counts.get(row.id) ?? 0) : null,
    createdAt: row.createdAt.toISOString(),
  }));
}

/** The round as its page opens it: what the person was notified of about it counts as seen. */
export async function getRound(ctx: ActorCtx, projectId: string, roundId: string): Promise<Round> {
  const { round } = await loadRound(ctx, projectId, roundId, "read");
  await markRoundSeen(ctx, ctx.actor.id, round.id);
  return presentRound(ctx, round);
}

const when = (at: Date) => at.toISOString().slice(0, 16).replace("T", " ");

/** Staff open a round: it is on the project's timeline for everyone in it, and in their inboxes. */
export async function createRound(ctx: ActorCtx, projectId: string, input: RoundInput): Promise<Round> {
  const { actor } = ctx;
  requireManager(actor);
  const questions = settleQuestions(input.questions, []);
  checkDates(input.opensAt, input.closesAt);
  if (input.closesAt <= new Date()) throw invalid({ closesAt: "Close the round in the future." });
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    await checkFlag(tx.db, input.flagKey);
    const [round] = await tx.db
      .insert(feedbackRounds)
      .values({
        projectId,
        title: input.title,
        description: input.description,
        questions,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        answerScope: input.answerScope,
        flagKey: input.flagKey ?? null,
        createdBy: actor.id,
      })
      .returning();
    if (!round) throw new Error("the feedback round was not written");
    await recordActivity(tx, {
      projectId,
      verb: "round_opened",
      itemType: "feedback_round",
      itemId: round.id,
      summary: `${actor.name} opened the feedback round “${round.title}” (${when(round.opensAt)} to ${when(round.closesAt)} UTC)`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "projects.round_created",
      targetType: "feedback_round",
      targetId: round.id,
      details: { projectId, title: round.title, answerScope: round.answerScope, flagKey: round.flagKey },
    });
    await notify(tx, {
      kind: "projects.feedback_round",
      recipients: (await projectAudience(tx.db, projectId, "project")).map((person) => person.id),
      item: { type: roundItem.type, id: round.id, title: round.title, url: roundUrl(round) },
      excerpt: round.description,
      actor: { id: actor.id, name: actor.name },
    });
    return presentRound(tx, round);
  });
}

/**
 * Staff change a round; closing early is setting `closesAt` to now. Once answers exist the questions
 * keep their ids, kinds, options and whether they are required, so no answer loses its meaning.
 */
export async function updateRound(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
  changes: RoundChanges,
): Promise<Round> {
  const { actor } = ctx;
  requireManager(actor);
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    const [before] = await tx.db
      .select()
      .from(feedbackRounds)
      .where(and(eq(feedbackRounds.id, roundId), eq(feedbackRounds.projectId, projectId)))
      .for("update");
    if (!before) throw notFound("The feedback round");
    const questions = changes.questions
      ? settleQuestions(changes.questions, before.questions)
      : before.questions;
    checkDates(changes.opensAt ?? before.opensAt, changes.closesAt ?? before.closesAt);
    if (changes.flagKey !== undefined) await checkFlag(tx.db, changes.flagKey);
    if (changes.answerScope !== undefined || answerShape(questions) !== answerShape(before.questions)) {
      const [answers] = await tx.db
        .select({ n: count() })
        .from(feedbackResponses)
        .where(eq(feedbackResponses.roundId, roundId));
      const answered = answers?.n ?? 0;
      if (answered > 0 && changes.answerScope !== undefined && changes.answerScope !== before.answerScope)
        throw new AppError(
          "conflict",
          `“${before.title}” already has ${answered} answers; its scope is fixed.`,
          {
            answerScope: "The scope cannot change once answers arrived.",
          },
        );
      if (answered > 0 && answerShape(questions) !== answerShape(before.questions))
        throw new AppError(
          "conflict",
          `“${before.title}” already has ${answered} answers; only the wording of its questions can change.`,
          { questions: "Keep the questions, their kinds, options and required marks; reword prompts only." },
        );
    }
    const [round] = await tx.db
      .update(feedbackRounds)
      .set({
        title: changes.title ?? before.title,
        description: changes.description ?? before.description,
        questions,
        opensAt: changes.opensAt ?? before.opensAt,
        closesAt: changes.closesAt ?? before.closesAt,
        answerScope: changes.answerScope ?? before.answerScope,
        flagKey: changes.flagKey === undefined ? before.flagKey : changes.flagKey,
        updatedAt: new Date(),
      })
      .where(eq(feedbackRounds.id, roundId))
      .returning();
    if (!round) throw notFound("The feedback round");
    await recordActivity(tx, {
      projectId,
      verb: "round_updated",
      itemType: "feedback_round",
      itemId: round.id,
      summary: `${actor.name} changed the feedback round “${round.title}”`,
      visibility: "project",
    });
    await recordAudit(tx, {
      action: "projects.round_updated",
      targetType: "feedback_round",
      targetId: round.id,
      details: {
        projectId,
        changed: Object.entries(changes).flatMap(([key, value]) => (value === undefined ? [] : [key])),
      },
    });
    return presentRound(tx, round);
  });
}

// --- answering ---

function assertOpen(round: RoundRow): void {
  const status = roundStatus(round);
  if (status === "upcoming")
    throw new AppError("conflict", `“${round.title}” opens at ${when(round.opensAt)} UTC; answer from then.`);
  if (status === "closed")
    throw new AppError(
      "conflict",
      `“${round.title}” closed at ${when(round.closesAt)} UTC; answers can no longer change.`,
    );
}

/** Checks every answer against its question, naming `answers.<questionId>`; returns them trimmed. */
export function checkAnswers(questions: FeedbackQuestion[], answers: Answers): Answers {
  const fields: FieldErrors = {};
  const ids = new Set(questions.map((question) => question.id));
  for (const id of Object.keys(answers))
    if (!ids.has(id)) fields[`answers.${id}`] = "This round has no such question.";
  const settled: Answers = {};
  for (const question of questions) {
    const field = `answers.${question.id}`;
    const value = answers[question.id];
    if (value === undefined || (typeof value === "string" && value.trim() === "")) {
      if (question.required) fields[field] = "Answer this question.";
      continue;
    }
    if (question.kind === "rating") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 5)
        fields[field] = "Rate with a whole number from 1 to 5.";
      else settled[question.id] = value;
    } else if (question.kind === "choice") {
      const options = question.options ?? [];
      if (typeof value !== "string" || !options.includes(value))
        fields[field] = `Choose one of: ${options.join(", ")}.`;
      else settled[question.id] = value;
    } else if (typeof value !== "string") fields[field] = "Write the answer as text.";
    else if (value.trim().length > MAX_TEXT_ANSWER)
      fields[field] = `Use at most ${MAX_TEXT_ANSWER.toLocaleString("en")} characters.`;
    else settled[question.id] = value.trim();
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);
  return settled;
}

/**
 * Creates or edits the caller's answer while the round is open. In organisation scope the
 * organisation has one answer: any of its people in the project may edit it, and it records who saved
 * it last; changing an answer a colleague saved needs `baseUpdatedAt` of that answer (409 naming who
 * answered otherwise), so a colleague's answer is never overwritten unseen.
 */
export async function saveResponse(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
  input: ResponseInput,
): Promise<FeedbackResponse> {
  const { actor } = ctx;
  if (actor.isStaff) throw forbidden("The product team reads the answers; participants give them.");
  return inTransaction(ctx, async (tx) => {
    const { round } = await loadRound(tx, projectId, roundId, "write");
    assertOpen(round);
    const answers = checkAnswers(round.questions, input.answers);
    const respondentKey = respondentKeyOf(round, actor);
    const [existing] = await tx.db
      .select()
      .from(feedbackResponses)
      .where(and(eq(feedbackResponses.roundId, round.id), eq(feedbackResponses.respondentKey, respondentKey)))
      .for("update");
    const now = new Date();
    let saved: ResponseRow | undefined;
    if (existing) {
      if (existing.userId !== actor.id && input.baseUpdatedAt?.getTime() !== existing.updatedAt.getTime())
        throw await answeredAlready(tx.db, existing);
      [saved] = await tx.db
        .update(feedbackResponses)
        .set({ answers, userId: actor.id, updatedAt: now })
        .where(eq(feedbackResponses.id, existing.id))
        .returning();
    } else {
      [saved] = await tx.db
        .insert(feedbackResponses)
        .values({
          roundId: round.id,
          respondentKey,
          userId: actor.id,
          organisationId: actor.organisationId,
          answers,
          submittedAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!saved)
        throw new AppError(
          "conflict",
          "A colleague answered for your organisation just now; reload to see it.",
        );
    }
    if (!saved) throw new Error("the answer was not written");
    const whose = round.answerScope === "organisation" ? "their organisation's answer" : "their answer";
    await recordActivity(tx, {
      projectId,
      verb: existing ? "answer_edited" : "answer_submitted",
      itemType: "feedback_round",
      itemId: round.id,
      summary: `${actor.name} ${existing ? "changed" : "submitted"} ${whose} to “${round.title}”`,
      visibility: "staff",
    });
    return presentResponse(tx.db, saved, projectId);
  });
}

async function answeredAlready(db: Db, existing: ResponseRow): Promise<AppError> {
  const [author] = [...(await peopleByIds(db, [existing.userId])).values()];
  const name = author?.name ?? "A colleague";
  const organisation = author?.organisation.name ?? "your organisation";
  return new AppError(
    "conflict",
    `${name} already answered for ${organisation} (last saved ${when(existing.updatedAt)} UTC). Open the round again to see that answer and edit it.`,
  );
}

/** Attaches a file to the caller's (organisation's) answer while the round is open. */
export async function attachResponseFile(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
  upload: FileUpload,
): Promise<ResponseFile> {
  const { actor } = ctx;
  if (actor.isStaff) throw forbidden("The product team reads the answers; participants give them.");
  return inTransaction(ctx, async (tx) => {
    const { round } = await loadRound(tx, projectId, roundId, "write");
    assertOpen(round);
    const response = await ownResponse(tx.db, actor, round);
    if (!response) throw new AppError("conflict", "Save your answer first, then attach files to it.");
    const [attached] = await tx.db
      .select({ n: count() })
      .from(feedbackResponseFiles)
      .where(eq(feedbackResponseFiles.responseId, response.id));
    if ((attached?.n ?? 0) >= MAX_FILES_PER_RESPONSE)
      throw invalid({ file: `An answer holds at most ${MAX_FILES_PER_RESPONSE} files.` });
    const file = await storeFile(tx, { ...upload, field: "file" });
    await tx.db.insert(feedbackResponseFiles).values({ responseId: response.id, fileId: file.id });
    await recordActivity(tx, {
      projectId,
      verb: "answer_file_attached",
      itemType: "feedback_round",
      itemId: round.id,
      summary: `${actor.name} attached ${file.filename} to an answer to “${round.title}”`,
      visibility: "staff",
    });
    return presentResponseFile(projectId, response, file);
  });
}

/** A file of an answer, for staff and for whoever the answer belongs to; anyone else: 404. */
export async function loadResponseFile(
  ctx: ActorCtx,
  ids: { projectId: string; roundId: string; responseId: string; fileId: string },
): Promise<StoredFile> {
  const { actor } = ctx;
  const { round } = await loadRound(ctx, ids.projectId, ids.roundId, "read");
  const [row] = await ctx.db
    .select({ response: feedbackResponses, file: files })
    .from(feedbackResponseFiles)
    .innerJoin(feedbackResponses, eq(feedbackResponses.id, feedbackResponseFiles.responseId))
    .innerJoin(files, eq(files.id, feedbackResponseFiles.fileId))
    .where(
      and(
        eq(feedbackResponseFiles.responseId, ids.responseId),
        eq(feedbackResponseFiles.fileId, ids.fileId),
        eq(feedbackResponses.roundId, round.id),
      ),
    );
  if (!row || (!actor.isStaff && row.response.respondentKey !== respondentKeyOf(round, actor)))
    throw notFound("The file");
  return row.file;
}

// --- staff: answers, triage, results, the summary post and the export ---

async function responsesOf(db: Db, roundId: string): Promise<ResponseRow[]> {
  return db
    .select()
    .from(feedbackResponses)
    .where(eq(feedbackResponses.roundId, roundId))
    .orderBy(desc(feedbackResponses.updatedAt));
}

/** Every answer of a round, the latest change first, for staff. */
export async function listResponses(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
): Promise<FeedbackResponse[]> {
  const { actor } = ctx;
  requireManager(actor);
  const { round } = await loadRound(ctx, projectId, roundId, "read");
  return presentResponses(ctx.db, await responsesOf(ctx.db, round.id), projectId);
}

/** Staff triage an answer and may reply; whoever saved it last is notified. */
export async function triageResponse(
  ctx: ActorCtx,
  ids: { projectId: string; roundId: string; responseId: string },
  input: TriageInput,
): Promise<FeedbackResponse> {
  const { actor } = ctx;
  requireManager(actor);
  return inTransaction(ctx, async (tx) => {
    const { project, round } = await loadRound(tx, ids.projectId, ids.roundId, "write");
    const [before] = await tx.db
      .select()
      .from(feedbackResponses)
      .where(and(eq(feedbackResponses.id, ids.responseId), eq(feedbackResponses.roundId, round.id)))
      .for("update");
    if (!before) throw notFound("The answer");
    const staffReply = input.staffReply === undefined ? before.staffReply : input.staffReply?.trim() || null;
    const triage = input.triage ?? before.triage;
    const [row] = await tx.db
      .update(feedbackResponses)
      .set({ triage, staffReply, triagedBy: actor.id, triagedAt: new Date() })
      .where(eq(feedbackResponses.id, before.id))
      .returning();
    if (!row) throw notFound("The answer");
    const view = await presentResponse(tx.db, row, project.id);
    await recordActivity(tx, {
      projectId: project.id,
      verb: "answer_triaged",
      itemType: "feedback_round",
      itemId: round.id,
      summary: `${actor.name} marked ${view.organisation.name}'s answer to “${round.title}” ${triageLabels[triage]}`,
      visibility: "staff",
    });
    await recordAudit(tx, {
      action: "projects.answer_triaged",
      targetType: "feedback_response",
      targetId: row.id,
      details: {
        projectId: project.id,
        roundId: round.id,
        from: before.triage,
        to: triage,
        replied: staffReply !== null,
      },
    });
    const changed = triage !== before.triage || staffReply !== before.staffReply;
    if (changed)
      await notify(tx, {
        kind: "projects.triage",
        recipients: [row.userId],
        item: { type: roundItem.type, id: round.id, title: round.title, url: roundUrl(round, row.id) },
        excerpt: `Marked ${triageLabels[triage]}${staffReply ? `: ${markdownExcerpt(staffReply)}` : "."}`,
        actor: { id: actor.id, name: actor.name },
      });
    return view;
  });
}

/**
 * The organisations a round asks: those in the project whole and those of people added in person
 * (the product team answers no round). In person scope each counts its people in the project.
 */
async function invitedByOrganisation(db: Db, projectId: string): Promise<Map<string, Set<string>>> {
  const rows = await db
    .select({ userId: projectParticipants.userId, organisationId: projectParticipants.organisationId })
    .from(projectParticipants)
    .where(and(eq(projectParticipants.projectId, projectId), isNull(projectParticipants.removedAt)));
  const members = await activeMembersOf(
    db,
    rows.flatMap((row) => (row.organisationId ? [row.organisationId] : [])),
  );
  const individuals = [
    ...(
      await userSummaries(
        db,
        rows.flatMap((row) => (row.userId ? [row.userId] : [])),
      )
    ).values(),
  ].filter((person) => person.active);
  const invited = new Map<string, Set<string>>();
  for (const row of rows) if (row.organisationId) invited.set(row.organisationId, new Set());
  for (const person of [...members, ...individuals]) {
    if (person.isStaff) continue;
    invited.set(person.organisationId, (invited.get(person.organisationId) ?? new Set()).add(person.id));
  }
  return invited;
}

/** Response rate per organisation, and per question the distribution of ratings and choices. */
export async function roundResults(ctx: ActorCtx, projectId: string, roundId: string): Promise<RoundResults> {
  const { actor } = ctx;
  requireManager(actor);
  const { round } = await loadRound(ctx, projectId, roundId, "read");
  return resultsOf(ctx.db, round, await responsesOf(ctx.db, round.id));
}

async function resultsOf(db: Db, round: RoundRow, responses: ResponseRow[]): Promise<RoundResults> {
  const invited = await invitedByOrganisation(db, round.projectId);
  for (const response of responses)
    if (!invited.has(response.organisationId)) invited.set(response.organisationId, new Set());
  const organisations = await listOrganisations(db, [...invited.keys()]);
  const responseRate: ResponseRate[] = organisations
    .filter((organisation) => organisation.kind !== "vendor")
    .map((organisation) => {
      const own = responses.filter((response) => response.organisationId === organisation.id);
      const people = invited.get(organisation.id) ?? new Set<string>();
      return round.answerScope === "organisation"
        ? {
            organisationId: organisation.id,
            organisationName: organisation.name,
            invited: 1,
            responded: own.length,
          }
        : {
            organisationId: organisation.id,
            organisationName: organisation.name,
            invited: people.size,
            responded: new Set(own.map((response) => response.respondentKey)).size,
          };
    })
    .sort((a, b) => a.organisationName.localeCompare(b.organisationName));
  const questions = round.questions.map((question): QuestionSummary => {
    const values = responses.flatMap((response) => {
      const value = response.answers[question.id];
      return value === undefined || value === "" ? [] : [value];
    });
    const base = { id: question.id, prompt: question.prompt, kind: question.kind, answered: values.length };
    if (question.kind === "rating") {
      const ratingDistribution = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
      for (const value of values) {
        const key = ratings.find((rating) => rating === String(value));
        if (key) ratingDistribution[key] += 1;
      }
      return { ...base, ratingDistribution };
    }
    if (question.kind === "choice") {
      const choiceCounts = Object.fromEntries((question.options ?? []).map((option) => [option, 0]));
      for (const value of values) {
        const tally = choiceCounts[String(value)];
        if (tally !== undefined) choiceCounts[String(value)] = tally + 1;
      }
      return { ...base, choiceCounts };
    }
    return { ...base, textCount: values.length };
  });
  return { roundId: round.id, responseCount: responses.length, responseRate, questions };
}

/** The results as Markdown, for the summary post: numbers only, never an answer's own words. */
export function resultsMarkdown(
  round: Pick<RoundRow, "title" | "answerScope">,
  results: RoundResults,
): string {
  const unit = round.answerScope === "organisation" ? "organisations" : "people";
  const lines = [
    `Results of the feedback round **${round.title}**: ${results.responseCount} answers.`,
    "",
    "## Response rate",
    "",
    `| Organisation | Answered | Asked (${unit}) |`,
    "| --- | --- | --- |",
    ...results.responseRate.map(
      (rate) => `| ${rate.organisationName} | ${rate.responded} | ${rate.invited} |`,
    ),
  ];
  for (const question of results.questions) {
    lines.push("", `## ${question.prompt}`, "");
    if (question.ratingDistribution) {
      const distribution = question.ratingDistribution;
      const total = ratings.reduce((sum, rating) => sum + distribution[rating], 0);
      const average = total
        ? (ratings.reduce((sum, rating) => sum + Number(rating) * distribution[rating], 0) / total).toFixed(1)
        : "–";
      lines.push(
        `Average ${average} of 5 from ${total} ratings.`,
        "",
        "| Rating | Answers |",
        "| --- | --- |",
        ...ratings.map((rating) => `| ${rating} | ${distribution[rating]} |`),
      );
    } else if (question.choiceCounts) {
      lines.push(
        "| Option | Answers |",
        "| --- | --- |",
        ...Object.entries(question.choiceCounts).map(([option, n]) => `| ${option} | ${n} |`),
      );
    } else lines.push(`${question.textCount ?? 0} written answers; the product team reads each of them.`);
  }
  return lines.join("\n");
}

/** One line per answer, a column per question; staff only, so it may carry names and replies. */
export async function responsesCsv(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
): Promise<{ filename: string; csv: string }> {
  const { actor } = ctx;
  requireManager(actor);
  const { round } = await loadRound(ctx, projectId, roundId, "read");
  const responses = await responsesOf(ctx.db, round.id);
  const views = await presentResponses(ctx.db, responses, projectId);
  const people = await peopleByIds(
    ctx.db,
    responses.map((response) => response.userId),
  );
  const header = [
    "response_id",
    "organisation",
    "answered_by",
    "answered_by_email",
    "submitted_at",
    "updated_at",
    "triage",
    "staff_reply",
    ...round.questions.map((question) => `${question.id}: ${question.prompt}`),
  ];
  const lines = [header.map(csvField).join(",")];
  for (const view of views)
    lines.push(
      [
        view.id,
        view.organisation.name,
        view.answeredBy.name,
        people.get(view.answeredBy.id)?.email ?? "",
        view.submittedAt,
        view.updatedAt,
        view.triage,
        view.staffReply,
        ...round.questions.map((question) => view.answers[question.id] ?? null),
      ]
        .map(csvField)
        .join(","),
    );
  await recordAudit(ctx, {
    action: "projects.answers_exported",
    targetType: "feedback_round",
    targetId: round.id,
    details: { projectId, rows: views.length },
  });
  const slug =
    round.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "round";
  return { filename: `feedback-${slug}.csv`, csv: `${lines.join("\r\n")}\r\n` };
}

/**
 * Publishes the results to the project's board as a post everyone in it reads (an announcement also
 * e-mails them); the round remembers its latest summary post.
 */
export async function publishSummaryPost(
  ctx: ActorCtx,
  projectId: string,
  roundId: string,
  category: SummaryPostCategory,
): Promise<{ id: string; projectId: string; category: SummaryPostCategory; title: string }> {
  const { actor } = ctx;
  requireManager(actor);
  return inTransaction(ctx, async (tx) => {
    const { round } = await loadRound(tx, projectId, roundId, "write");
    const results = await resultsOf(tx.db, round, await responsesOf(tx.db, round.id));
    const title = `Feedback results: ${round.title}`;
    const post = await createPost(tx, projectId, {
      category,
      title,
      body: resultsMarkdown(round, results),
      visibility: "project",
    });
    await tx.db
      .update(feedbackRounds)
      .set({ summaryPostId: post.id, updatedAt: new Date() })
      .where(eq(feedbackRounds.id, round.id));
    await recordAudit(tx, {
      action: "projects.round_summary_posted",
      targetType: "feedback_round",
      targetId: round.id,
      details: { projectId, postId: post.id, category },
    });
    return { id: post.id, projectId, category, title };
  });
}
