/**
 * The signed calls Convene owes the product (a change of flags): queued as rows in the transaction of the
 * change, so a change that rolls back sends nothing and one that commits is sent even if this node
 * stops, then POSTed by the deliverer, signed with PRODUCT_WEBHOOK_SECRET (platform/signed-post.ts).
 */
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import type { Ctx } from "../../../platform/context.js";
import { SerialWorker, silentLog, type WorkerLog } from "../../../platform/serial-worker.js";
import { retryDelayMs, signedPost } from "../../../platform/signed-post.js";
import { sandboxProductCalls } from "./schema.js";

export type ProductCallKind = (typeof sandboxProductCalls.$inferSelect)["kind"];

/** Queues a call in the caller's transaction; the deliverer sends it once that commits. */
export async function queueProductCall(
  ctx: Ctx,
  call: { kind: ProductCallKind; payload: Record<string, unknown> & { event: string } },
): Promise<void> {
  await ctx.db.insert(sandboxProductCalls).values({ kind: call.kind, payload: call.payload });
}

export type ProductCallOptions = {
  /** The first retry's delay; later ones are 4x, 20x, 120x and 720x it. Default 30 s. */
  retryBaseMs?: number;
  /** Attempts before a call is given up as failed. Default 6. */
  maxAttempts?: number;
  /** How long one POST may take. Default 10 s. */
  timeoutMs?: number;
  batchSize?: number;
  log?: WorkerLog;
};

/** Where each kind of call goes, and the secret that signs them. */
export type ProductCallTargets = { flagsUrl: string; secret: string };

type Claimed = { id: string; kind: ProductCallKind; attempts: number; payload: Record<string, unknown> };

/**
 * Sends the calls that are due, oldest first, one after another (a flag change after the one before
 * it). Rows are claimed with FOR UPDATE SKIP LOCKED and leased past the POST's timeout in a short
 * transaction, then POSTed outside it, so several nodes never send one call twice at once and a slow
 * product holds no connection. A node that dies mid-POST leaves the lease to run out and the call is
 * sent again with the same delivery id: at least once, and the product drops repeats by
 * `x-convene-delivery`. A failing call is retried with backoff, then marked failed for staff to see.
 */
export class ProductCallDeliverer {
  /** Public so tests can make retries take milliseconds. */
  retryBaseMs: number;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    private readonly targets: ProductCallTargets,
    options: ProductCallOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 10;
    this.worker = new SerialWorker(
      () => this.deliverDue(),
      options.log ?? silentLog,
      "product call pass failed",
    );
  }

  /** Delivers everything due now; resolves when done. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  /** A pass within a few milliseconds: what a request that may have queued a call asks for. */
  flushSoon(): void {
    this.worker.flushSoon();
  }

  start(intervalMs = 5000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      for (const call of claimed) await this.attempt(call);
      if (claimed.length < this.batchSize) return;
    }
  }

  private claim(): Promise<Claimed[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: sandboxProductCalls.id,
          kind: sandboxProductCalls.kind,
          attempts: sandboxProductCalls.attempts,
          payload: sandboxProductCalls.payload,
        })
        .from(sandboxProductCalls)
        // The database's clock, which stamped the row (see releases' deliverer).
        .where(
          and(eq(sandboxProductCalls.status, "pending"), lte(sandboxProductCalls.nextAttemptAt, sql`now()`)),
        )
        .orderBy(asc(sandboxProductCalls.createdAt), asc(sandboxProductCalls.id))
        .limit(this.batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return [];
      // Leased past every POST of the batch: no other pass or node picks these up while they are in flight.
      const leaseUntil = new Date(Date.now() + rows.length * this.timeoutMs + 60_000);
      for (const row of rows)
        await tx
          .update(sandboxProductCalls)
          .set({ nextAttemptAt: leaseUntil })
          .where(eq(sandboxProductCalls.id, row.id));
      return rows;
    });
  }

  private async attempt(call: Claimed): Promise<void> {
    const outcome = await signedPost({
      url: this.targets.flagsUrl,
      secret: this.targets.secret,
      event: String(call.payload.event ?? call.kind),
      deliveryId: call.id,
      body: JSON.stringify(call.payload),
      timeoutMs: this.timeoutMs,
    });
    const attempts = call.attempts + 1;
    const givenUp = !outcome.ok && attempts >= this.maxAttempts;
    const status = outcome.ok ? "succeeded" : givenUp ? "failed" : "pending";
    await this.db
      .update(sandboxProductCalls)
      .set({
        status,
        attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt: new Date(
          Date.now() + (status === "pending" ? retryDelayMs(this.retryBaseMs, attempts) : 0),
        ),
        deliveredAt: outcome.ok ? new Date() : null,
      })
      // Guarded by the attempt count, so a pass whose lease ran out cannot overwrite a newer result.
      .where(and(eq(sandboxProductCalls.id, call.id), eq(sandboxProductCalls.attempts, call.attempts)));
  }
}
