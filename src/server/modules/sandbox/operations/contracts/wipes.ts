import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { defineEvent } from "../../../../../shared/events.js";
import { idParam } from "../../../../../shared/fields.js";
import { gatedErrors, resettingErrors } from "../../access/contracts/gate.js";

export const wipeStatuses = ["scheduled", "running", "completed", "failed", "cancelled"] as const;
export type WipeStatus = (typeof wipeStatuses)[number];
/** Typed by hand before a wipe now. */
export const WIPE_CONFIRMATION = "wipe the development environment";
export const MAX_WIPE_MESSAGE_LENGTH = 2000;

const tag = "sandbox";

const messageField = z
  .string({ error: "Say why the environment is wiped." })
  .trim()
  .min(1, "Say why the environment is wiped.")
  .max(MAX_WIPE_MESSAGE_LENGTH, `Use at most ${MAX_WIPE_MESSAGE_LENGTH.toLocaleString("en")} characters.`);
export const scheduleInput = z.object({
  scheduledFor: z.iso.datetime({ offset: true, error: "Enter the time as an ISO 8601 date and time." }),
  message: messageField,
});
export const wipeNowInput = z.object({
  confirmation: z.string({ error: `Type "${WIPE_CONFIRMATION}" to confirm.` }),
  message: messageField,
});
export type WipeNowInput = z.output<typeof wipeNowInput>;

const personRef = z.object({ id: z.string(), name: z.string() }).nullable();
/** A wipe as staff see it in the history and the countdown banner. */
export const wipe = z.object({
  id: z.string(),
  scheduledFor: z.string(),
  message: z.string(),
  status: z.enum(wipeStatuses),
  immediate: z.boolean(),
  scheduledBy: personRef,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  cancelledBy: personRef,
  error: z.string().nullable(),
  /** The wipe called the product's reset endpoint rather than resetting the built-in environment. */
  resetsProduct: z.boolean(),
  /** Calls made to the product's reset endpoint, retries included. */
  resetAttempts: z.number(),
});
export type Wipe = z.infer<typeof wipe>;

/** The next announced wipe as a pipeline reads it. */
export const nextWipe = z.object({ id: z.string(), scheduledFor: z.string(), message: z.string() });
export type NextWipe = z.infer<typeof nextWipe>;

export const listWipes = operation({
  operationId: "listSandboxWipes",
  summary: "List the scheduled and past wipes",
  method: "GET",
  path: "/api/admin/sandbox/wipes",
  access: "staff",
  tag,
  response: z.object({
    wipes: z.array(wipe),
    /** The host of the product's reset endpoint a due wipe calls; null when the built-in environment is reset. */
    productResetHost: z.string().nullable(),
  }),
  errors: resettingErrors,
});

export const getNextWipe = operation({
  operationId: "getNextSandboxWipe",
  pipeline: true,
  summary: "The next scheduled wipe, if any",
  description:
    "For a deployment pipeline (a personal API token of area sandbox): the wipe announced next, or null. Behind the sandbox gate: the token's owner must have accepted the agreement in force.",
  method: "GET",
  path: "/api/sandbox/wipes/next",
  access: "member",
  tag,
  response: z.object({ wipe: nextWipe.nullable() }),
  errors: gatedErrors,
});

export const scheduleWipe = operation({
  operationId: "scheduleSandboxWipe",
  summary: "Schedule a wipe, announced ahead",
  method: "POST",
  path: "/api/admin/sandbox/wipes",
  access: "staff",
  tag,
  body: scheduleInput,
  response: wipe,
  status: 201,
  errors: resettingErrors,
});

export const wipeNow = operation({
  operationId: "wipeSandboxNow",
  summary: "Wipe the development environment now",
  description: "The wipe runs after the answer; follow it through the environment status.",
  method: "POST",
  path: "/api/admin/sandbox/wipes/now",
  access: "staff",
  tag,
  body: wipeNowInput,
  response: z.object({ wipe }),
  status: 202,
  errors: resettingErrors,
});

export const cancelWipe = operation({
  operationId: "cancelSandboxWipe",
  summary: "Cancel a scheduled wipe",
  method: "POST",
  path: "/api/admin/sandbox/wipes/:id/cancel",
  access: "staff",
  tag,
  params: idParam,
  response: wipe,
  errors: resettingErrors,
});

/** A wipe was scheduled, cancelled, started now or failed: the banner's countdown and the wipes page follow. */
export const wipeChanged = defineEvent<{ wipe: Wipe }>("sandbox.wipe");
/** A wipe finished: every sandbox page fetches again, its data went back to the baseline. */
export const wiped = defineEvent<{ wipeId: string; finishedAt: string }>("sandbox.wiped");
