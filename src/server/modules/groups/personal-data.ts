import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import { groupMembers, groupMessages, groups, groupTopics } from "./schema.js";

/**
 * The topics the person started, the group messages they wrote and their memberships. Erasure with
 * content removed takes their messages away as a moderator's removal does (text emptied too); the
 * topics they started keep their subjects, since others' replies hang under them.
 */
definePersonalDataArea({
  name: "groups",
  async collect(ctx, { id: userId }) {
    const topics = await ctx.db
      .select({
        id: groupTopics.id,
        group: groups.name,
        subject: groupTopics.subject,
        createdAt: groupTopics.createdAt,
      })
      .from(groupTopics)
      .innerJoin(groups, eq(groups.id, groupTopics.groupId))
      .where(and(eq(groupTopics.authorId, userId), isNull(groupTopics.removedAt)))
      .orderBy(asc(groupTopics.createdAt));
    const written = await ctx.db
      .select({
        group: groups.name,
        topicId: groupMessages.topicId,
        body: groupMessages.body,
        status: groupMessages.status,
        source: groupMessages.source,
        createdAt: groupMessages.createdAt,
      })
      .from(groupMessages)
      .innerJoin(groups, eq(groups.id, groupMessages.groupId))
      .where(and(eq(groupMessages.authorId, userId), isNull(groupMessages.removedAt)))
      .orderBy(asc(groupMessages.createdAt));
    const memberships = await ctx.db
      .select({ group: groups.name, role: groupMembers.role, status: groupMembers.status })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(eq(groupMembers.userId, userId));
    return { topics, messages: written, memberships };
  },
  async erase(ctx, { userId, removeContent }) {
    if (!removeContent) return;
    await ctx.db
      .update(groupMessages)
      .set({ body: "", removedAt: sql`coalesce(${groupMessages.removedAt}, now())` })
      .where(eq(groupMessages.authorId, userId));
  },
});
