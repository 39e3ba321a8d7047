/**
 * A wipe of the vendor's real product environment: instead of emptying the built-in stand-in's tables,
 * the runner asks the product's reset endpoint (PRODUCT_RESET_URL) to reset itself, with a signed POST
 * (platform/signed-post.ts). The delivery id is the wipe's id on every attempt, so a product that got an
 * attempt whose answer was lost can tell the retry is the same reset.
 */
import { eq } from "drizzle-orm";
import type { Ctx } from "../../../platform/context.js";
import {
  formatSeconds,
  retryDelayMs,
  type SignedPostOutcome,
  signedPost,
} from "../../../platform/signed-post.js";
import type { WipeRow } from "./present.js";
import { sandboxWipes } from "./schema.js";

/** What `x-convene-event` says on a reset call. */
export const PRODUCT_RESET_EVENT = "sandbox.reset";

/** Multiples of the reset's backoff base between attempts: with 5 s, 5 s, 15 s, then 45 s. */
const RESET_RETRY_STEPS = [1, 3, 9] as const;
/** The default backoff base. */
export const RESET_RETRY_BASE_MS = 5000;
/** How much of a failing answer's body the wipe's error quotes. */
const QUOTED_BODY_LENGTH = 200;

/** The body of a reset call. */
export type ProductResetRequest = {
  wipeId: string;
  scheduledFor: string;
  message: string;
  requestedAt: string;
};

export type ProductReset = {
  url: string;
  secret: string | undefined;
  timeoutMs: number;
  attempts: number;
  /** The first pause between attempts; later ones are 3x and 9x it. */
  retryBaseMs: number;
  /** Hears each attempt as it starts (the wipe's progress). */
  onAttempt?: (attempt: number, of: number) => void;
};

const host = (url: string) => new URL(url).host;

/** What the product's endpoint last did, in words a person reads on the wipes page. */
function answerOf(outcome: SignedPostOutcome, timeoutMs: number): string {
  if (outcome.statusCode !== null) return `answered ${outcome.statusCode}`;
  if (outcome.timedOut) return `did not answer within ${formatSeconds(timeoutMs)}`;
  return `could not be reached (${outcome.error ?? "no answer"})`;
}

/**
 * "The product's reset endpoint answered 500 on all 3 attempts: <its body>": the last answer, whether
 * every attempt ended the same way, and the start of what the endpoint said.
 */
export function resetFailure(outcomes: SignedPostOutcome[], timeoutMs: number): string {
  const last = outcomes.at(-1);
  if (!last) return "The product's reset endpoint was not called.";
  const answer = answerOf(last, timeoutMs);
  const alike = outcomes.every((outcome) => answerOf(outcome, timeoutMs) === answer);
  const attempts =
    outcomes.length === 1
      ? "on its only attempt"
      : alike
        ? `on all ${outcomes.length} attempts`
        : `on the last of ${outcomes.length} attempts`;
  const said = last.body?.trim() ? `: ${last.body.trim().slice(0, QUOTED_BODY_LENGTH)}` : ".";
  return `The product's reset endpoint ${answer} ${attempts}${said}`;
}

/**
 * Calls the product's reset endpoint for this wipe until it answers 2xx or the attempts run out, with
 * a pause between attempts. Each attempt is counted on the wipe's row as it is made, so the count is
 * right however the run ends. Resolves with the attempts it took; throws with the failure in words.
 */
export async function resetProduct(ctx: Ctx, wipe: WipeRow, reset: ProductReset): Promise<number> {
  await ctx.db
    .update(sandboxWipes)
    .set({ resetsProduct: true, resetAttempts: 0 })
    .where(eq(sandboxWipes.id, wipe.id));
  const { secret } = reset;
  if (!secret)
    throw new Error(
      `PRODUCT_WEBHOOK_SECRET is not set, so the call to the product's reset endpoint at ${host(reset.url)} cannot be signed.`,
    );
  const request: ProductResetRequest = {
    wipeId: wipe.id,
    scheduledFor: wipe.scheduledFor.toISOString(),
    message: wipe.message,
    requestedAt: new Date().toISOString(),
  };
  // The same bytes every attempt: only the timestamp, and so the signature, differ.
  const body = JSON.stringify(request);
  const outcomes: SignedPostOutcome[] = [];
  for (let attempt = 1; attempt <= reset.attempts; attempt++) {
    if (attempt > 1)
      await new Promise((resolve) =>
        setTimeout(resolve, retryDelayMs(reset.retryBaseMs, attempt - 1, RESET_RETRY_STEPS)),
      );
    reset.onAttempt?.(attempt, reset.attempts);
    const outcome = await signedPost({
      url: reset.url,
      secret,
      event: PRODUCT_RESET_EVENT,
      deliveryId: wipe.id,
      body,
      timeoutMs: reset.timeoutMs,
      keepBody: QUOTED_BODY_LENGTH,
    });
    outcomes.push(outcome);
    await ctx.db.update(sandboxWipes).set({ resetAttempts: attempt }).where(eq(sandboxWipes.id, wipe.id));
    if (outcome.ok) return attempt;
  }
  throw new Error(resetFailure(outcomes, reset.timeoutMs));
}
