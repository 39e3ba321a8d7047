/**
 * Runs due wipes: holding the runner lock (wipe-liveness.ts) for the whole run, so a runner that dies
 * is known at once, claims one atomically (so two nodes never both run it), then, in ONE transaction,
 * empties the sandbox's clinical tables and writes the baseline again (from its kept payload, else
 * generated: data/baseline-payload.ts). A failure anywhere
 * rolls all of it back, so the previous data is intact and the wipe is marked failed with the error.
 * Kept: sandbox users, agreement acceptances, flags, deployments, settings, the wipes and the
 * platform audit log (where the wipe records its start and its end with counts).
 *
 * With PRODUCT_RESET_URL the environment is the vendor's real product: the runner calls its reset
 * endpoint (product-reset.ts) instead, and the built-in stand-in's tables are left as they are.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import type { Config } from "../../../config.js";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type Actor, actingAs, type Ctx, inTransaction } from "../../../platform/context.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { SerialWorker, silentLog, type WorkerLog } from "../../../platform/serial-worker.js";
import { withSessionLock } from "../../../platform/session-lock.js";
import { listActiveStaff, userSummaries } from "../../accounts/index.js";
import { asSeeder } from "../access/index.js";
import { type BaselineOptions, restoreBaseline } from "../data/index.js";
import { wiped } from "./contracts/wipes.js";
import { environmentStatus } from "./environment.js";
import type { WipeRow } from "./present.js";
import { RESET_RETRY_BASE_MS, resetProduct } from "./product-reset.js";
import { sandboxWipes } from "./schema.js";
import { loadBaselineOptions } from "./settings.js";
import { failAbandonedWipes, failWipe, WIPE_RUNNER_LOCK } from "./wipe-liveness.js";
import { beginLocalWipe, endLocalWipe, reportLocalWipe } from "./wipe-state.js";

export const WIPE_STARTED = "sandbox.wipe_started";
export const WIPE_COMPLETED = "sandbox.wipe_completed";

/**
 * What the reset empties, in one TRUNCATE: every table that refers to another is in the same list,
 * so no foreign key is left pointing at a removed row, and a table added later that refers to one of
 * these makes the statement fail (and the wipe roll back) rather than be emptied unseen.
 */
const CLINICAL_TABLES = [
  "pharmacy_dispensations",
  "pharmacy_containers",
  "pharmacy_lots",
  "pharmacy_products",
  "enrolments",
  "study_events",
  "study_cohorts",
  "study_epochs",
  "studies",
  "volunteers",
  "volunteer_imports",
  "sandbox_audit",
] as const;

export type WipeCounts = Record<(typeof CLINICAL_TABLES)[number], number>;

export type WipeOutcome =
  | {
      wipeId: string;
      status: "completed";
      removed: WipeCounts;
      restored: { volunteers: number; studies: number; enrolments: number };
      seconds: number;
    }
  | {
      wipeId: string;
      status: "completed";
      /** The product's reset endpoint answered 2xx: its host and the attempts it took. */
      product: { host: string; attempts: number };
      seconds: number;
    }
  | { wipeId: string; status: "failed"; error: string; seconds: number };

/**
 * Test hooks: `afterClear` runs inside the transaction once the tables are empty, before the baseline
 * is written (a test holds the wipe there, or throws to see it roll back); `onProgress` hears every
 * step (the CLI's progress bar).
 */
export type WipeHooks = {
  afterClear?: () => Promise<void> | void;
  onProgress?: (step: string, done: number, total: number) => void;
};

async function countRows(db: Db): Promise<WipeCounts> {
  const result = (await db.execute(
    sql.raw(
      `select ${CLINICAL_TABLES.map((table) => `(select count(*) from ${table})::int as ${table}`).join(", ")}`,
    ),
  )) as unknown as { rows: WipeCounts[] };
  const [row] = result.rows;
  if (!row) throw new Error("the row counts were not read");
  return row;
}

/** The staff actor the baseline is written as: who scheduled the wipe, else the first active staff. */
async function seedingActor(db: Db, scheduledBy: string): Promise<Actor> {
  const scheduler = (await userSummaries(db, [scheduledBy])).get(scheduledBy);
  const person = scheduler?.active && scheduler.isStaff ? scheduler : (await listActiveStaff(db))[0];
  if (!person) throw new Error("there is no active staff account to write the baseline as");
  return asSeeder({
    id: person.id,
    email: person.email,
    name: person.name,
    organisationId: person.organisationId,
    isStaff: true,
    isOrgAdmin: false,
  });
}

export class WipeRunner {
  private readonly worker: SerialWorker;
  /** The first pause between calls to the product's reset endpoint; public so tests can shorten it. */
  productResetRetryBaseMs = RESET_RETRY_BASE_MS;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    log: WorkerLog = silentLog,
    /** Hears how each wipe this runner ran ended (the module records its duration for /metrics). */
    private readonly onOutcome: (outcome: WipeOutcome) => void = () => {},
  ) {
    this.worker = new SerialWorker(() => this.claimAndRun({}), log, "sandbox wipe pass failed");
  }

  /** Looks for a due wipe every `intervalMs`; a wipe scheduled for 09:00 starts within that of 09:00. */
  start(intervalMs = 15_000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Resolves when the run in progress (if any) has ended. */
  idle(): Promise<void> {
    return this.worker.idle();
  }

  /**
   * Claims the due wipe, if there is one, and runs it; runs on this node one after the other. Resolves
   * with the outcome (a failed wipe is an outcome, not an error), or null when nothing was due.
   */
  runDueWipes(hooks: WipeHooks = {}): Promise<WipeOutcome | null> {
    return this.worker.run(() => this.claimAndRun(hooks));
  }

  private async claimAndRun(hooks: WipeHooks): Promise<WipeOutcome | null> {
    // Another process holding the lock is running a wipe: nothing to do here until it ends.
    const held = await withSessionLock(this.db, WIPE_RUNNER_LOCK, async (connection) => {
      const ctx: Ctx = { db: connection, config: this.config, actor: null, ip: null };
      await failAbandonedWipes(ctx, true);
      // The claim: one statement, so of several nodes exactly one gets the row.
      const [wipe] = await connection
        .update(sandboxWipes)
        .set({ status: "running", startedAt: sql`now()` })
        .where(and(eq(sandboxWipes.status, "scheduled"), lte(sandboxWipes.scheduledFor, sql`now()`)))
        .returning();
      if (!wipe) return null;
      return this.run(ctx, wipe, hooks);
    });
    const outcome = held?.value ?? null;
    if (outcome) this.onOutcome(outcome);
    return outcome;
  }

  private async run(system: Ctx, wipe: WipeRow, hooks: WipeHooks): Promise<WipeOutcome> {
    const { id: wipeId, scheduledBy } = wipe;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let ctx = system;
    const progress = (step: string, done: number, total: number) => {
      reportLocalWipe(step, done, total);
      hooks.onProgress?.(step, done, total);
    };
    try {
      const seeder = await seedingActor(ctx.db, scheduledBy);
      ctx = actingAs(ctx, seeder);
      const { resetUrl } = this.config.product;
      if (resetUrl) {
        const product = await this.resetProduct(ctx, wipe, resetUrl, progress);
        return { wipeId, status: "completed", product, seconds: seconds() };
      }
      const options: BaselineOptions = await loadBaselineOptions(ctx.db);
      await recordAudit(ctx, {
        action: WIPE_STARTED,
        targetType: "sandbox_wipe",
        targetId: wipeId,
        details: { baseline: options },
      });
      // From here this node answers sandbox routes from memory (wipe-state.ts), not the database.
      beginLocalWipe(wipeId, await environmentStatus(ctx));
      progress("clearing", 0, 0);
      const outcome = await inTransaction(actingAs(ctx, seeder), async (tx) => {
        const removed = await countRows(tx.db);
        await tx.db.execute(sql.raw(`truncate table ${CLINICAL_TABLES.join(", ")}`));
        await hooks.afterClear?.();
        const { volunteers, studies, enrolments } = await restoreBaseline(tx, options, (done, total, step) =>
          progress(step, done, total),
        );
        const restored = { volunteers, studies, enrolments };
        const finishedAt = new Date();
        await tx.db
          .update(sandboxWipes)
          .set({ status: "completed", finishedAt })
          .where(eq(sandboxWipes.id, wipeId));
        await recordAudit(tx, {
          action: WIPE_COMPLETED,
          targetType: "sandbox_wipe",
          targetId: wipeId,
          details: { removed, restored, baseline: options },
        });
        await publishEvent(tx, wiped, { everyone: true }, { wipeId, finishedAt: finishedAt.toISOString() });
        return { removed, restored };
      });
      return { wipeId, status: "completed", ...outcome, seconds: seconds() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await failWipe(ctx, wipeId, message);
      return { wipeId, status: "failed", error: message, seconds: seconds() };
    } finally {
      endLocalWipe();
    }
  }

  /**
   * The product resets itself: announced, refused and recorded like the stand-in's reset (started and
   * completed in the audit log, the wiped event), but nothing here is emptied, and no transaction is
   * held while the product works. A failure throws, and the caller fails the wipe with its words.
   */
  private async resetProduct(
    ctx: Ctx,
    wipe: WipeRow,
    url: string,
    progress: (step: string, done: number, total: number) => void,
  ): Promise<{ host: string; attempts: number }> {
    const host = new URL(url).host;
    const { resetTimeoutMs, resetAttempts, webhookSecret } = this.config.product;
    await recordAudit(ctx, {
      action: WIPE_STARTED,
      targetType: "sandbox_wipe",
      targetId: wipe.id,
      details: { product: host },
    });
    beginLocalWipe(wipe.id, await environmentStatus(ctx));
    const attempts = await resetProduct(ctx, wipe, {
      url,
      secret: webhookSecret,
      timeoutMs: resetTimeoutMs,
      attempts: resetAttempts,
      retryBaseMs: this.productResetRetryBaseMs,
      onAttempt: (attempt, of) => progress("product", attempt, of),
    });
    await inTransaction(ctx, async (tx) => {
      const finishedAt = new Date();
      await tx.db
        .update(sandboxWipes)
        .set({ status: "completed", finishedAt })
        .where(eq(sandboxWipes.id, wipe.id));
      await recordAudit(tx, {
        action: WIPE_COMPLETED,
        targetType: "sandbox_wipe",
        targetId: wipe.id,
        details: { product: host, attempts },
      });
      await publishEvent(
        tx,
        wiped,
        { everyone: true },
        { wipeId: wipe.id, finishedAt: finishedAt.toISOString() },
      );
    });
    return { host, attempts };
  }
}
