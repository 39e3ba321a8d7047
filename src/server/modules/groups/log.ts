import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { ActorCtx } from "../../platform/context.js";
import { peopleByIds } from "../accounts/index.js";
import type { GroupPerson } from "./contracts/groups.js";
import type { ModerationLogEntry } from "./contracts/moderation.js";
import { requireModerator } from "./policy.js";
import { groupModerationLog } from "./schema.js";
import { groupByHandleOrThrow, membershipOf } from "./store.js";

export type ModerationEntry = {
  groupId: string;
  action: string;
  targetType: "message" | "topic" | "member" | "group";
  targetId: string;
  reason?: string | null;
};

/** Records a moderation or role action in the caller's transaction, so it is logged only if it happened. */
export async function recordModeration(ctx: ActorCtx, entry: ModerationEntry): Promise<void> {
  await ctx.db
    .insert(groupModerationLog)
    .values({ ...entry, reason: entry.reason ?? null, actorId: ctx.actor.id });
}

/** People as groups show them: name and organisation (groups span organisations). */
export async function groupPeople(db: Db, ids: Iterable<string>): Promise<Map<string, GroupPerson>> {
  const people = await peopleByIds(db, ids);
  return new Map(
    [...people.values()].map((p) => [
      p.id,
      { id: p.id, name: p.name, organisationName: p.organisation.name },
    ]),
  );
}

export const someone = (id: string): GroupPerson => ({
  id,
  name: "A former member",
  organisationName: "",
});

/** The group's moderation log, newest first: owners and moderators only. */
export async function listModerationLog(ctx: ActorCtx, handle: string): Promise<ModerationLogEntry[]> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  requireModerator(group, await membershipOf(ctx.db, group.id, ctx.actor.id));
  const rows = await ctx.db
    .select()
    .from(groupModerationLog)
    .where(eq(groupModerationLog.groupId, group.id))
    .orderBy(desc(groupModerationLog.id))
    .limit(500);
  const people = await groupPeople(
    ctx.db,
    rows.map((row) => row.actorId),
  );
  return rows.map((row) => ({
    id: row.id,
    actor: people.get(row.actorId) ?? someone(row.actorId),
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    reason: row.reason,
    at: row.at.toISOString(),
  }));
}
