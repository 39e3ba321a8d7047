import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { readTogether } from "../../db/together.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { invalid } from "../../platform/errors.js";
import { notify } from "../../platform/notifications/service.js";
import { ticketRefByNumber, ticketRequesterIds } from "../desk/index.js";
import { allFeedbackRoundRefs, feedbackRoundRefs } from "../projects/index.js";
import { allReleaseRefs, releaseRefs } from "../releases/index.js";
import { allFlagRefs, flagRefs } from "../sandbox/index.js";
import { type Idea, ideaStatusLabels, type LinkOptions, type StatusInput } from "./contracts/ideas.js";
import { announceIdeas, getIdea, loadIdea } from "./ideas.js";
import { ideaItem, ideaUrl } from "./notifications.js";
import { assertNotMerged, requireIdeaDecider } from "./policy.js";
import type { IdeaRow } from "./present.js";
import { ideaComments, ideaMessages, ideas, ideaTickets, ideaVotes } from "./schema.js";

/** What a status links, once checked: each linked thing exists, and only the status that takes it is linked. */
type StatusLinks = Pick<IdeaRow, "declineReason" | "flagKey" | "feedbackRoundId" | "releaseId">;

async function checkedLinks(db: Db, row: IdeaRow, input: StatusInput): Promise<StatusLinks> {
  const fields: Record<string, string> = {};
  const { status } = input;
  if (status === "declined" && !input.declineReason)
    fields.declineReason = "Say why the idea is declined; the reason is shown on the idea.";
  if (status !== "declined" && input.declineReason)
    fields.declineReason = "Only a declined idea has a reason.";
  if (status === "in_preview" && !input.flagKey)
    fields.flagKey = "Choose the feature flag people can try the preview with.";
  if (status !== "in_preview" && input.flagKey)
    fields.flagKey = "Only an idea in preview links a feature flag.";
  if (status !== "in_preview" && input.feedbackRoundId)
    fields.feedbackRoundId = "Only an idea in preview links a feedback round.";
  if (status === "released" && !input.releaseId) fields.releaseId = "Choose the release that ships it.";
  if (status !== "released" && input.releaseId) fields.releaseId = "Only a released idea links a release.";

  const [flags, rounds, releases] = await readTogether(db, [
    () => flagRefs(db, input.flagKey ? [input.flagKey] : []),
    () => feedbackRoundRefs(db, input.feedbackRoundId ? [input.feedbackRoundId] : []),
    () => releaseRefs(db, input.releaseId ? [input.releaseId] : []),
  ]);
  if (input.flagKey && !fields.flagKey && !flags.has(input.flagKey))
    fields.flagKey = `There is no feature flag ${input.flagKey}.`;
  if (input.feedbackRoundId && !fields.feedbackRoundId && !rounds.has(input.feedbackRoundId))
    fields.feedbackRoundId = "There is no feedback round with this id.";
  if (input.releaseId && !fields.releaseId && !releases.has(input.releaseId))
    fields.releaseId = "There is no release with this id.";
  if (Object.keys(fields).length > 0) throw invalid(fields);

  return {
    declineReason: status === "declined" ? (input.declineReason ?? null) : null,
    // A released idea keeps the preview it went through, so its page still says where it was tried.
    flagKey: status === "in_preview" ? (input.flagKey ?? null) : status === "released" ? row.flagKey : null,
    feedbackRoundId:
      status === "in_preview"
        ? (input.feedbackRoundId ?? null)
        : status === "released"
          ? row.feedbackRoundId
          : null,
    releaseId: status === "released" ? (input.releaseId ?? null) : null,
  };
}

/**
 * Everyone who asked for the idea: its author, its voters, whoever commented, the requesters of
 * linked tickets and the staff who linked them, and whoever linked a chat message to it.
 */
async function peopleWhoAsked(db: Db, ideaId: string): Promise<string[]> {
  const [idea, voters, commenters, links, messageLinks] = await readTogether(db, [
    () => db.select({ authorId: ideas.authorId }).from(ideas).where(eq(ideas.id, ideaId)),
    () => db.select({ userId: ideaVotes.userId }).from(ideaVotes).where(eq(ideaVotes.ideaId, ideaId)),
    () =>
      db
        .selectDistinct({ userId: ideaComments.authorId })
        .from(ideaComments)
        .where(eq(ideaComments.ideaId, ideaId)),
    () =>
      db
        .select({ ticketId: ideaTickets.ticketId, linkedBy: ideaTickets.linkedBy })
        .from(ideaTickets)
        .where(eq(ideaTickets.ideaId, ideaId)),
    () =>
      db
        .select({ linkedBy: ideaMessages.linkedBy })
        .from(ideaMessages)
        .where(eq(ideaMessages.ideaId, ideaId)),
  ]);
  const requesters = await ticketRequesterIds(
    db,
    links.map((link) => link.ticketId),
  );
  return [
    ...idea.map((row) => row.authorId),
    ...voters.map((row) => row.userId),
    ...commenters.map((row) => row.userId),
    ...links.map((link) => link.linkedBy),
    ...messageLinks.map((link) => link.linkedBy),
    ...requesters,
  ];
}

/**
 * Sets the status and its links. A change of status tells everyone who asked for the idea (the inbox,
 * and e-mail by their preferences); changing only the links of the same status tells no one.
 */
export async function setIdeaStatus(ctx: ActorCtx, id: string, input: StatusInput): Promise<Idea> {
  requireIdeaDecider(ctx.actor);
  await inTransaction(ctx, (tx) => changeStatus(tx, id, input));
  return getIdea(ctx, id);
}

/**
 * The ideas a release closes are released with it, in the publisher's transaction, by the same change
 * of status the product team makes by hand, so each tells its people once. A duplicate merged since it
 * was chosen lives on in its target, which is not said to ship unless the release names it too.
 */
export async function releaseIdeas(
  ctx: ActorCtx,
  input: { ideaIds: string[]; releaseId: string },
): Promise<void> {
  requireIdeaDecider(ctx.actor);
  for (const id of input.ideaIds) {
    const row = await loadIdea(ctx.db, id);
    if (row.mergedIntoId) continue;
    await changeStatus(ctx, id, { status: "released", releaseId: input.releaseId });
  }
}

async function changeStatus(tx: ActorCtx, id: string, input: StatusInput): Promise<void> {
  const row = await loadIdea(tx.db, id, true);
  assertNotMerged(row);
  const links = await checkedLinks(tx.db, row, input);
  const statusChanged = row.status !== input.status;
  await tx.db
    .update(ideas)
    .set({ ...links, status: input.status, ...(statusChanged ? { statusChangedAt: new Date() } : {}) })
    .where(eq(ideas.id, id));
  if (statusChanged) {
    const label = ideaStatusLabels[input.status];
    await notify(tx, {
      kind: "ideas.status",
      recipients: await peopleWhoAsked(tx.db, id),
      item: { type: ideaItem.type, id, title: row.title, url: ideaUrl(id) },
      excerpt: links.declineReason ? `${label}: ${links.declineReason}` : `Now ${label.toLowerCase()}.`,
      actor: { id: tx.actor.id, name: tx.actor.name },
    });
  }
  await recordAudit(tx, {
    action: "idea.status_set",
    targetType: "idea",
    targetId: id,
    details: { from: row.status, to: input.status, ...links },
  });
  await announceIdeas(tx, id);
}

/**
 * Merges a duplicate into another idea: its votes move there (a person who voted for both counts
 * once), its linked tickets and chat messages too, and ideas merged into it earlier now point at the target; its page
 * and comments stay, marked merged.
 */
export async function mergeIdea(ctx: ActorCtx, duplicateId: string, targetId: string): Promise<Idea> {
  requireIdeaDecider(ctx.actor);
  if (duplicateId === targetId) throw invalid({ targetId: "An idea cannot be merged into itself." });
  await inTransaction(ctx, async (tx) => {
    const duplicate = await loadIdea(tx.db, duplicateId, true);
    assertNotMerged(duplicate);
    const [target] = await tx.db.select().from(ideas).where(eq(ideas.id, targetId)).for("update");
    if (!target) throw invalid({ targetId: "There is no idea with this id." });
    if (target.mergedIntoId)
      throw invalid({ targetId: "That idea was itself merged; merge into the one it went to." });

    await tx.db.execute(sql`
      insert into ${ideaVotes} (idea_id, user_id, organisation_id, created_at)
      select ${targetId}, user_id, organisation_id, created_at from ${ideaVotes} where idea_id = ${duplicateId}
      on conflict do nothing`);
    await tx.db.delete(ideaVotes).where(eq(ideaVotes.ideaId, duplicateId));
    await tx.db.execute(sql`
      insert into ${ideaTickets} (idea_id, ticket_id, linked_by, created_at)
      select ${targetId}, ticket_id, linked_by, created_at from ${ideaTickets} where idea_id = ${duplicateId}
      on conflict do nothing`);
    await tx.db.delete(ideaTickets).where(eq(ideaTickets.ideaId, duplicateId));
    await tx.db.execute(sql`
      insert into ${ideaMessages} (idea_id, message_id, linked_by, created_at)
      select ${targetId}, message_id, linked_by, created_at from ${ideaMessages} where idea_id = ${duplicateId}
      on conflict do nothing`);
    await tx.db.delete(ideaMessages).where(eq(ideaMessages.ideaId, duplicateId));
    const earlier = await tx.db
      .update(ideas)
      .set({ mergedIntoId: targetId })
      .where(eq(ideas.mergedIntoId, duplicateId))
      .returning({ id: ideas.id });
    await tx.db.update(ideas).set({ mergedIntoId: targetId }).where(eq(ideas.id, duplicateId));
    await recordAudit(tx, {
      action: "idea.merged",
      targetType: "idea",
      targetId: duplicateId,
      details: { into: targetId },
    });
    await announceIdeas(tx, duplicateId, targetId, ...earlier.map((row) => row.id));
  });
  return getIdea(ctx, targetId);
}

/** Links a ticket by its number; linking it again changes nothing. */
export async function linkTicket(ctx: ActorCtx, id: string, ticketNumber: number): Promise<Idea> {
  requireIdeaDecider(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    assertNotMerged(await loadIdea(tx.db, id, true));
    const ticket = await ticketRefByNumber(tx.db, ticketNumber);
    if (!ticket) throw invalid({ ticketNumber: `There is no ticket #${ticketNumber}.` });
    const added = await tx.db
      .insert(ideaTickets)
      .values({ ideaId: id, ticketId: ticket.id, linkedBy: ctx.actor.id })
      .onConflictDoNothing()
      .returning({ ticketId: ideaTickets.ticketId });
    if (added.length === 0) return;
    await recordAudit(tx, {
      action: "idea.ticket_linked",
      targetType: "idea",
      targetId: id,
      details: { ticketId: ticket.id, number: ticket.number },
    });
    await announceIdeas(tx, id);
  });
  return getIdea(ctx, id);
}

export async function unlinkTicket(ctx: ActorCtx, id: string, ticketId: string): Promise<Idea> {
  requireIdeaDecider(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    await loadIdea(tx.db, id, true);
    const removed = await tx.db
      .delete(ideaTickets)
      .where(and(eq(ideaTickets.ideaId, id), eq(ideaTickets.ticketId, ticketId)))
      .returning({ ticketId: ideaTickets.ticketId });
    if (removed.length === 0) return;
    await recordAudit(tx, {
      action: "idea.ticket_unlinked",
      targetType: "idea",
      targetId: id,
      details: { ticketId },
    });
    await announceIdeas(tx, id);
  });
  return getIdea(ctx, id);
}

/** What a status may link, for the product team's form. */
export async function linkOptions(ctx: ActorCtx): Promise<LinkOptions> {
  requireIdeaDecider(ctx.actor);
  const [flags, rounds, releases] = await readTogether(ctx.db, [
    () => allFlagRefs(ctx.db),
    () => allFeedbackRoundRefs(ctx.db),
    () => allReleaseRefs(ctx.db),
  ]);
  return {
    flags: flags.map((flag) => ({ key: flag.key, name: flag.name })),
    feedbackRounds: rounds.map((round) => ({ id: round.id, title: round.title, project: round.project })),
    releases: releases.map((release) => ({ id: release.id, version: release.version })),
  };
}
