import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { resettingErrors } from "../../access/contracts/gate.js";
import { sandboxRoles } from "../../access/contracts/users.js";

const tag = "sandbox";

/** Where a sandbox person's account in the product stands against what Convene says it should be. */
export const provisioningStates = ["in sync", "pending", "failing"] as const;
export type ProvisioningState = (typeof provisioningStates)[number];

export const productCallStatuses = ["pending", "succeeded", "failed"] as const;
export type ProductCallStatus = (typeof productCallStatuses)[number];

export const reconcileActionKinds = ["create", "update", "deactivate"] as const;
export type ReconcileActionKind = (typeof reconcileActionKinds)[number];
/** `planned` in a dry run; `done` or `failed` once applied. */
export const reconcileOutcomes = ["planned", "done", "failed"] as const;
export type ReconcileOutcome = (typeof reconcileOutcomes)[number];

/** The environment variables that connect each part, for the page to name when a part is not connected. */
export const productVariables = {
  product: ["PRODUCT_URL"],
  oidc: ["PRODUCT_OIDC_CLIENT_ID", "PRODUCT_OIDC_CLIENT_SECRET", "PRODUCT_OIDC_REDIRECT_URIS"],
  scim: ["PRODUCT_SCIM_URL", "PRODUCT_SCIM_TOKEN"],
  reset: ["PRODUCT_RESET_URL", "PRODUCT_WEBHOOK_SECRET"],
  flags: ["PRODUCT_FLAGS_URL", "PRODUCT_FLAGS_SOURCE", "PRODUCT_WEBHOOK_SECRET"],
} as const;

/** What of the product is configured; addresses and names only, never a secret. Null: not connected. */
export const productConnection = z.object({
  productUrl: z.string().nullable(),
  oidc: z
    .object({
      issuer: z.string(),
      clientId: z.string(),
      redirectUris: z.array(z.string()),
      postLogoutRedirectUris: z.array(z.string()),
      backchannelLogoutUri: z.string().nullable(),
    })
    .nullable(),
  scim: z.object({ url: z.string() }).nullable(),
  reset: z.object({ url: z.string(), timeoutSeconds: z.number(), attempts: z.number() }).nullable(),
  flags: z.object({ url: z.string().nullable(), source: z.enum(["convene", "product"]) }),
});
export type ProductConnection = z.infer<typeof productConnection>;

/** A sandbox person as provisioned into the product. */
export const provisionedPerson = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: z.string(),
  /** Their sandbox role; `staff` for the product team. */
  role: z.enum([...sandboxRoles, "staff"]),
  /** Belongs in the product's user list (else pushed as inactive). */
  member: z.boolean(),
  state: z.enum(provisioningStates),
  scimId: z.string().nullable(),
  pushedAt: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  failingSince: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type ProvisionedPerson = z.infer<typeof provisionedPerson>;

/** A signed call Convene owes the product (flags), as staff follow its delivery. */
export const productCall = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(productCallStatuses),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  nextAttemptAt: z.string(),
});
export type ProductCall = z.infer<typeof productCall>;

export const productEnvironment = z.object({
  connection: productConnection,
  /** Null while SCIM is not configured: nobody is provisioned. Failing people first. */
  provisioning: z
    .object({
      people: z.array(provisionedPerson),
      counts: z.object({ inSync: z.number(), pending: z.number(), failing: z.number() }),
    })
    .nullable(),
  /** The newest 50 signed calls, newest first. */
  calls: z.array(productCall),
});
export type ProductEnvironment = z.infer<typeof productEnvironment>;

export const reconcileAction = z.object({
  action: z.enum(reconcileActionKinds),
  /** The product's userName: the person's address. */
  userName: z.string(),
  name: z.string().nullable(),
  organisation: z.string().nullable(),
  /** The Convene person; null for a user Convene does not know. */
  userId: z.string().nullable(),
  /** The product's id; null for a user still to create. */
  scimId: z.string().nullable(),
  reason: z.string(),
  outcome: z.enum(reconcileOutcomes),
  error: z.string().nullable(),
});
export type ReconcileAction = z.infer<typeof reconcileAction>;

export const reconcileReport = z.object({
  dryRun: z.boolean(),
  /** Users the product listed, active or not. */
  productUsers: z.number(),
  /** Sandbox members, who belong in the product's user list. */
  members: z.number(),
  /** Convene's people the product already has right. */
  inSync: z.number(),
  actions: z.array(reconcileAction),
  failed: z.number(),
  /** Why nothing could be planned: the product's user list could not be read. */
  error: z.string().nullable(),
});
export type ReconcileReport = z.infer<typeof reconcileReport>;

export const reconcileInput = z.object({
  dryRun: z.boolean({ error: "Use true or false." }).optional(),
});

export const getProductEnvironment = operation({
  operationId: "getSandboxProduct",
  summary: "The product environment's connection, provisioning and signed calls",
  method: "GET",
  path: "/api/admin/sandbox/product",
  access: "staff",
  tag,
  response: productEnvironment,
  errors: resettingErrors,
});

export const retryProvisioning = operation({
  operationId: "retrySandboxProductProvisioning",
  summary: "Push every failing person to the product now",
  description: "Answers once the pass has run; 409 while SCIM is not configured.",
  method: "POST",
  path: "/api/admin/sandbox/product/provisioning/retry",
  access: "staff",
  tag,
  response: productEnvironment,
  errors: resettingErrors,
});

export const reconcileProduct = operation({
  operationId: "reconcileSandboxProduct",
  summary: "Compare the product's users with Convene's and fix the drift",
  description:
    "With `dryRun` only the plan is answered. 409 while SCIM is not configured; an unreadable user list is answered as `error`.",
  method: "POST",
  path: "/api/admin/sandbox/product/reconcile",
  access: "staff",
  tag,
  body: reconcileInput,
  response: reconcileReport,
  errors: resettingErrors,
});
