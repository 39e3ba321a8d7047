import { and, desc, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { invalid } from "../../platform/errors.js";
import { activeUsersByEmail, searchPeople } from "../accounts/index.js";
import { memberChannelIds } from "./channels.js";
import type { Message } from "./contracts/messages.js";
import type { SearchResult } from "./contracts/search.js";
import { presentMessages } from "./messages.js";
import { channels, messages } from "./schema.js";

export type SearchQuery = { text: string; channelSlug?: string; from?: string; before?: Date; after?: Date };

/** Splits `deploy in:#general from:@ned@northwind.example after:2026-11-01` into filters and words. */
export function parseSearch(q: string): SearchQuery {
  const words: string[] = [];
  const query: SearchQuery = { text: "" };
  for (const token of q.trim().split(/\s+/).filter(Boolean)) {
    const [, key, value] = /^(in|from|before|after):(.+)$/i.exec(token) ?? [];
    if (!key || !value) {
      words.push(token);
      continue;
    }
    const name = key.toLowerCase();
    if (name === "in") query.channelSlug = value.replace(/^#/, "").toLowerCase();
    else if (name === "from") query.from = value.replace(/^@/, "").toLowerCase();
    else {
      const date = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(date.getTime())) throw invalid({ q: `${name}: needs a date like 2026-11-01.` });
      if (name === "before") query.before = date;
      else query.after = new Date(date.getTime() + 24 * 3600_000);
    }
  }
  query.text = words.join(" ");
  return query;
}

/** Full-text search over every message the person may read: public channels and their own. */
export async function searchMessages(ctx: ActorCtx, q: string): Promise<SearchResult[]> {
  const { db, actor } = ctx;
  const query = parseSearch(q);
  const conditions: (SQL | undefined)[] = [sql`${messages.deletedAt} is null`];
  const mine = await memberChannelIds(db, actor.id);
  conditions.push(or(eq(channels.kind, "public"), mine.length > 0 ? inArray(channels.id, mine) : undefined));
  const words = query.text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length > 0) {
    conditions.push(
      sql`${messages.search} @@ to_tsquery('english', ${words.map((w) => `${w}:*`).join(" & ")})`,
    );
  }
  if (query.channelSlug) conditions.push(eq(channels.slug, query.channelSlug));
  if (query.from) {
    const byEmail = await activeUsersByEmail(db, [query.from]);
    const ids =
      byEmail.size > 0 ? [...byEmail.values()] : (await searchPeople(db, query.from, 50)).map((p) => p.id);
    conditions.push(ids.length > 0 ? inArray(messages.authorId, ids) : sql`false`);
  }
  if (query.before) conditions.push(lt(messages.createdAt, query.before));
  if (query.after) conditions.push(gte(messages.createdAt, query.after));
  if (words.length === 0 && !query.channelSlug && !query.from && !query.before && !query.after) {
    throw invalid({ q: "Type words to look for, or a filter such as in:#general." });
  }
  const rows = await db
    .select({
      message: messages,
      channel: { id: channels.id, name: channels.name, slug: channels.slug, kind: channels.kind },
    })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(...conditions))
    .orderBy(desc(messages.seq))
    .limit(50);
  const views = await presentMessages(
    db,
    rows.map((r) => r.message),
  );
  return rows.map((row, index) => ({ message: views[index] as Message, channel: row.channel }));
}
