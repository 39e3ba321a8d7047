import { sql } from "drizzle-orm";
import type { EventDefinition, EventPayload } from "../../../shared/events.js";
import { uuidArray } from "../../db/arrays.js";
import { isTransaction } from "../../db/together.js";
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
  if (isTransaction(ctx.db) && lockedTransactions.has(ctx.db)) return;
  await lockForTransaction(ctx.db, ADVISORY_LOCKS.eventOrder);
  if (isTransaction(ctx.db)) lockedTransactions.add(ctx.db);
}

/** Transactions that hold the lock already: a post publishes several events under one lock call. */
const lockedTransactions = new WeakSet<object>();

/** One event to record: what it is, who may receive it, and what it says. */
export type EventToPublish<Payload extends EventPayload = EventPayload> = {
  event: EventDefinition<Payload>;
  audience: Audience;
  payload: NoInfer<Payload>;
};

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
): Promise<void> {
  await publishEvents(ctx, [{ event, audience, payload } as EventToPublish]);
}

/**
 * Records several events in the caller's transaction, in this order, in one statement: a batch of
 * posts written together announces itself in one round trip. One NOTIFY tells every node to read
 * what committed, whatever the number of events.
 */
export async function publishEvents(ctx: Ctx, list: EventToPublish[]): Promise<void> {
  const addressed = list.filter(
    ({ audience }) => audience.everyone || audience.channelId || (audience.userIds ?? []).length > 0,
  );
  if (addressed.length === 0) return;
  await lockEventOrder(ctx);
  // Rows are numbered in the order of the values list, so event order is the order given.
  const rows = addressed.map(
    ({ event, audience, payload }) => sql`(
      ${event.topic},
      ${audience.channelId ?? null},
      ${audience.userIds ? uuidArray(audience.userIds) : null},
      ${audience.everyone ?? false},
      ${JSON.stringify(payload)}::jsonb
    )`,
  );
  await ctx.db.execute(sql`
    with inserted as (
      insert into ${events} (topic, channel_id, user_ids, everyone, payload)
      values ${sql.join(rows, sql`, `)}
      returning id
    )
    select pg_notify(${EVENTS_CHANNEL}, max(id)::text) from inserted`);
}

/**
 * Wakes a background worker on every node once the caller's transaction commits (see `wakeOnCommit`
 * where the app listens): work queued by a request goes out right away, not on the worker's next
 * poll, and a request that queued nothing costs the worker nothing. Repeats in one transaction are
 * delivered once.
 */
export async function wakeWorkersAfterCommit(ctx: Ctx, channel: string): Promise<void> {
  await ctx.db.execute(sql`select pg_notify(${channel}, '')`);
}
