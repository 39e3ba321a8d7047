import { and, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import {
  defineSearchKind,
  type KindSearch,
  oncePerSearch,
  prepareSearch,
  readQuery,
} from "../../platform/search/engine.js";
import { fromHeadline, highlightName, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { authorsMatching } from "../accounts/index.js";
import { directMessageName, directMessageOthers, memberChannelIds } from "./channels.js";
import type { Message } from "./contracts/messages.js";
import type { SearchResult } from "./contracts/search.js";
import { presentMessages } from "./messages.js";
import { channels, messages } from "./schema.js";

/** Messages the chat search box shows at most. */
const SEARCH_LIMIT = 50;

/** A person's channels, read once per search (messages and channels ask for them). */
const MY_CHANNELS = Symbol("the channels the person is a member of");
/** The channels `in:` names among those the person may read, read once per search. */
const NAMED_CHANNELS = Symbol("the channels in: names");

/** The channels a person may read: every public one and those they are a member of. */
async function readableChannels(ctx: ActorCtx, search: KindSearch): Promise<SQL | undefined> {
  const mine = await oncePerSearch(search, MY_CHANNELS, () => memberChannelIds(ctx.db, ctx.actor.id));
  return or(eq(channels.kind, "public"), mine.length > 0 ? inArray(channels.id, mine) : undefined);
}

/**
 * `in:general` / `in:#general`: a channel by its handle, or by its name for one without a handle,
 * among those the person may read; read first as ids, so the planner knows how many messages they
 * hold (joined by handle, it guessed, and walked every message newest first looking for a channel
 * that did not exist).
 */
async function inChannel(ctx: ActorCtx, search: KindSearch, place: string): Promise<SQL> {
  const ids = await oncePerSearch(search, NAMED_CHANNELS, async () => {
    const readable = await readableChannels(ctx, search);
    const rows = await ctx.db
      .select({ id: channels.id })
      .from(channels)
      .where(and(readable, or(eq(channels.slug, place), sql`lower(${channels.name}) = ${place}`)));
    return rows.map((row) => row.id);
  });
  if (ids.length === 0) return sql`false`;
  // One channel as an equality, whose own count of messages the planner reads from its statistics.
  return ids.length === 1 ? eq(messages.channelId, ids[0] as string) : inArray(messages.channelId, ids);
}

/**
 * Messages that match, in channels the person may read, the best first (the newest without words):
 * the best of the newest RANKED_MATCHES matches, so a broad word is not ranked over every message.
 */
async function matchingMessages(ctx: ActorCtx, search: KindSearch) {
  const { text, authorIds, limit } = search;
  const { parsed } = text;
  const matching = and(
    isNull(messages.deletedAt),
    await readableChannels(ctx, search),
    text.matches(messages.search),
    parsed.in ? await inChannel(ctx, search, parsed.in) : undefined,
    authorIds ? inArray(messages.authorId, authorIds) : undefined,
    text.inDays(messages.createdAt),
  );
  const newestMatching = ctx.db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(matching)
    // Its index also reads `after:`/`before:` as a range (by seq, a month long ago meant walking back
    // through every message since).
    .orderBy(desc(messages.createdAt))
    .limit(RANKED_MATCHES);
  const rank = text.rank(messages.search);
  return ctx.db
    .select({
      message: messages,
      channel: { id: channels.id, name: channels.name, slug: channels.slug, kind: channels.kind },
      rank,
      headline: text.headline(messages.body),
    })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(rankable(text, messages.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(messages.seq))
    .limit(limit);
}

defineSearchKind("message", async (ctx, search) => {
  const rows = await matchingMessages(ctx, search);
  const dmOthers = await directMessageOthers(
    ctx.db,
    ctx.actor.id,
    rows.flatMap(({ channel }) => (channel.kind === "dm" ? [channel.id] : [])),
  );
  return rows.map(({ message, channel, rank, headline }) => ({
    kind: "message" as const,
    id: message.id,
    title: {
      text:
        channel.kind === "dm"
          ? directMessageName(dmOthers.get(channel.id) ?? [])
          : `#${channel.slug ?? channel.name}`,
      marks: [],
    },
    snippet: fromHeadline(headline),
    context: channel.kind === "dm" ? "Direct message" : channel.name,
    path: `/chat/${channel.id}?${message.threadRootId ? `thread=${message.threadRootId}&` : ""}message=${message.id}`,
    at: message.createdAt.toISOString(),
    rank: Number(rank),
  }));
});

/** Channels by name, topic or description: public ones and the person's own (direct messages aside). */
defineSearchKind("channel", async (ctx, search) => {
  const { text, limit } = search;
  const { parsed } = text;
  if (!text.hasText || parsed.in || parsed.from || parsed.before || parsed.after) return [];
  const rank = text.nameRank(channels.name);
  const rows = await ctx.db
    .select({
      id: channels.id,
      name: channels.name,
      slug: channels.slug,
      topic: channels.topic,
      archivedAt: channels.archivedAt,
      rank,
    })
    .from(channels)
    .where(
      and(
        sql`${channels.kind} <> 'dm'`,
        await readableChannels(ctx, search),
        text.nameMatches(channels.name, channels.slug, channels.topic, channels.description),
      ),
    )
    .orderBy(desc(rank), channels.name)
    .limit(limit);
  return rows.map((row) => ({
    kind: "channel" as const,
    id: row.id,
    title: highlightName(`#${row.slug ?? row.name}`, parsed),
    snippet: row.topic ? highlightName(row.topic, parsed) : null,
    context: row.archivedAt ? "Archived" : null,
    path: `/chat/${row.id}`,
    at: null,
    rank: Number(row.rank),
  }));
});

/** The chat search box: messages only, by the one search's syntax and rules. */
export async function searchMessages(ctx: ActorCtx, q: string): Promise<SearchResult[]> {
  const search = await prepareSearch(ctx, readQuery(q), SEARCH_LIMIT, authorsMatching);
  if (search.authorIds?.length === 0) return [];
  const rows = await matchingMessages(ctx, search);
  const views = await presentMessages(
    ctx.db,
    rows.map((row) => row.message),
  );
  return rows.map((row, index) => ({ message: views[index] as Message, channel: row.channel }));
}
