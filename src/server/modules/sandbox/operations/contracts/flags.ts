import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { defineEvent } from "../../../../../shared/events.js";
import { resettingErrors } from "../../access/contracts/gate.js";

export const flagStates = ["off", "preview", "on"] as const;
export type FlagState = (typeof flagStates)[number];
export type FlagChange = { key: string; from: FlagState; to: FlagState };
/**
 * Where the flags' states are decided: `convene`, by staff here (and sent to the product when
 * PRODUCT_FLAGS_URL is set); `product`, by the product's flag service, which posts them here signed.
 */
export const flagSources = ["convene", "product"] as const;
export type FlagSource = (typeof flagSources)[number];
export const FLAG_KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const tag = "sandbox";

export const stateField = z.enum(flagStates, { error: "Choose a state: off, preview or on." });
const flagNameField = z
  .string({ error: "Give the flag a name." })
  .trim()
  .min(1, "Give the flag a name.")
  .max(120, "Use at most 120 characters.");
const flagDescriptionField = z.string().trim().max(2000, "Use at most 2,000 characters.");
const releaseIdField = z.uuid({ error: "Choose a release." }).nullable();
export const flagInput = z.object({
  key: z
    .string({ error: "Give the flag a key." })
    .trim()
    .min(1, "Give the flag a key.")
    .max(60, "Use at most 60 characters.")
    .regex(
      FLAG_KEY_PATTERN,
      "Use lowercase letters and digits, words joined by single dashes (pharmacy-labels).",
    ),
  name: flagNameField,
  description: flagDescriptionField.default(""),
  state: stateField,
  releaseId: releaseIdField.optional(),
});
export type FlagInput = z.output<typeof flagInput>;
export const flagChanges = z
  .object({
    name: flagNameField.optional(),
    description: flagDescriptionField.optional(),
    state: stateField.optional(),
    releaseId: releaseIdField.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), "Say what to change.");
export type FlagChanges = z.output<typeof flagChanges>;
const flagKeyParam = z.object({ key: z.string().max(60, "Not a flag key.") });

const releaseRef = z.object({ id: z.string(), version: z.string(), status: z.enum(["draft", "published"]) });
/** A feature flag as every sandbox user sees it, with the release that makes it generally available. */
export const flag = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  state: z.enum(flagStates),
  release: releaseRef.nullable(),
  updatedAt: z.string(),
});
export type Flag = z.infer<typeof flag>;

export const listFlags = operation({
  operationId: "listSandboxFlags",
  pipeline: true,
  summary: "List the development environment's feature flags",
  method: "GET",
  path: "/api/sandbox/flags",
  access: "member",
  tag,
  response: z.object({
    flags: z.array(flag),
    /** product: the states follow the product's flag service, and staff cannot change them here. */
    flagsSource: z.enum(flagSources),
  }),
  errors: resettingErrors,
});

export const createFlag = operation({
  operationId: "createSandboxFlag",
  summary: "Create a feature flag",
  method: "POST",
  path: "/api/admin/sandbox/flags",
  access: "staff",
  tag,
  body: flagInput,
  response: flag,
  status: 201,
  errors: resettingErrors,
});

export const updateFlag = operation({
  operationId: "updateSandboxFlag",
  summary: "Change a feature flag",
  method: "PATCH",
  path: "/api/admin/sandbox/flags/:key",
  access: "staff",
  tag,
  params: flagKeyParam,
  body: flagChanges,
  response: flag,
  errors: resettingErrors,
});

/** The states the product's flag service posts, by flag key. */
export const productFlagsInput = z.object({
  flags: z.record(z.string().max(60, "Not a flag key."), stateField, {
    error: "Send the flags as an object of key: state.",
  }),
});
const flagChange = z.object({ key: z.string(), from: z.enum(flagStates), to: z.enum(flagStates) });

export const receiveProductFlags = operation({
  operationId: "receiveProductFlags",
  summary: "Set the flags' states from the product's flag service (signed)",
  description:
    "For the product's flag service when PRODUCT_FLAGS_SOURCE=product: no session or token, but an x-convene-signature (HMAC-SHA256 of `<x-convene-timestamp>.<raw body>` under PRODUCT_WEBHOOK_SECRET) made within 5 minutes. Answers the flags that changed. 409 while Convene's staff own the flags.",
  method: "POST",
  path: "/api/sandbox/product/flags",
  access: "public",
  csrf: false,
  tag,
  body: productFlagsInput,
  response: z.object({ changes: z.array(flagChange) }),
  errors: ["unauthenticated", "conflict", ...resettingErrors],
});

/**
 * A flag was created or changed. Every open sandbox page fetches again, so a page of a feature switched
 * off says so at once; to everyone signed in, since the environment banner (shown before the agreement
 * is accepted) lists what is in preview.
 */
export const flagChanged = defineEvent<{ flag: Flag }>("sandbox.flag");
