import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText } from "../../../../shared/fields.js";
import { organisationRef } from "./organisations.js";

const tag = "accounts";

/** read: GET and HEAD only; write: whatever the person may do. */
export const apiTokenAccessLevels = ["read", "write"] as const;
export type ApiTokenAccess = (typeof apiTokenAccessLevels)[number];
/**
 * sandbox: the development environment's routes (and its pharmacy) only; pipeline: the deployment
 * pipeline's operations only (`pipeline: true` in their contracts); all: every route.
 */
export const apiTokenAreas = ["sandbox", "pipeline", "all"] as const;
export type ApiTokenArea = (typeof apiTokenAreas)[number];
/** The lifetimes a person may choose, in days: a token never lives for ever. */
export const apiTokenLifetimes = [7, 30, 90, 365] as const;
export const apiTokenStatuses = ["active", "expired", "revoked"] as const;
export type ApiTokenStatus = (typeof apiTokenStatuses)[number];

// --- input ---

export const apiTokenInput = z.object({
  name: requiredText("Name the token after what will use it.", 100),
  access: z.enum(apiTokenAccessLevels, { error: "Choose read only, or read and write." }),
  area: z.enum(apiTokenAreas, {
    error: "Choose the development environment, the deployment pipeline, or everything.",
  }),
  expiresInDays: z
    .number({ error: "Choose when the token expires." })
    .int()
    .refine(
      (days) => (apiTokenLifetimes as readonly number[]).includes(days),
      `Choose ${apiTokenLifetimes.join(", ")} days.`,
    ),
});
export type ApiTokenInput = z.output<typeof apiTokenInput>;
export const apiTokenFilter = z.object({ organisationId: z.uuid().optional() });
export type ApiTokenFilter = z.output<typeof apiTokenFilter>;

// --- output ---

export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, enough to recognise it; the rest is never kept. */
  prefix: z.string(),
  access: z.enum(apiTokenAccessLevels),
  area: z.enum(apiTokenAreas),
  owner: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  organisation: organisationRef,
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(apiTokenStatuses),
});
export type ApiToken = z.infer<typeof apiToken>;
/** The secret is in this answer only: the server keeps its hash. */
export const createdApiToken = z.object({ token: apiToken, secret: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiToken>;

// Every operation here refuses API tokens (`bearer: false`): a token cannot mint, list or revoke tokens.

export const listMyApiTokens = operation({
  operationId: "listMyApiTokens",
  summary: "Your personal API tokens, newest first, with their last use",
  method: "GET",
  path: "/api/me/api-tokens",
  access: "member",
  tag,
  bearer: false,
  response: z.object({ tokens: z.array(apiToken) }),
});

export const createApiToken = operation({
  operationId: "createApiToken",
  summary: "Create a personal API token; its secret is in this answer only",
  method: "POST",
  path: "/api/me/api-tokens",
  access: "member",
  tag,
  bearer: false,
  body: apiTokenInput,
  response: createdApiToken,
  status: 201,
});

export const revokeMyApiToken = operation({
  operationId: "revokeMyApiToken",
  summary: "Revoke one of your API tokens; it stops working at once",
  method: "DELETE",
  path: "/api/me/api-tokens/:id",
  access: "member",
  tag,
  bearer: false,
  params: idParam,
});

export const listApiTokens = operation({
  operationId: "listApiTokens",
  summary: "API tokens of your organisation (organisation admins) or of everyone (staff)",
  method: "GET",
  path: "/api/api-tokens",
  access: "member",
  tag,
  bearer: false,
  query: apiTokenFilter,
  response: z.object({ tokens: z.array(apiToken) }),
});

export const revokeApiToken = operation({
  operationId: "revokeApiToken",
  summary: "Revoke a token of your organisation (organisation admins) or anyone's (staff)",
  method: "DELETE",
  path: "/api/api-tokens/:id",
  access: "member",
  tag,
  bearer: false,
  params: idParam,
});
