import { type Column, eq, or, type SQL, sql } from "drizzle-orm";
import { outer } from "../../db/correlated.js";
import { AppError, forbidden, notFound } from "../../platform/errors.js";
import type { MessageStatus } from "./contracts/messages.js";
import { groupMembers, groups, type groupTopics } from "./schema.js";

export type GroupRow = typeof groups.$inferSelect;
export type MemberRow = typeof groupMembers.$inferSelect;
export type TopicRow = typeof groupTopics.$inferSelect;

/**
 * The one place that decides who may do what in a group, for the web routes and for mail alike.
 * Staff have no special power here: a person's rights come from their membership row only.
 */

const active = (member: MemberRow | null): member is MemberRow => member?.status === "active";

export const isModerator = (member: MemberRow | null): boolean =>
  active(member) && (member.role === "owner" || member.role === "moderator");

export const isOwner = (member: MemberRow | null): boolean => active(member) && member.role === "owner";

/**
 * Whether the group exists for this person. A listed group is in everyone's directory; an unlisted one
 * only for people with a standing membership (including a ban, so the banned hear why they are refused).
 */
export function canSeeGroup(group: GroupRow, member: MemberRow | null): boolean {
  if (group.visibility === "listed") return true;
  return member !== null && member.status !== "left" && member.status !== "removed";
}

/** canSeeGroup as a condition on `groups`, for the directory and searches across groups. */
export const seenGroups = (userId: string): SQL =>
  or(
    eq(groups.visibility, "listed"),
    sql`exists (select 1 from ${groupMembers} where ${groupMembers.groupId} = ${outer(groups.id)} and ${groupMembers.userId} = ${userId} and ${groupMembers.status} not in ('left', 'removed'))`,
  ) as SQL;

export function requireVisible(group: GroupRow, member: MemberRow | null): void {
  if (!canSeeGroup(group, member)) throw notFound("The group");
}

const bannedError = (member: MemberRow) =>
  forbidden(`You are banned from this group${member.statusReason ? `: ${member.statusReason}` : "."}`);

/** Topics and messages are read by active members only. */
export function requireReader(group: GroupRow, member: MemberRow | null): asserts member is MemberRow {
  requireVisible(group, member);
  if (member?.status === "banned") throw bannedError(member);
  if (!active(member)) throw forbidden("Join the group to read its topics.");
}

/** requireReader as a condition on a group id, for searches across groups: an active membership. */
export const readsGroup = (groupId: Column, userId: string): SQL =>
  sql`exists (select 1 from ${groupMembers} where ${groupMembers.groupId} = ${outer(groupId)} and ${groupMembers.userId} = ${userId} and ${groupMembers.status} = 'active')`;

/** isModerator as a condition on a group id: an active owner's or moderator's membership. */
export const moderatesGroup = (groupId: Column, userId: string): SQL =>
  sql`exists (select 1 from ${groupMembers} where ${groupMembers.groupId} = ${outer(groupId)} and ${groupMembers.userId} = ${userId} and ${groupMembers.status} = 'active' and ${groupMembers.role} in ('owner', 'moderator'))`;

/**
 * Whether a post by this member is published at once or waits for a moderator, or why it is refused
 * (403 with the reason): banned, not a member, a locked topic (moderators may still answer in it),
 * an announce-only group (only moderators post). Moderators' own posts never wait.
 */
export function postingDecision(
  group: GroupRow,
  member: MemberRow | null,
  topic: TopicRow | null,
): Exclude<MessageStatus, "rejected"> {
  requireVisible(group, member);
  if (member?.status === "banned") throw bannedError(member);
  if (!active(member)) throw forbidden("Only members of the group post in it.");
  const moderator = isModerator(member);
  if (topic?.locked && !moderator) throw forbidden("This topic is locked: no new replies.");
  if (group.postingPolicy === "announce_only" && !moderator)
    throw forbidden("This group is announce-only: only its owners and moderators post.");
  if (moderator) return "published";
  if (group.postingPolicy === "moderated") return "pending";
  if (group.postingPolicy === "new_members_moderated" && member.moderated) return "pending";
  return "published";
}

/** Pinning, locking, deleting topics, the queue, approving members, inviting: owners and moderators. */
export function requireModerator(group: GroupRow, member: MemberRow | null): asserts member is MemberRow {
  requireVisible(group, member);
  if (!isModerator(member)) throw forbidden("Only the group's owners and moderators can do that.");
}

/** Settings, roles, removing and banning: owners only. */
export function requireOwner(group: GroupRow, member: MemberRow | null): asserts member is MemberRow {
  requireVisible(group, member);
  if (!isOwner(member)) throw forbidden("Only the group's owners can do that.");
}

/** The membership a person may turn into an active one by joining, under the group's join policy. */
export function joinOutcome(group: GroupRow, member: MemberRow | null): "active" | "pending" {
  requireVisible(group, member);
  if (member?.status === "banned") throw bannedError(member);
  if (member?.status === "active") throw new AppError("conflict", "You are already a member of this group.");
  if (member?.status === "pending")
    throw new AppError("conflict", "Your request to join is waiting for a moderator.");
  if (member?.status === "invited") return "active";
  if (group.joinPolicy === "invitation") throw forbidden("This group is by invitation only.");
  return group.joinPolicy === "approval" ? "pending" : "active";
}
