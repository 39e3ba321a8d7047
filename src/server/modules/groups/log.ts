import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { ActorCtx, Ctx } from "../../platform/context.js";
import { publishEvent } from "../../platform/events/publish.js";
import { peopleByIds } from "../accounts/index.js";
import type { GroupPerson } from "./contracts/groups.js";
import { groupModerationChanged, type ModerationLogEntry } from "./contracts/moderation.js";
import { requireModerator } from "./policy.js";
import { groupMessages, groupModerationLog, groupTopics } from "./schema.js";
import { activeModeratorIds, groupByHandleOrThrow, membershipOf } from "./store.js";

export type ModerationEntry = {
  groupId: string;
  action: string;
  targetType: "message" | "topic" | "member" | "group";
  targetId: string;
  reason?: string | null;
};

/**
 * Records a moderation or role action in the caller's transaction, so it is logged only if it happened;
 * the moderators' open queue and log pages hear of it.
 */
export async function recordModeration(ctx: ActorCtx, entry: ModerationEntry): Promise<void> {
  await ctx.db
    .insert(groupModerationLog)
    .values({ ...entry, reason: entry.reason ?? null, actorId: ctx.actor.id });
  await announceModerationChange(ctx, entry.groupId);
}

/** Tells the open pages of the group's moderators, who alone see them, that its queue or log changed. */
export async function announceModerationChange(ctx: Ctx, groupId: string): Promise<void> {
  const moderators = await activeModeratorIds(ctx.db, groupId);
  await publishEvent(ctx, groupModerationChanged, { userIds: moderators }, { groupId });
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
  const idsOf = (type: string) => rows.filter((row) => row.targetType === type).map((row) => row.targetId);
  const people = await groupPeople(ctx.db, [...rows.map((row) => row.actorId), ...idsOf("member")]);
  const targets = new Map<string, string>([[group.id, group.name]]);
  for (const [id, person] of people) targets.set(id, person.name);
  const topicIds = idsOf("topic");
  if (topicIds.length > 0)
    for (const topic of await ctx.db
      .select({ id: groupTopics.id, subject: groupTopics.subject })
      .from(groupTopics)
      .where(inArray(groupTopics.id, topicIds)))
      targets.set(topic.id, topic.subject);
  const messageIds = idsOf("message");
  if (messageIds.length > 0)
    for (const message of await ctx.db
      .select({ id: groupMessages.id, subject: groupTopics.subject })
      .from(groupMessages)
      .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
      .where(inArray(groupMessages.id, messageIds)))
      targets.set(message.id, `a message in "${message.subject}"`);
  return rows.map((row) => ({
    id: row.id,
    actor: people.get(row.actorId) ?? someone(row.actorId),
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    target: targets.get(row.targetId) ?? null,
    reason: row.reason,
    at: row.at.toISOString(),
  }));
}
