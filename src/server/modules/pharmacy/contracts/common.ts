import { z } from "zod";
import type { ErrorCode } from "../../../../shared/errors.js";
import { gatedErrors } from "../../sandbox/access/contracts/gate.js";

export const tag = "pharmacy";
export const base = "/api/sandbox/pharmacy";

/**
 * What every pharmacy operation may answer beyond its kind's errors: the sandbox gate (the agreement
 * not accepted), the `pharmacy` flag switched off, and the environment being wiped.
 */
export const pharmacyErrors = [...gatedErrors, "feature_disabled"] as const satisfies readonly ErrorCode[];

/**
 * Every pharmacy answer says whether the feature is in preview, so a page can show the
 * "preview — not validated" marker next to what it shows.
 */
export const preview = { preview: z.boolean() };
export type Previewed<T> = T & { preview: boolean };

export const personRef = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof personRef>;

/** Why a change was made, for the audit trail. */
export const reasonField = z
  .string({ error: "Give a reason." })
  .trim()
  .max(1000, "Use at most 1,000 characters.");

/** A count of whole units, 1 or more. */
export const wholeUnits = (message: string) => z.number({ error: message }).int(message).min(1, message);
