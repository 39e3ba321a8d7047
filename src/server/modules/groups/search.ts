import { type AnyColumn, and, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Highlighted } from "../../../shared/contracts/search.js";
import type { ActorCtx } from "../../platform/context.js";
import { type KindSearch, oncePerSearch, prepareSearch, readQuery } from "../../platform/search/engine.js";
import { fromHeadline, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { authorsMatching } from "../accounts/index.js";
import type { SearchHit } from "./contracts/search.js";
import { readsGroup, seenGroups } from "./policy.js";
import { groupMessages, groups, groupTopics } from "./schema.js";
import { readableTopics } from "./topics.js";

/**
 * The group topics, messages and groups the one search finds (search-sources.ts) and the groups'
 * search box finds, by one set of queries and the rules of policy.ts: topics and messages only in
 * groups the person is an active member of (topics as the group's page lists them, messages
 * published), groups as the directory shows them.
 */

/** Hits the groups' search box shows at most. */
const BOX_LIMIT = 100;

/** The groups a search reaches, as ids, read once per search (every kind of the search asks). */
const REACHED_GROUPS = Symbol("the groups a search reaches");

/**
 * The groups whose topics and messages a search reaches: those the person reads (an active
 * membership, as requireReader), narrowed to the one `in:` and the box name by handle (handles are
 * unique: both must name the same group). Read first as ids, so the planner knows how few groups, and
 * so how many messages, they hold: as a membership check per message it ran the check on every
 * message a common word matched, and joined by handle it guessed, and walked every group's messages
 * newest first looking for a handle no group had.
 */
async function inGroups(
  ctx: ActorCtx,
  search: KindSearch,
  groupId: AnyColumn,
  handle?: string,
): Promise<SQL> {
  const reached = await oncePerSearch(search, REACHED_GROUPS, async () => {
    const handles = [search.text.parsed.in, handle?.toLowerCase()].filter((name) => name !== undefined);
    const rows = await ctx.db
      .select({ id: groups.id })
      .from(groups)
      .where(and(readsGroup(groups.id, ctx.actor.id), ...handles.map((name) => eq(groups.handle, name))));
    return rows.map((row) => row.id);
  });
  return reached.length > 0 ? inArray(groupId, reached) : sql`false`;
}

const byAuthor = (search: KindSearch, author: AnyColumn) =>
  search.authorIds ? inArray(author, search.authorIds) : undefined;

/** Published messages whose text matches, the best first (the newest without words). */
export async function matchingGroupMessages(ctx: ActorCtx, search: KindSearch, handle?: string) {
  const { text } = search;
  const matching = and(
    eq(groupMessages.status, "published"),
    isNull(groupMessages.removedAt),
    isNull(groupTopics.removedAt),
    text.matches(groupMessages.search),
    await inGroups(ctx, search, groupMessages.groupId, handle),
    byAuthor(search, groupMessages.authorId),
    text.inDays(groupMessages.createdAt),
  );
  const newestMatching = ctx.db
    .select({ id: groupMessages.id })
    .from(groupMessages)
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .innerJoin(groups, eq(groups.id, groupMessages.groupId))
    .where(matching)
    .orderBy(desc(groupMessages.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(groupMessages.search);
  return ctx.db
    .select({
      id: groupMessages.id,
      topicId: groupMessages.topicId,
      subject: groupTopics.subject,
      group: { handle: groups.handle, name: groups.name },
      createdAt: groupMessages.createdAt,
      headline: text.headline(groupMessages.body),
      rank,
    })
    .from(groupMessages)
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .innerJoin(groups, eq(groups.id, groupMessages.groupId))
    .where(rankable(text, groupMessages.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(groupMessages.createdAt))
    .limit(search.limit);
}

/** Topics whose subject matches; `from:` is who started the topic. */
export async function matchingTopics(ctx: ActorCtx, search: KindSearch, handle?: string) {
  const { text } = search;
  const matching = and(
    readableTopics(ctx.actor.id),
    text.matches(groupTopics.search),
    await inGroups(ctx, search, groupTopics.groupId, handle),
    byAuthor(search, groupTopics.authorId),
    text.inDays(groupTopics.createdAt),
  );
  const newestMatching = ctx.db
    .select({ id: groupTopics.id })
    .from(groupTopics)
    .innerJoin(groups, eq(groups.id, groupTopics.groupId))
    .where(matching)
    .orderBy(desc(groupTopics.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(groupTopics.search);
  return ctx.db
    .select({
      id: groupTopics.id,
      subject: groupTopics.subject,
      group: { handle: groups.handle, name: groups.name },
      createdAt: groupTopics.createdAt,
      rank,
    })
    .from(groupTopics)
    .innerJoin(groups, eq(groups.id, groupTopics.groupId))
    .where(rankable(text, groupTopics.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(groupTopics.lastMessageAt))
    .limit(search.limit);
}

/** Groups by name, handle or description, as the directory shows them. */
export async function matchingGroups(ctx: ActorCtx, search: KindSearch) {
  const { text } = search;
  const rank = text.nameRank(groups.name);
  return ctx.db
    .select({
      id: groups.id,
      handle: groups.handle,
      name: groups.name,
      description: groups.description,
      rank,
    })
    .from(groups)
    .where(and(seenGroups(ctx.actor.id), text.nameMatches(groups.name, groups.handle, groups.description)))
    .orderBy(desc(rank), groups.name)
    .limit(search.limit);
}

/** The first published message of each topic: what the box shows for a topic found by its subject. */
async function openingMessages(ctx: ActorCtx, search: KindSearch, topicIds: string[]) {
  if (topicIds.length === 0) return new Map<string, never>();
  const rows = await ctx.db
    .selectDistinctOn([groupMessages.topicId], {
      topicId: groupMessages.topicId,
      id: groupMessages.id,
      createdAt: groupMessages.createdAt,
      headline: search.text.headline(groupMessages.body),
    })
    .from(groupMessages)
    .where(
      and(
        inArray(groupMessages.topicId, topicIds),
        eq(groupMessages.status, "published"),
        isNull(groupMessages.removedAt),
      ),
    )
    .orderBy(groupMessages.topicId, groupMessages.createdAt);
  return new Map(rows.map((row) => [row.topicId, row]));
}

/** The box's snippet is plain text with each match between « and », which its page marks. */
const withGuillemets = ({ text, marks }: Highlighted): string => {
  let marked = "";
  let from = 0;
  for (const { start, end } of marks) {
    marked += `${text.slice(from, start)}«${text.slice(start, end)}»`;
    from = end;
  }
  return marked + text.slice(from);
};

/**
 * The groups' search box: messages of the groups the person reads (or of the one `handle` names), in
 * the one search's syntax, a topic found by its subject shown as its first message; the best first.
 */
export async function searchMessages(
  ctx: ActorCtx,
  query: { q: string; handle?: string },
): Promise<SearchHit[]> {
  const search = await prepareSearch(ctx, readQuery(query.q), BOX_LIMIT, authorsMatching);
  if (search.authorIds?.length === 0) return [];
  const messages = await matchingGroupMessages(ctx, search, query.handle);
  const topics = await matchingTopics(ctx, search, query.handle);
  const openings = await openingMessages(
    ctx,
    search,
    topics.map((topic) => topic.id),
  );
  const hits = messages.map((message) => ({
    rank: Number(message.rank),
    hit: {
      group: message.group,
      topicId: message.topicId,
      subject: message.subject,
      messageId: message.id,
      snippet: withGuillemets(fromHeadline(message.headline)),
      at: message.createdAt.toISOString(),
    },
  }));
  const found = new Set(messages.map((message) => message.id));
  for (const topic of topics) {
    const opening = openings.get(topic.id);
    if (!opening || found.has(opening.id)) continue;
    hits.push({
      rank: Number(topic.rank),
      hit: {
        group: topic.group,
        topicId: topic.id,
        subject: topic.subject,
        messageId: opening.id,
        snippet: withGuillemets(fromHeadline(opening.headline)),
        at: opening.createdAt.toISOString(),
      },
    });
  }
  return hits
    .sort((a, b) => b.rank - a.rank || b.hit.at.localeCompare(a.hit.at))
    .slice(0, BOX_LIMIT)
    .map(({ hit }) => hit);
}
