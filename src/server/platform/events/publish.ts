import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { events } from "./schema.js";

export const EVENTS_CHANNEL = "convene_events";
export const EPHEMERAL_CHANNEL = "convene_ephemeral";

// One lock for event order: ids are taken, and commit, in the order the lock is granted, so a node
// reading "every event after my cursor" never skips one that commits late.
const EVENT_ORDER_LOCK = 727_002;

export type Audience = { channelId?: string; userIds?: string[]; everyone?: boolean };

/**
 * Takes the event-order lock for the rest of the transaction. A change whose own numbering must
 * match event order (message seq) takes it before writing.
 */
export async function lockEventOrder(ctx: Ctx): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
}

/** Records an event in the caller's transaction; every node hears of it when that commits. */
export async function publishEvent(
  ctx: Ctx,
  event: { topic: string; audience: Audience; payload: Record<string, unknown> },
): Promise<number> {
  await lockEventOrder(ctx);
  const [row] = await ctx.db
    .insert(events)
    .values({
      topic: event.topic,
      channelId: event.audience.channelId ?? null,
      userIds: event.audience.userIds ?? null,
      everyone: event.audience.everyone ?? false,
      payload: event.payload,
    })
    .returning({ id: events.id });
  if (!row) throw new Error("event row was not written");
  await ctx.db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row.id)})`);
  return row.id;
}
