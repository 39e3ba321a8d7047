import { sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { ADVISORY_LOCKS, lockForTransaction } from "../advisory-locks.js";
import type { Ctx } from "../context.js";
import { events } from "./schema.js";

export const EVENTS_CHANNEL = "convene_events";
export const EPHEMERAL_CHANNEL = "convene_ephemeral";

export type Audience = { channelId?: string; userIds?: string[]; everyone?: boolean };

/**
 * Takes the event-order lock for the rest of the transaction. A change whose own numbering must
 * match event order (message seq) takes it before writing.
 */
export async function lockEventOrder(ctx: Ctx): Promise<void> {
  // Outside a transaction the lock would end with the statement, so only transactions remember it.
  if (ctx.db instanceof PgTransaction && lockedTransactions.has(ctx.db)) return;
  await lockForTransaction(ctx.db, ADVISORY_LOCKS.eventOrder);
  if (ctx.db instanceof PgTransaction) lockedTransactions.add(ctx.db);
}

/** Transactions that hold the lock already: a post publishes several events under one lock call. */
const lockedTransactions = new WeakSet<object>();

/** Records an event in the caller's transaction; every node hears of it when that commits. */
export async function publishEvent(
  ctx: Ctx,
  event: { topic: string; audience: Audience; payload: Record<string, unknown> },
): Promise<number> {
  await lockEventOrder(ctx);
  // Insert and notify in one round trip; the notification is delivered when the transaction commits.
  // Both drivers answer raw SQL with `rows`; PostgreSQL gives a bigint as a string.
  const result = (await ctx.db.execute(sql`
    with inserted as (
      insert into ${events} (topic, channel_id, user_ids, everyone, payload)
      values (
        ${event.topic},
        ${event.audience.channelId ?? null},
        ${
          // One array literal, one bound value: an event to 5,000 people is not 5,000 parameters.
          event.audience.userIds ? sql`${`{${event.audience.userIds.join(",")}}`}::uuid[]` : null
        },
        ${event.audience.everyone ?? false},
        ${JSON.stringify(event.payload)}::jsonb
      )
      returning id
    )
    select id, pg_notify(${EVENTS_CHANNEL}, id::text) from inserted`)) as unknown as {
    rows: { id: string | number }[];
  };
  const row = result.rows[0];
  if (!row) throw new Error("event row was not written");
  return Number(row.id);
}
