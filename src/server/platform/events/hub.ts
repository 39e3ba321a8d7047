import { and, asc, gt, lt, max, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { SerialWorker, silentLog, type WorkerLog } from "../serial-worker.js";
import { EPHEMERAL_CHANNEL, EVENTS_CHANNEL } from "./publish.js";
import { events } from "./schema.js";

export type EventRow = typeof events.$inferSelect;
export type Ephemeral = { type: string; [key: string]: unknown };

const BATCH = 500;
// NOTIFY is the fast path; this poll only covers a notification lost with a dropped connection.
const SAFETY_POLL_MS = 1000;

/** Asked on every NOTIFY, once per batch of commits. */
const eventsAfter = preparedQuery((db) =>
  db
    .select()
    .from(events)
    .where(gt(events.id, sql.placeholder("cursor")))
    .orderBy(asc(events.id))
    .limit(BATCH)
    .prepare("events_after"),
);

/**
 * This node's view of the event stream: it reads committed events in id order after its cursor
 * whenever a NOTIFY arrives, and hands them to subscribers (the WebSocket gateway). Ephemeral
 * signals (typing, presence) travel in the NOTIFY payload itself and are never stored.
 */
export class EventHub {
  private cursor = 0;
  private readonly subscribers = new Set<(rows: EventRow[]) => void>();
  private readonly ephemeralSubscribers = new Set<(signal: Ephemeral) => void>();
  private unlisten: (() => Promise<void>)[] = [];
  private readonly puller: SerialWorker;
  /** A pull asked for that has not started yet: later asks share it. */
  private waitingPull: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    log: WorkerLog = silentLog,
  ) {
    this.puller = new SerialWorker(() => this.pullNow(), log, "event pull failed");
  }

  async start(): Promise<void> {
    const [row] = await this.database.db.select({ last: max(events.id) }).from(events);
    this.cursor = row?.last ?? 0;
    this.unlisten.push(await this.database.listen(EVENTS_CHANNEL, () => void this.pull()));
    this.unlisten.push(
      await this.database.listen(EPHEMERAL_CHANNEL, (payload) => {
        if (!payload) return;
        try {
          const signal = JSON.parse(payload) as Ephemeral;
          for (const subscriber of this.ephemeralSubscribers) subscriber(signal);
        } catch {
          // A payload that is not ours is ignored.
        }
      }),
    );
    this.puller.start(SAFETY_POLL_MS);
  }

  async stop(): Promise<void> {
    for (const unlisten of this.unlisten) await unlisten().catch(() => undefined);
    await this.puller.stop();
  }

  /** The id of the newest event this node has delivered. */
  get lastEventId(): number {
    return this.cursor;
  }

  subscribe(onEvents: (rows: EventRow[]) => void): () => void {
    this.subscribers.add(onEvents);
    return () => this.subscribers.delete(onEvents);
  }

  subscribeEphemeral(onSignal: (signal: Ephemeral) => void): () => void {
    this.ephemeralSubscribers.add(onSignal);
    return () => this.ephemeralSubscribers.delete(onSignal);
  }

  /** Sends a signal to every node (this one included) without storing it. */
  async sendEphemeral(signal: Ephemeral): Promise<void> {
    await this.database.db.execute(sql`select pg_notify(${EPHEMERAL_CHANNEL}, ${JSON.stringify(signal)})`);
  }

  /**
   * Reads everything after the cursor; concurrent calls queue, so delivery order is id order. A pull
   * that has not started yet reads everything committed before it starts, so a NOTIFY arriving
   * meanwhile joins it: at hundreds of posts a second that is one query per batch, not per event.
   */
  pull(): Promise<void> {
    this.waitingPull ??= this.puller.flush(() => {
      this.waitingPull = null;
      return this.pullNow();
    });
    return this.waitingPull;
  }

  private async pullNow(): Promise<void> {
    for (;;) {
      const rows = await eventsAfter(this.database.eventsDb).execute({ cursor: this.cursor });
      if (rows.length === 0) return;
      this.cursor = rows[rows.length - 1]?.id ?? this.cursor;
      for (const subscriber of this.subscribers) subscriber(rows);
      if (rows.length < BATCH) return;
    }
  }
}

/** Events older than the retention go; a client whose gap reaches past them is told to reload. */
export async function pruneEvents(database: Database, retentionDays: number): Promise<void> {
  const cutoff = new Date(Date.now() - retentionDays * 24 * 3600_000);
  await database.db.delete(events).where(and(lt(events.createdAt, cutoff)));
}
