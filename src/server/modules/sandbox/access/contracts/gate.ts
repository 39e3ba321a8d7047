import type { ErrorCode } from "../../../../../shared/errors.js";

/**
 * What a sandbox route may answer beyond its kind's errors. Any of them is refused while the node it
 * reaches runs a wipe (the environment status excepted, which reports the wipe's progress).
 */
export const resettingErrors = ["sandbox_resetting"] as const satisfies readonly ErrorCode[];

/** Behind the sandbox gate the agreement in force must be accepted too. */
export const gatedErrors = [
  "agreement_required",
  "sandbox_resetting",
] as const satisfies readonly ErrorCode[];
