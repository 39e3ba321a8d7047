import { and, count, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { activeUsersByEmail } from "../accounts/index.js";
import type { DeliveryMode, GroupRole, MyMembership } from "./contracts/groups.js";
import type { Member } from "./contracts/members.js";
import { groupPeople, recordModeration, someone } from "./log.js";
import {
  type GroupRow,
  isModerator,
  joinOutcome,
  type MemberRow,
  requireModerator,
  requireOwner,
  requireReader,
  requireVisible,
} from "./policy.js";
import { groupMembers } from "./schema.js";
import { groupByHandleOrThrow, membershipOf } from "./store.js";

const mine = (member: MemberRow): MyMembership => ({
  role: member.role,
  status: member.status,
  delivery: member.delivery,
  moderated: member.moderated,
  statusReason: member.statusReason,
});

/** Writes (or rewrites) a person's membership row; the row is kept through leaving and bans. */
async function putMembership(
  ctx: Ctx,
  group: GroupRow,
  userId: string,
  values: Partial<Omit<MemberRow, "groupId" | "userId">> & Pick<MemberRow, "status">,
): Promise<MemberRow> {
  const [row] = await ctx.db
    .insert(groupMembers)
    .values({ groupId: group.id, userId, ...values })
    .onConflictDoUpdate({
      target: [groupMembers.groupId, groupMembers.userId],
      set: { ...values, updatedAt: new Date() },
    })
    .returning();
  if (!row) throw new Error("membership row was not written");
  return row;
}

/** Under new-members-moderated, a newcomer's posts wait until a moderator approves one of them. */
const startsModerated = (group: GroupRow) => group.postingPolicy === "new_members_moderated";

/** Join under the group's policy: open -> active; approval -> pending; invitation -> only if invited. */
export async function joinGroup(ctx: ActorCtx, handle: string): Promise<MyMembership> {
  return inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    const current = await membershipOf(tx.db, group.id, ctx.actor.id);
    const status = joinOutcome(group, current);
    const row = await putMembership(tx, group, ctx.actor.id, {
      status,
      role: "member",
      moderated: startsModerated(group),
      statusReason: null,
      joinedAt: status === "active" ? new Date() : null,
    });
    return mine(row);
  });
}

async function ownerCount(db: Db, groupId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.groupId, groupId),
        eq(groupMembers.role, "owner"),
        eq(groupMembers.status, "active"),
      ),
    );
  return row?.n ?? 0;
}

/** Refuses a change that would leave the group without an active owner. */
async function keepAnOwner(db: Db, group: GroupRow, member: MemberRow): Promise<void> {
  if (member.role === "owner" && member.status === "active" && (await ownerCount(db, group.id)) <= 1)
    throw new AppError("conflict", "A group always keeps at least one owner: appoint another owner first.");
}

export async function leaveGroup(ctx: ActorCtx, handle: string): Promise<MyMembership> {
  return inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    const current = await membershipOf(tx.db, group.id, ctx.actor.id);
    requireVisible(group, current);
    if (!current || !["active", "pending", "invited"].includes(current.status))
      throw new AppError("conflict", "You are not a member of this group.");
    await keepAnOwner(tx.db, group, current);
    return mine(await putMembership(tx, group, ctx.actor.id, { status: "left", role: "member" }));
  });
}

export async function setDelivery(
  ctx: ActorCtx,
  handle: string,
  delivery: DeliveryMode,
): Promise<MyMembership> {
  return inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    const current = await membershipOf(tx.db, group.id, ctx.actor.id);
    requireReader(group, current);
    const [row] = await tx.db
      .update(groupMembers)
      .set({ delivery, updatedAt: new Date() })
      .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, ctx.actor.id)))
      .returning();
    if (!row) throw notFound("Your membership");
    return mine(row);
  });
}

/**
 * The members list: active members see who is active; owners and moderators also see pending,
 * invited and banned people (the ones they act on).
 */
export async function listMembers(ctx: ActorCtx, handle: string): Promise<Member[]> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  const viewer = await membershipOf(ctx.db, group.id, ctx.actor.id);
  requireReader(group, viewer);
  const statuses = isModerator(viewer)
    ? (["active", "pending", "invited", "banned"] as const)
    : (["active"] as const);
  const rows = await ctx.db
    .select()
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), inArray(groupMembers.status, [...statuses])));
  const people = await groupPeople(
    ctx.db,
    rows.map((row) => row.userId),
  );
  const rank = { owner: 0, moderator: 1, member: 2 };
  return rows
    .map((row) => ({
      user: people.get(row.userId) ?? someone(row.userId),
      role: row.role,
      status: row.status,
      delivery: row.delivery,
      moderated: row.moderated,
      statusReason: row.statusReason,
      joinedAt: row.joinedAt?.toISOString() ?? null,
    }))
    .sort((a, b) => rank[a.role] - rank[b.role] || a.user.name.localeCompare(b.user.name));
}

async function targetMember(db: Db, group: GroupRow, userId: string): Promise<MemberRow> {
  const target = await membershipOf(db, group.id, userId);
  if (!target) throw notFound("The member");
  return target;
}

/** Owners and moderators invite a person by address; the invitee joins with POST .../join. */
export async function inviteMember(ctx: ActorCtx, handle: string, email: string): Promise<Member> {
  const userId = await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const id = (await activeUsersByEmail(tx.db, [email])).get(email);
    if (!id) throw invalid({ email: "No active member of the community has this address." });
    const current = await membershipOf(tx.db, group.id, id);
    if (current?.status === "active") throw new AppError("conflict", "This person is already a member.");
    if (current?.status === "banned")
      throw new AppError("conflict", "This person is banned from the group; an owner unbans them first.");
    await putMembership(tx, group, id, {
      status: "invited",
      role: "member",
      invitedBy: ctx.actor.id,
      moderated: startsModerated(group),
      statusReason: null,
    });
    await recordModeration(tx, {
      groupId: group.id,
      action: "member_invited",
      targetType: "member",
      targetId: id,
    });
    return id;
  });
  return memberView(ctx, handle, userId);
}

async function memberView(ctx: Ctx, handle: string, userId: string): Promise<Member> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  const row = await targetMember(ctx.db, group, userId);
  const people = await groupPeople(ctx.db, [userId]);
  return {
    user: people.get(userId) ?? someone(userId),
    role: row.role,
    status: row.status,
    delivery: row.delivery,
    moderated: row.moderated,
    statusReason: row.statusReason,
    joinedAt: row.joinedAt?.toISOString() ?? null,
  };
}

/** A moderator lets in someone who asked to join a group with the approval policy. */
export async function approveMember(ctx: ActorCtx, handle: string, userId: string): Promise<Member> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const target = await targetMember(tx.db, group, userId);
    if (target.status !== "pending") throw new AppError("conflict", "This person has not asked to join.");
    await putMembership(tx, group, userId, { status: "active", joinedAt: new Date() });
    await recordModeration(tx, {
      groupId: group.id,
      action: "member_approved",
      targetType: "member",
      targetId: userId,
    });
  });
  return memberView(ctx, handle, userId);
}

/** Owners appoint moderators and owners (and step them down), never leaving the group without an owner. */
export async function setRole(
  ctx: ActorCtx,
  handle: string,
  userId: string,
  role: GroupRole,
): Promise<Member> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireOwner(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const target = await targetMember(tx.db, group, userId);
    if (target.status !== "active") throw new AppError("conflict", "Only active members get a role.");
    if (target.role === role) return;
    if (role !== "owner") await keepAnOwner(tx.db, group, target);
    // A moderator's posts never wait, so the new-member flag no longer applies once appointed.
    await putMembership(tx, group, userId, {
      status: "active",
      role,
      moderated: role === "member" ? target.moderated : false,
    });
    await recordModeration(tx, {
      groupId: group.id,
      action: `role_${role}`,
      targetType: "member",
      targetId: userId,
      reason: `${target.role} -> ${role}`,
    });
  });
  return memberView(ctx, handle, userId);
}

/** Owners remove (the person may join again) or ban (they may not, and are told the reason). */
export async function removeMember(
  ctx: ActorCtx,
  handle: string,
  userId: string,
  outcome: { status: "removed" | "banned"; reason: string | null },
): Promise<Member> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireOwner(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    if (userId === ctx.actor.id)
      throw new AppError("conflict", "Leave the group instead of removing yourself.");
    const target = await membershipOf(tx.db, group.id, userId);
    if (
      outcome.status === "removed" &&
      (!target || !["active", "pending", "invited"].includes(target.status))
    )
      throw new AppError("conflict", "This person is not a member.");
    if (target) await keepAnOwner(tx.db, group, target);
    await putMembership(tx, group, userId, {
      status: outcome.status,
      role: "member",
      statusReason: outcome.reason,
    });
    await recordModeration(tx, {
      groupId: group.id,
      action: outcome.status === "banned" ? "member_banned" : "member_removed",
      targetType: "member",
      targetId: userId,
      reason: outcome.reason,
    });
  });
  return memberView(ctx, handle, userId);
}

/** Lifting a ban leaves the person outside the group, free to join again under its policy. */
export async function unbanMember(ctx: ActorCtx, handle: string, userId: string): Promise<Member> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireOwner(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const [row] = await tx.db
      .update(groupMembers)
      .set({ status: "removed", statusReason: null, updatedAt: new Date() })
      .where(
        and(
          eq(groupMembers.groupId, group.id),
          eq(groupMembers.userId, userId),
          eq(groupMembers.status, "banned"),
        ),
      )
      .returning();
    if (!row) throw new AppError("conflict", "This person is not banned.");
    await recordModeration(tx, {
      groupId: group.id,
      action: "member_unbanned",
      targetType: "member",
      targetId: userId,
    });
  });
  return memberView(ctx, handle, userId);
}

/** Every active member of a group except one person, for real-time events and mail fan-out. */
export async function activeMemberIds(db: Db, groupId: string, except?: string): Promise<string[]> {
  const rows = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.groupId, groupId),
        eq(groupMembers.status, "active"),
        except ? ne(groupMembers.userId, except) : undefined,
      ),
    );
  return rows.map((row) => row.userId);
}
