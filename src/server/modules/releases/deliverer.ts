import { createHmac } from "node:crypto";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { SerialWorker } from "../../platform/serial-worker.js";
import { webhookDeliveries, webhooks } from "./schema.js";

/** Multiples of the retry base after each failed attempt: with 30 s, 30 s, 2 min, 10 min, 1 h, 6 h. */
const RETRY_STEPS = [1, 4, 20, 120, 720];

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
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

type Claimed = {
  id: string;
  event: string;
  attempts: number;
  payload: Record<string, unknown>;
  url: string;
  secret: string;
};

type Outcome = { ok: boolean; statusCode: number | null; error: string | null };

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
    const step = RETRY_STEPS[Math.min(attempts, RETRY_STEPS.length) - 1] ?? 1;
    return this.retryBaseMs * step;
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

  private async post(delivery: Claimed): Promise<Outcome> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Convene-Webhooks/1",
          "x-convene-event": delivery.event,
          "x-convene-delivery": delivery.id,
          "x-convene-timestamp": timestamp,
          "x-convene-signature": webhookSignature(delivery.secret, timestamp, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Only the status matters; the body is discarded so the connection is released.
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        statusCode: response.status,
        error: ok ? null : `The receiver answered ${response.status}.`,
      };
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      const message = timedOut
        ? `No answer within ${Math.round(this.timeoutMs / 1000)} s.`
        : `${error instanceof Error ? error.message : String(error)}${cause}`;
      return { ok: false, statusCode: null, error: message };
    }
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
