import { and, count, eq, ilike, inArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, invalid } from "../../platform/errors.js";
import { markdownExcerpt, renderMarkdown } from "../../platform/markdown.js";
import { containing } from "../../platform/search/text-query.js";
import type { DirectoryQuery, Group, GroupChanges, GroupInput, GroupSummary } from "./contracts/groups.js";
import { recordModeration } from "./log.js";
import {
  type GroupRow,
  isModerator,
  isOwner,
  type MemberRow,
  requireOwner,
  requireVisible,
  seenGroups,
} from "./policy.js";
import { groupMembers, groups } from "./schema.js";
import { groupByHandleOrThrow, membershipOf } from "./store.js";

/**
 * Handles that would make a group's address look like the system's own mailbox, or collide with a
 * route under /api/groups.
 */
export const reservedHandles = new Set([
  "postmaster",
  "abuse",
  "admin",
  "administrator",
  "hostmaster",
  "webmaster",
  "noreply",
  "no-reply",
  "support",
  "help",
  "bounce",
  "bounces",
  "mailer-daemon",
  "root",
  "security",
  "staff",
  "convene",
  "search",
  "unsubscribe",
]);

/** Any signed-in member creates a group and becomes its first owner. */
export async function createGroup(ctx: ActorCtx, input: GroupInput): Promise<Group> {
  const handle = input.handle.toLowerCase();
  if (reservedHandles.has(handle))
    throw invalid({ handle: `"${handle}" is reserved for the system; choose another handle.` });
  const group = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(groups)
      .values({ ...input, handle, createdBy: ctx.actor.id })
      .onConflictDoNothing({ target: groups.handle })
      .returning();
    if (!row)
      throw new AppError("conflict", `The handle "${handle}" is taken.`, {
        handle: "Another group uses this handle; choose another.",
      });
    await tx.db.insert(groupMembers).values({
      groupId: row.id,
      userId: ctx.actor.id,
      role: "owner",
      status: "active",
      joinedAt: new Date(),
    });
    return row;
  });
  return getGroupView(ctx, group.handle);
}

/** The settings as the settings form names them. */
const settingLabels: Record<keyof GroupChanges, string> = {
  name: "name",
  description: "description",
  guidelines: "guidelines",
  visibility: "visibility",
  joinPolicy: "who may join",
  postingPolicy: "posting",
  replyTo: "replies to group e-mail",
};

/** Owners change the settings; a real change is logged like any moderation action. */
export async function updateGroupSettings(
  ctx: ActorCtx,
  handle: string,
  changes: GroupChanges,
): Promise<Group> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireOwner(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const changed = (Object.keys(changes) as (keyof GroupChanges)[]).filter(
      (key) => changes[key] !== undefined && changes[key] !== group[key],
    );
    if (changed.length === 0) return;
    await tx.db
      .update(groups)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(groups.id, group.id));
    // The log names what changed as the settings form labels it, the unchanged fields left out.
    await recordModeration(tx, {
      groupId: group.id,
      action: "settings_changed",
      targetType: "group",
      targetId: group.id,
      reason: changed.map((key) => settingLabels[key]).join(", "),
    });
  });
  return getGroupView(ctx, handle);
}

/** The group's e-mail address. */
export const groupAddress = (group: Pick<GroupRow, "handle">, mailDomain: string) =>
  `${group.handle}@${mailDomain}`;

async function memberCounts(db: Db, groupIds: string[]): Promise<Map<string, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db
    .select({ groupId: groupMembers.groupId, n: count() })
    .from(groupMembers)
    .where(and(inArray(groupMembers.groupId, groupIds), eq(groupMembers.status, "active")))
    .groupBy(groupMembers.groupId);
  return new Map(rows.map((row) => [row.groupId, row.n]));
}

function summary(ctx: Ctx, group: GroupRow, member: MemberRow | null, memberCount: number): GroupSummary {
  return {
    id: group.id,
    handle: group.handle,
    name: group.name,
    description: group.description,
    descriptionExcerpt: markdownExcerpt(group.description),
    address: groupAddress(group, ctx.config.mailDomain),
    visibility: group.visibility,
    joinPolicy: group.joinPolicy,
    postingPolicy: group.postingPolicy,
    replyTo: group.replyTo,
    memberCount,
    myMembership: member
      ? {
          role: member.role,
          status: member.status,
          delivery: member.delivery,
          moderated: member.moderated,
          statusReason: member.statusReason,
        }
      : null,
  };
}

/**
 * The directory: every listed group and every group the person has a standing membership in, by
 * name; `q` matches name, handle or description.
 */
export async function listGroups(ctx: ActorCtx, query: DirectoryQuery): Promise<GroupSummary[]> {
  const text = query.q?.trim();
  const mine = await ctx.db.select().from(groupMembers).where(eq(groupMembers.userId, ctx.actor.id));
  const matches: SQL | undefined = text
    ? or(
        ilike(groups.name, containing(text)),
        ilike(groups.handle, containing(text)),
        ilike(groups.description, containing(text)),
      )
    : undefined;
  const rows = await ctx.db
    .select()
    .from(groups)
    .where(and(seenGroups(ctx.actor.id), matches))
    .orderBy(groups.name)
    .limit(500);
  const membership = new Map(mine.map((m) => [m.groupId, m]));
  const counts = await memberCounts(
    ctx.db,
    rows.map((group) => group.id),
  );
  return rows.map((group) =>
    summary(ctx, group, membership.get(group.id) ?? null, counts.get(group.id) ?? 0),
  );
}

export async function getGroupView(ctx: ActorCtx, handle: string): Promise<Group> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  const member = await membershipOf(ctx.db, group.id, ctx.actor.id);
  requireVisible(group, member);
  const counts = await memberCounts(ctx.db, [group.id]);
  return {
    ...summary(ctx, group, member, counts.get(group.id) ?? 0),
    descriptionHtml: renderMarkdown(group.description),
    guidelines: group.guidelines,
    guidelinesHtml: renderMarkdown(group.guidelines),
    createdAt: group.createdAt.toISOString(),
    canRead: member?.status === "active",
    canModerate: isModerator(member),
    canManage: isOwner(member),
  };
}
