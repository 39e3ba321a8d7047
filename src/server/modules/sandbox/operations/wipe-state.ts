import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import type { Ctx } from "../../../platform/context.js";
import { AppError } from "../../../platform/errors.js";
import type { EnvironmentView } from "./present.js";
import { sandboxWipes } from "./schema.js";
import { failAbandonedWipes } from "./wipe-liveness.js";

/**
 * What this node knows of the wipe it is running. The wipe's transaction holds the database until it
 * ends (on PGlite its only connection, on PostgreSQL locks on every clinical table), so while it runs
 * this node refuses sandbox routes and reports progress from memory, without asking the database.
 * Other nodes learn of the wipe from its row (`status = 'running'`).
 */
export type WipeProgress = { wipeId: string; step: string; done: number; total: number };

let local: (WipeProgress & { environment: EnvironmentView }) | null = null;

/** The environment status as it was when the wipe started; progress is added on every read. */
export function beginLocalWipe(wipeId: string, environment: EnvironmentView): void {
  local = { wipeId, step: "clearing", done: 0, total: 0, environment };
}

export function reportLocalWipe(step: string, done: number, total: number): void {
  if (local) local = { ...local, step, done, total };
}

export function endLocalWipe(): void {
  local = null;
}

export function localWipeProgress(): WipeProgress | null {
  if (!local) return null;
  const { environment: _environment, ...progress } = local;
  return progress;
}

/** The environment status this node answers while it runs a wipe, or null when it runs none. */
export function localEnvironment(): EnvironmentView | null {
  if (!local) return null;
  return {
    ...local.environment,
    nextWipe: null,
    wipe: { status: "running", step: local.step, done: local.done, total: local.total },
  };
}

/** Seconds a client waits before retrying a route refused while the sandbox is being reset. */
export const RESETTING_RETRY_AFTER_SECONDS = 10;

export function sandboxResetting(): AppError {
  const error = new AppError(
    "sandbox_resetting",
    "The development environment is being reset to its baseline. Try again in a few seconds.",
  );
  error.retryAfterSeconds = RESETTING_RETRY_AFTER_SECONDS;
  return error;
}

const runningWipe = async (db: Db) =>
  (
    await db
      .select({ id: sandboxWipes.id })
      .from(sandboxWipes)
      .where(eq(sandboxWipes.status, "running"))
      .limit(1)
  )[0];

/**
 * Whether a wipe is running on another node or process, once any whose runner died is marked failed
 * (so a crashed wipe never blocks the sandbox). Reads the database only for a row that says running.
 */
export async function wipeRunningElsewhere(ctx: Ctx): Promise<boolean> {
  if (!(await runningWipe(ctx.db))) return false;
  await failAbandonedWipes(ctx);
  return Boolean(await runningWipe(ctx.db));
}

/** Every sandbox route's first check: refused while a wipe runs here (memory) or elsewhere (its row). */
export async function assertNotResetting(ctx: Ctx): Promise<void> {
  if (local || (await wipeRunningElsewhere(ctx))) throw sandboxResetting();
}

/** The routes a running wipe refuses on its own node before the session lookup would wait for it. */
export const isSandboxRoute = (url: string) =>
  /^\/api\/(admin\/)?sandbox(\/|\?|$)/.test(url) && !url.startsWith(ENVIRONMENT_PATH);

export const ENVIRONMENT_PATH = "/api/sandbox/environment";
