import { sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { EventDefinition, EventPayload } from "../../../shared/events.js";
import { ADVISORY_LOCKS, lockForTransaction } from "../advisory-locks.js";
import type { Ctx } from "../context.js";
import { events } from "./schema.js";

export const EVENTS_CHANNEL = "convene_events";
export const EPHEMERAL_CHANNEL = "convene_ephemeral";

/** Who may receive an event: everyone signed in, a chat channel's members, or named people. */
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

/**
 * Records an event in the caller's transaction; every node hears of it when that commits. The event is
 * one its module declared (`defineEvent` in its contracts), so the payload is the type its listeners
 * expect. An audience of nobody writes nothing.
 */
export async function publishEvent<Payload extends EventPayload>(
  ctx: Ctx,
  event: EventDefinition<Payload>,
  audience: Audience,
  payload: NoInfer<Payload>,
): Promise<number | null> {
  if (!audience.everyone && !audience.channelId && (audience.userIds ?? []).length === 0) return null;
  await lockEventOrder(ctx);
  // Insert and notify in one round trip; the notification is delivered when the transaction commits.
  // Both drivers answer raw SQL with `rows`; PostgreSQL gives a bigint as a string.
  const result = (await ctx.db.execute(sql`
    with inserted as (
      insert into ${events} (topic, channel_id, user_ids, everyone, payload)
      values (
        ${event.topic},
        ${audience.channelId ?? null},
        ${
          // One array literal, one bound value: an event to 5,000 people is not 5,000 parameters.
          audience.userIds ? sql`${`{${audience.userIds.join(",")}}`}::uuid[]` : null
        },
        ${audience.everyone ?? false},
        ${JSON.stringify(payload)}::jsonb
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
