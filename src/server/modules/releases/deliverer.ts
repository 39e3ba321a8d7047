import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { SerialWorker } from "../../platform/serial-worker.js";
import { retryDelayMs, type SignedPostOutcome, signature, signedPost } from "../../platform/signed-post.js";
import { webhookDeliveries, webhooks } from "./schema.js";

export type DelivererLog = {
  info: (details: Record<string, unknown>, message: string) => void;
  warn: (details: Record<string, unknown>, message: string) => void;
};

export type DelivererOptions = {
  /** The first retry's delay; later ones are 4x, 20x, 120x and 720x it. Default 30 s. */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up as failed. Default 6. */
  maxAttempts?: number;
  /** How long one POST may take. Default 10 s. */
  timeoutMs?: number;
  batchSize?: number;
  log?: DelivererLog;
};

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>`: what `x-convene-signature` carries. */
export const webhookSignature = signature;

type Claimed = {
  id: string;
  event: string;
  attempts: number;
  payload: Record<string, unknown>;
  url: string;
  secret: string;
};

const silent: DelivererLog = { info: () => {}, warn: () => {} };

/**
 * Sends pending webhook deliveries. Rows are claimed with FOR UPDATE SKIP LOCKED and leased (their
 * next attempt pushed past the POST's timeout) in a short transaction, then POSTed outside it, so a
 * slow receiver never holds a database connection or lock. A node that dies mid-POST leaves the
 * lease to expire and the row is sent again with the same delivery id: at least once, and
 * receivers can drop repeats by `x-convene-delivery`.
 */
export class WebhookDeliverer {
  /** Public so tests can make retries take milliseconds. */
  retryBaseMs: number;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly log: DelivererLog;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    options: DelivererOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 10;
    this.log = options.log ?? silent;
    this.worker = new SerialWorker(() => this.deliverDue(), this.log, "webhook delivery pass failed");
  }

  /** Delivers everything due now; resolves when done. Flushes run one after another in-process. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  start(intervalMs = 5000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** The delay before attempt `attempts + 1`, after `attempts` failures. */
  retryDelayMs(attempts: number): number {
    return retryDelayMs(this.retryBaseMs, attempts);
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      if (claimed.length < this.batchSize) return;
    }
  }

  private async claim(): Promise<Claimed[]> {
    const now = new Date();
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: webhookDeliveries.id,
          event: webhookDeliveries.event,
          attempts: webhookDeliveries.attempts,
          payload: webhookDeliveries.payload,
          url: webhooks.url,
          secret: webhooks.secret,
          active: webhooks.active,
        })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        // The database's clock: a delivery is queued at its now() (microseconds), and a Date keeps
        // milliseconds, so one queued in the same millisecond would wait for the next pass.
        .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, sql`now()`)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(this.batchSize)
        .for("update", { of: webhookDeliveries, skipLocked: true });
      const claimed: Claimed[] = [];
      // Leased past the POST's timeout: no other pass or node picks these up while they are in flight.
      const leaseUntil = new Date(now.getTime() + this.timeoutMs + 60_000);
      for (const { active, ...row } of rows) {
        if (!active) {
          await tx
            .update(webhookDeliveries)
            .set({ status: "failed", lastError: "The webhook was turned off before this was delivered." })
            .where(eq(webhookDeliveries.id, row.id));
          continue;
        }
        await tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: leaseUntil })
          .where(eq(webhookDeliveries.id, row.id));
        claimed.push(row);
      }
      return claimed;
    });
  }

  private post(delivery: Claimed): Promise<SignedPostOutcome> {
    return signedPost({
      url: delivery.url,
      secret: delivery.secret,
      event: delivery.event,
      deliveryId: delivery.id,
      body: JSON.stringify(delivery.payload),
      timeoutMs: this.timeoutMs,
    });
  }

  private async attempt(delivery: Claimed): Promise<void> {
    const outcome = await this.post(delivery);
    const attempts = delivery.attempts + 1;
    const givenUp = !outcome.ok && attempts >= this.maxAttempts;
    const status = outcome.ok ? "succeeded" : givenUp ? "failed" : "pending";
    const nextAttemptAt = new Date(Date.now() + (status === "pending" ? this.retryDelayMs(attempts) : 0));
    await this.db
      .update(webhookDeliveries)
      .set({
        status,
        attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt,
        deliveredAt: outcome.ok ? new Date() : null,
      })
      // Guarded by the attempt count, so a pass whose lease ran out cannot overwrite a newer result.
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.attempts, delivery.attempts)));
    const details = { deliveryId: delivery.id, attempt: attempts, statusCode: outcome.statusCode, status };
    if (outcome.ok) this.log.info(details, "webhook delivered");
    else this.log.warn({ ...details, error: outcome.error }, "webhook delivery attempt failed");
  }
}
