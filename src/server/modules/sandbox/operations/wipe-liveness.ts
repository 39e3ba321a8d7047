/**
 * Whether a running wipe still has a runner. The runner holds a session-level lock for the whole wipe
 * (the claim included), so a `running` row while no session holds that lock belongs to a process that
 * died (killed, crashed, its machine gone): its transaction rolled back, the data is as it was, and the
 * row is marked failed at once instead of blocking the sandbox.
 */
import { and, eq, not } from "drizzle-orm";
import { ADVISORY_LOCKS } from "../../../platform/advisory-locks.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type Ctx, inTransaction } from "../../../platform/context.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { sessionLockHeld } from "../../../platform/session-lock.js";
import { wipeChanged } from "./contracts/wipes.js";
import { sandboxWipes } from "./schema.js";
import { getWipe } from "./wipe-views.js";

/** Held by the process running a wipe; of several nodes (and the CLI), one runs wipes at a time. */
export const WIPE_RUNNER_LOCK = ADVISORY_LOCKS.wipeRunner;

export const WIPE_FAILED = "sandbox.wipe_failed";

export const ABANDONED_WIPE_ERROR =
  "Interrupted: the process running it stopped before it finished; nothing was changed.";

/** The failure in the audit log and on open pages (the banner goes), in the caller's transaction. */
async function announceFailure(tx: Ctx, wipeId: string, error: string): Promise<void> {
  await recordAudit(tx, {
    action: WIPE_FAILED,
    targetType: "sandbox_wipe",
    targetId: wipeId,
    details: { error },
  });
  await publishEvent(tx, wipeChanged, { everyone: true }, { wipe: await getWipe(tx.db, wipeId) });
}

/** Marks the wipe failed with the reason, and says so. */
export async function failWipe(ctx: Ctx, wipeId: string, error: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .update(sandboxWipes)
      .set({ status: "failed", finishedAt: new Date(), error })
      .where(eq(sandboxWipes.id, wipeId));
    await announceFailure(tx, wipeId, error);
  });
}

/**
 * Fails every running wipe that no runner holds; answers how many. `callerHoldsRunnerLock` is for the
 * runner itself: holding the lock before it claims, any running row it finds is another's, abandoned.
 */
export function failAbandonedWipes(ctx: Ctx, callerHoldsRunnerLock = false): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    // One statement: a runner finishing meanwhile has committed its row's final status before it unlocks.
    const abandoned = await tx.db
      .update(sandboxWipes)
      .set({ status: "failed", finishedAt: new Date(), error: ABANDONED_WIPE_ERROR })
      .where(
        and(
          eq(sandboxWipes.status, "running"),
          callerHoldsRunnerLock ? undefined : not(sessionLockHeld(WIPE_RUNNER_LOCK)),
        ),
      )
      .returning({ id: sandboxWipes.id });
    for (const { id } of abandoned) await announceFailure(tx, id, ABANDONED_WIPE_ERROR);
    return abandoned.length;
  });
}
