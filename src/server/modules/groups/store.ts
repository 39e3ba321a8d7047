import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { notFound } from "../../platform/errors.js";
import type { GroupRow, MemberRow } from "./policy.js";
import { groupMembers, groupMessages, groups, groupTopics } from "./schema.js";

// Plain lookups shared by the group services and the mail side; they decide nothing.

export async function groupByHandle(db: Db, handle: string): Promise<GroupRow | null> {
  const [group] = await db.select().from(groups).where(eq(groups.handle, handle.toLowerCase()));
  return group ?? null;
}

export async function groupByHandleOrThrow(db: Db, handle: string): Promise<GroupRow> {
  const group = await groupByHandle(db, handle);
  if (!group) throw notFound("The group");
  return group;
}

export async function groupById(db: Db, id: string): Promise<GroupRow> {
  const [group] = await db.select().from(groups).where(eq(groups.id, id));
  if (!group) throw notFound("The group");
  return group;
}

/** The person's membership row in any status (left, banned, ...), or null if they never had one. */
export async function membershipOf(db: Db, groupId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await db
    .select()
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  return row ?? null;
}

/** The person's membership only when it is active. */
export async function activeMembership(db: Db, groupId: string, userId: string): Promise<MemberRow | null> {
  const row = await membershipOf(db, groupId, userId);
  return row?.status === "active" ? row : null;
}

export async function messageById(db: Db, id: string): Promise<typeof groupMessages.$inferSelect | null> {
  const [row] = await db.select().from(groupMessages).where(eq(groupMessages.id, id));
  return row ?? null;
}

export async function topicById(db: Db, id: string): Promise<typeof groupTopics.$inferSelect | null> {
  const [row] = await db.select().from(groupTopics).where(eq(groupTopics.id, id));
  return row ?? null;
}

/** The group's active owners and moderators, who alone see its queue and log: for real-time events. */
export async function activeModeratorIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.groupId, groupId),
        eq(groupMembers.status, "active"),
        inArray(groupMembers.role, ["owner", "moderator"]),
      ),
    );
  return rows.map((row) => row.userId);
}
