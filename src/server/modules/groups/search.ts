import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import type { SearchHit } from "./contracts/search.js";
import { groupMembers, groupMessages, groups, groupTopics } from "./schema.js";

/**
 * Full-text search of topics and messages, only in groups where the person is an active member (the
 * only people who may read them), over published messages of live topics. `handle` narrows it to one
 * group. Matches the message body (the generated tsvector) or the topic's subject.
 */
export async function searchMessages(
  ctx: ActorCtx,
  query: { q: string; handle?: string },
): Promise<SearchHit[]> {
  const readable = ctx.db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.userId, ctx.actor.id), eq(groupMembers.status, "active")));
  const tsquery = sql`websearch_to_tsquery('english', ${query.q})`;
  const rows = await ctx.db
    .select({
      handle: groups.handle,
      name: groups.name,
      topicId: groupTopics.id,
      subject: groupTopics.subject,
      messageId: groupMessages.id,
      snippet: sql<string>`ts_headline('english', ${groupMessages.body}, ${tsquery}, 'MaxWords=30, MinWords=10, StartSel=«, StopSel=»')`,
      at: groupMessages.createdAt,
    })
    .from(groupMessages)
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .innerJoin(groups, eq(groups.id, groupMessages.groupId))
    .where(
      and(
        inArray(groupMessages.groupId, readable),
        query.handle ? eq(groups.handle, query.handle.toLowerCase()) : undefined,
        eq(groupMessages.status, "published"),
        isNull(groupMessages.removedAt),
        isNull(groupTopics.removedAt),
        sql`(${groupMessages.search} @@ ${tsquery} or to_tsvector('english', ${groupTopics.subject}) @@ ${tsquery})`,
      ),
    )
    .orderBy(desc(sql`ts_rank(${groupMessages.search}, ${tsquery})`), desc(groupMessages.createdAt))
    .limit(100);
  return rows.map((row) => ({
    group: { handle: row.handle, name: row.name },
    topicId: row.topicId,
    subject: row.subject,
    messageId: row.messageId,
    snippet: row.snippet,
    at: new Date(row.at).toISOString(),
  }));
}
