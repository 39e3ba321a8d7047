import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { outer } from "../../db/correlated.js";
import { readTogether } from "../../db/together.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { renderMarkdown } from "../../platform/markdown.js";
import { listOrganisations, userSummaries } from "../accounts/index.js";
import { ticketRefsVisibleTo } from "../desk/index.js";
import { feedbackRoundRefs, mayOpenFeedbackRound } from "../projects/index.js";
import { releaseRefs } from "../releases/index.js";
import { flagRefs } from "../sandbox/index.js";
import { evidenceMessages } from "./chat-evidence.js";
import {
  type CommentInput,
  type Idea,
  type IdeaComment,
  type IdeaInput,
  type IdeaListQuery,
  type IdeaSummary,
  ideaChanged,
} from "./contracts/ideas.js";
import { markIdeaSeen } from "./notifications.js";
import { assertNotMerged } from "./policy.js";
import { type IdeaRow, presentComment, presentSummary } from "./present.js";
import { ideaComments, ideas, ideaTickets, ideaVotes } from "./schema.js";

/** Where the web lets a person try a flagged feature: the development environment. */
const TRY_URL = "/sandbox";
const LIST_LIMIT = 500;

export async function loadIdea(db: Db, id: string, lock = false): Promise<IdeaRow> {
  const query = db.select().from(ideas).where(eq(ideas.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The idea");
  return row;
}

/** Tells every open list and idea page (everyone signed in reads ideas) that these ideas changed. */
export async function announceIdeas(ctx: Ctx, ...ideaIds: string[]): Promise<void> {
  for (const ideaId of ideaIds) await publishEvent(ctx, ideaChanged, { everyone: true }, { ideaId });
}

// `outer`: drizzle writes a lone table's column unqualified, which inside these subqueries would name
// the subquery's own `id` (every comment count was 0).
const voteCount = sql<number>`(select count(*)::int from ${ideaVotes} v where v.idea_id = ${outer(ideas.id)})`;
const commentCount = sql<number>`(select count(*)::int from ${ideaComments} c where c.idea_id = ${outer(ideas.id)})`;

async function summaries(ctx: ActorCtx, rows: (IdeaRow & { votes: number; comments: number })[]) {
  const ids = rows.map((row) => row.id);
  const [mine, people, targets] = await readTogether(ctx.db, [
    async () =>
      ids.length === 0
        ? []
        : await ctx.db
            .select({ ideaId: ideaVotes.ideaId })
            .from(ideaVotes)
            .where(and(eq(ideaVotes.userId, ctx.actor.id), inArray(ideaVotes.ideaId, ids))),
    () =>
      userSummaries(
        ctx.db,
        rows.map((row) => row.authorId),
      ),
    () =>
      mergeTargets(
        ctx.db,
        rows.flatMap((row) => (row.mergedIntoId ? [row.mergedIntoId] : [])),
      ),
  ]);
  const voted = new Set(mine.map((vote) => vote.ideaId));
  return rows.map((row) =>
    presentSummary(row, {
      votes: Number(row.votes),
      comments: Number(row.comments),
      voted: voted.has(row.id),
      mergedInto: (row.mergedIntoId && targets.get(row.mergedIntoId)) || null,
      people,
    }),
  );
}

async function mergeTargets(db: Db, ids: string[]): Promise<Map<string, { id: string; title: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: ideas.id, title: ideas.title })
    .from(ideas)
    .where(inArray(ideas.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}

/** Ideas that stand on their own (a merged duplicate lives on in its target), most voted or newest first. */
export async function listIdeas(ctx: ActorCtx, query: IdeaListQuery): Promise<IdeaSummary[]> {
  const rows = await ctx.db
    .select({ idea: ideas, votes: voteCount, comments: commentCount })
    .from(ideas)
    .where(
      and(
        isNull(ideas.mergedIntoId),
        query.status ? eq(ideas.status, query.status) : undefined,
        query.module ? eq(ideas.module, query.module) : undefined,
      ),
    )
    .orderBy(...(query.sort === "newest" ? [] : [desc(voteCount)]), desc(ideas.createdAt))
    .limit(LIST_LIMIT);
  return summaries(
    ctx,
    rows.map((row) => ({ ...row.idea, votes: row.votes, comments: row.comments })),
  );
}

/** These ideas (a merge moves links to its target, so none is a duplicate), by title. */
export async function ideaSummariesOf(ctx: ActorCtx, ids: string[]): Promise<IdeaSummary[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ idea: ideas, votes: voteCount, comments: commentCount })
    .from(ideas)
    .where(inArray(ideas.id, ids))
    .orderBy(asc(ideas.title));
  return summaries(
    ctx,
    rows.map((row) => ({ ...row.idea, votes: row.votes, comments: row.comments })),
  );
}

async function votesByOrganisation(db: Db, ideaId: string) {
  const rows = await db
    .select({ organisationId: ideaVotes.organisationId, votes: count() })
    .from(ideaVotes)
    .where(eq(ideaVotes.ideaId, ideaId))
    .groupBy(ideaVotes.organisationId);
  if (rows.length === 0) return [];
  const names = new Map(
    (
      await listOrganisations(
        db,
        rows.map((row) => row.organisationId),
      )
    ).map((o) => [o.id, o.name]),
  );
  return rows
    .map((row) => ({
      id: row.organisationId,
      name: names.get(row.organisationId) ?? "",
      votes: Number(row.votes),
    }))
    .sort((a, b) => b.votes - a.votes || a.name.localeCompare(b.name));
}

async function commentsOf(db: Db, ideaId: string): Promise<IdeaComment[]> {
  const rows = await db
    .select()
    .from(ideaComments)
    .where(eq(ideaComments.ideaId, ideaId))
    .orderBy(asc(ideaComments.createdAt), asc(ideaComments.id));
  const people = await userSummaries(
    db,
    rows.map((row) => row.authorId),
  );
  return rows.map((row) => presentComment(row, people));
}

/**
 * The idea as its page shows it to this person: links to what they may open (a draft release only for
 * the product team, a feedback round only for those in its project, tickets by the desk's own rule).
 */
export async function presentIdea(ctx: ActorCtx, row: IdeaRow): Promise<Idea> {
  const { db, actor } = ctx;
  const [counts] = await db
    .select({ votes: voteCount, comments: commentCount })
    .from(ideas)
    .where(eq(ideas.id, row.id));
  const [[summary], byOrganisation, comments, flags, rounds, releases, duplicates, ticketLinks, messages] =
    await readTogether(db, [
      () => summaries(ctx, [{ ...row, votes: counts?.votes ?? 0, comments: counts?.comments ?? 0 }]),
      () => votesByOrganisation(db, row.id),
      () => commentsOf(db, row.id),
      () => flagRefs(db, row.flagKey ? [row.flagKey] : []),
      () => feedbackRoundRefs(db, row.feedbackRoundId ? [row.feedbackRoundId] : []),
      () => releaseRefs(db, row.releaseId ? [row.releaseId] : []),
      () =>
        db
          .select({ id: ideas.id, title: ideas.title })
          .from(ideas)
          .where(eq(ideas.mergedIntoId, row.id))
          .orderBy(asc(ideas.createdAt)),
      () =>
        db.select({ ticketId: ideaTickets.ticketId }).from(ideaTickets).where(eq(ideaTickets.ideaId, row.id)),
      () => evidenceMessages(ctx, row.id),
    ]);
  if (!summary) throw notFound("The idea");
  const flag = row.flagKey ? flags.get(row.flagKey) : undefined;
  const round = row.feedbackRoundId ? rounds.get(row.feedbackRoundId) : undefined;
  const release = row.releaseId ? releases.get(row.releaseId) : undefined;
  const tickets = await ticketRefsVisibleTo(
    db,
    actor,
    ticketLinks.map((link) => link.ticketId),
  );
  return {
    ...summary,
    problem: row.problem,
    problemHtml: renderMarkdown(row.problem),
    declineReason: row.declineReason,
    votesByOrganisation: byOrganisation,
    flag: flag ? { key: flag.key, name: flag.name, tryUrl: TRY_URL } : null,
    feedbackRound:
      round && (await mayOpenFeedbackRound(db, round.id, actor.id))
        ? { id: round.id, title: round.title, url: round.url }
        : null,
    release:
      release && (release.status === "published" || actor.isStaff)
        ? {
            id: release.id,
            version: release.version,
            url: `/releases/${encodeURIComponent(release.version)}`,
          }
        : null,
    duplicates,
    tickets: tickets.map((ticket) => ({
      id: ticket.id,
      number: ticket.number,
      subject: ticket.subject,
      url: ticket.url,
    })),
    messages,
    comments,
    statusChangedAt: row.statusChangedAt.toISOString(),
  };
}

/** One idea, as its page opens it: what the person was told about it has been seen. */
export async function getIdea(ctx: ActorCtx, id: string): Promise<Idea> {
  const row = await loadIdea(ctx.db, id);
  await markIdeaSeen(ctx, ctx.actor.id, id);
  return presentIdea(ctx, row);
}

/** Posts an idea; its author votes for it, as they would anyway. */
export async function createIdea(ctx: ActorCtx, input: IdeaInput): Promise<Idea> {
  const row = await inTransaction(ctx, async (tx) => {
    const [created] = await tx.db
      .insert(ideas)
      .values({ title: input.title, problem: input.problem, module: input.module, authorId: ctx.actor.id })
      .returning();
    if (!created) throw new Error("idea row was not written");
    await tx.db
      .insert(ideaVotes)
      .values({ ideaId: created.id, userId: ctx.actor.id, organisationId: ctx.actor.organisationId });
    await announceIdeas(tx, created.id);
    return created;
  });
  return presentIdea(ctx, row);
}

/** A vote, once per person: voting again changes nothing. */
export async function voteForIdea(ctx: ActorCtx, id: string): Promise<Idea> {
  await inTransaction(ctx, async (tx) => {
    assertNotMerged(await loadIdea(tx.db, id));
    const added = await tx.db
      .insert(ideaVotes)
      .values({ ideaId: id, userId: ctx.actor.id, organisationId: ctx.actor.organisationId })
      .onConflictDoNothing()
      .returning({ ideaId: ideaVotes.ideaId });
    if (added.length > 0) await announceIdeas(tx, id);
  });
  return getIdea(ctx, id);
}

export async function withdrawVote(ctx: ActorCtx, id: string): Promise<Idea> {
  await inTransaction(ctx, async (tx) => {
    await loadIdea(tx.db, id);
    const removed = await tx.db
      .delete(ideaVotes)
      .where(and(eq(ideaVotes.ideaId, id), eq(ideaVotes.userId, ctx.actor.id)))
      .returning({ ideaId: ideaVotes.ideaId });
    if (removed.length > 0) await announceIdeas(tx, id);
  });
  return getIdea(ctx, id);
}

/** A comment; a merged duplicate takes none (its discussion goes on where it was merged). */
export async function commentOnIdea(ctx: ActorCtx, id: string, input: CommentInput): Promise<IdeaComment> {
  const row = await inTransaction(ctx, async (tx) => {
    assertNotMerged(await loadIdea(tx.db, id));
    const [comment] = await tx.db
      .insert(ideaComments)
      .values({ ideaId: id, authorId: ctx.actor.id, body: input.body })
      .returning();
    if (!comment) throw new Error("comment row was not written");
    await announceIdeas(tx, id);
    return comment;
  });
  return presentComment(row, new Map([[ctx.actor.id, { id: ctx.actor.id, name: ctx.actor.name }]]));
}
