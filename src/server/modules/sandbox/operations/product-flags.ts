/**
 * Feature flags between Convene and the vendor's product, one way or the other (PRODUCT_FLAGS_SOURCE):
 * - `convene`: staff decide here; with PRODUCT_FLAGS_URL every change of states queues one signed call
 *   to the product (product/calls.ts sends it), in the transaction of the change.
 * - `product`: the product's flag service decides and posts the states here, signed with
 *   PRODUCT_WEBHOOK_SECRET; staff cannot change a state here meanwhile (409), so the two never differ
 *   for long.
 * flags.ts applies the states either way; this file says who owns them and speaks to the product.
 */
import { asc } from "drizzle-orm";
import type { Config } from "../../../config.js";
import type { Ctx } from "../../../platform/context.js";
import { AppError } from "../../../platform/errors.js";
import { verifySignature } from "../../../platform/signed-post.js";
import { queueProductCall } from "../product/index.js";
import type { FlagSource, FlagState } from "./contracts/flags.js";
import { sandboxFlags } from "./schema.js";

/** What `x-convene-event` says on a call carrying the flags' states. */
export const PRODUCT_FLAGS_EVENT = "sandbox.flags";

/**
 * Who set a state the product's flag service sent. A flag row names who changed it last, and the flag
 * service is nobody's account: it is written as the nil UUID, which no person's id can be.
 */
export const PRODUCT_FLAG_SERVICE_ID = "00000000-0000-0000-0000-000000000000";
/** How the audit log names the product's flag service. */
export const PRODUCT_FLAG_SERVICE = "the product's flag service";

/** A change of state as the product hears it: a new flag comes `from` null. */
export type ProductFlagChange = { key: string; from: FlagState | null; to: FlagState };

export const flagsSource = (config: Config): FlagSource => config.product.flagsSource;

/** A 409 for whoever tries to set a state here while the product's flag service owns them. */
export function refuseWhileProductOwnsFlags(config: Config, field?: string): void {
  if (flagsSource(config) !== "product") return;
  const message =
    "The flags follow the product's flag service (PRODUCT_FLAGS_SOURCE=product): change their states there.";
  throw new AppError("conflict", message, field ? { [field]: message } : undefined);
}

/**
 * Queues, in the caller's transaction, the call that tells the product the flags' states: every flag
 * with its state now, what changed, and when, so a product that gets two calls out of order keeps the
 * later `at`. Nothing when the product is not listening (no PRODUCT_FLAGS_URL) or owns the flags itself.
 */
export async function tellProductOfFlags(ctx: Ctx, changes: ProductFlagChange[]): Promise<void> {
  const { flagsSource: source, flagsUrl } = ctx.config.product;
  if (source !== "convene" || !flagsUrl || changes.length === 0) return;
  const rows = await ctx.db
    .select({ key: sandboxFlags.key, state: sandboxFlags.state })
    .from(sandboxFlags)
    .orderBy(asc(sandboxFlags.key));
  await queueProductCall(ctx, {
    kind: "flags",
    payload: {
      event: PRODUCT_FLAGS_EVENT,
      flags: Object.fromEntries(rows.map((row) => [row.key, row.state])),
      changes,
      at: new Date().toISOString(),
    },
  });
}

/**
 * The guard of the product's inbound call, before its body is read: 409 unless the product owns the
 * flags, then 401 `unauthenticated` saying why unless the raw body carries a valid, fresh signature
 * by PRODUCT_WEBHOOK_SECRET.
 */
export function checkProductFlagsCall(
  config: Config,
  request: { rawBody: string; headers: Record<string, string | string[] | undefined> },
): void {
  if (flagsSource(config) !== "product")
    throw new AppError(
      "conflict",
      "Convene's staff set the flags here (PRODUCT_FLAGS_SOURCE=convene): the product's flag service cannot post them.",
    );
  const secret = config.product.webhookSecret;
  if (!secret)
    throw new AppError("unauthenticated", "PRODUCT_WEBHOOK_SECRET is not set: no signature can be checked.");
  const check = verifySignature({ secret, body: request.rawBody, headers: request.headers });
  if (!check.valid) throw new AppError("unauthenticated", check.reason);
}
