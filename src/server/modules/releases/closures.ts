import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { readTogether } from "../../db/together.js";
import { recordAudit } from "../../platform/audit/service.js";
import type { Actor, ActorCtx } from "../../platform/context.js";
import { invalid } from "../../platform/errors.js";
import { noteTicketsFixedInRelease, ticketRefByNumber, ticketRefsVisibleTo } from "../desk/index.js";
import { ideaRefs, releaseIdeas } from "../ideas/index.js";
import type { Release, ReleaseClosesInput } from "./contracts/releases.js";
import { releaseClosures } from "./schema.js";

type Closes = Release["closes"];
const nothing = (): Closes => ({ ideas: [], tickets: [] });

async function closureIds(db: Db, releaseId: string) {
  const rows = await db
    .select({ kind: releaseClosures.kind, targetId: releaseClosures.targetId })
    .from(releaseClosures)
    .where(eq(releaseClosures.releaseId, releaseId));
  return {
    ideaIds: rows.flatMap((row) => (row.kind === "idea" ? [row.targetId] : [])),
    ticketIds: rows.flatMap((row) => (row.kind === "ticket" ? [row.targetId] : [])),
  };
}

/**
 * What these releases close, as this reader may see it: ideas to anyone signed in (ideas are the
 * community's), tickets by the desk's own rule, so a customer never learns of another organisation's
 * ticket, not even its subject; an anonymous reader of the public notes sees neither.
 */
export async function closesFor(
  db: Db,
  actor: Actor | null,
  releaseIds: string[],
): Promise<Map<string, Closes>> {
  const byRelease = new Map<string, Closes>(releaseIds.map((id) => [id, nothing()]));
  if (!actor || releaseIds.length === 0) return byRelease;
  const rows = await db
    .select({
      releaseId: releaseClosures.releaseId,
      kind: releaseClosures.kind,
      targetId: releaseClosures.targetId,
    })
    .from(releaseClosures)
    .where(inArray(releaseClosures.releaseId, releaseIds));
  const ideaIds = rows.flatMap((row) => (row.kind === "idea" ? [row.targetId] : []));
  const ticketIds = rows.flatMap((row) => (row.kind === "ticket" ? [row.targetId] : []));
  const [ideas, tickets] = await readTogether(db, [
    () => ideaRefs(db, ideaIds),
    () => ticketRefsVisibleTo(db, actor, ticketIds),
  ]);
  const visibleTickets = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  for (const row of rows) {
    const closes = byRelease.get(row.releaseId);
    if (!closes) continue;
    const idea = row.kind === "idea" ? ideas.get(row.targetId) : undefined;
    if (idea) closes.ideas.push({ id: idea.id, title: idea.title, url: idea.url });
    const ticket = row.kind === "ticket" ? visibleTickets.get(row.targetId) : undefined;
    if (ticket)
      closes.tickets.push({ id: ticket.id, number: ticket.number, subject: ticket.subject, url: ticket.url });
  }
  for (const closes of byRelease.values()) {
    closes.ideas.sort((a, b) => a.title.localeCompare(b.title));
    closes.tickets.sort((a, b) => a.number - b.number);
  }
  return byRelease;
}

/**
 * Replaces what a draft closes (the caller holds the draft's lock). Every idea and ticket must exist,
 * and a merged duplicate is refused: its votes live on the idea it went to, so that is the one to close.
 */
export async function writeCloses(tx: ActorCtx, releaseId: string, input: ReleaseClosesInput): Promise<void> {
  const ideaIds = [...new Set(input.ideaIds)];
  const ideas = await ideaRefs(tx.db, ideaIds);
  const fields: Record<string, string> = {};
  const missingIdea = ideaIds.find((id) => !ideas.has(id));
  if (missingIdea) fields.ideaIds = "There is no idea with this id.";
  const merged = ideaIds.map((id) => ideas.get(id)).find((idea) => idea?.merged);
  if (merged) fields.ideaIds = `"${merged.title}" was merged into another idea; close that one.`;
  const ticketIds: string[] = [];
  for (const number of new Set(input.ticketNumbers)) {
    const ticket = await ticketRefByNumber(tx.db, number);
    if (!ticket) fields.ticketNumbers = `There is no ticket #${number}.`;
    else ticketIds.push(ticket.id);
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);

  await tx.db.delete(releaseClosures).where(eq(releaseClosures.releaseId, releaseId));
  const values = [
    ...ideaIds.map((targetId) => ({ releaseId, kind: "idea" as const, targetId, linkedBy: tx.actor.id })),
    ...ticketIds.map((targetId) => ({ releaseId, kind: "ticket" as const, targetId, linkedBy: tx.actor.id })),
  ];
  if (values.length > 0) await tx.db.insert(releaseClosures).values(values);
  await recordAudit(tx, {
    action: "release.closes_set",
    targetType: "release",
    targetId: releaseId,
    details: { ideaIds, ticketIds },
  });
}

/**
 * Publishing closes what the release names, in the publisher's transaction: each idea is released
 * with it by the ideas module's own change of status (which tells its people), and each ticket gets
 * the desk's note and notification that it is fixed.
 */
export async function closeOnPublish(
  tx: ActorCtx,
  release: { id: string; headline: string; url: string },
): Promise<{ ideas: number; tickets: number }> {
  const { ideaIds, ticketIds } = await closureIds(tx.db, release.id);
  await releaseIdeas(tx, { ideaIds, releaseId: release.id });
  await noteTicketsFixedInRelease(tx, {
    ticketIds,
    release: { headline: release.headline, url: release.url },
  });
  return { ideas: ideaIds.length, tickets: ticketIds.length };
}
