import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText } from "../../../../shared/fields.js";

const tag = "accounts";

// --- input ---

export const scimTokenInput = z.object({
  name: requiredText("Name the token after the identity provider that holds it.", 100),
});
export type ScimTokenInput = z.output<typeof scimTokenInput>;

// --- output ---

export const scimToken = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, enough to recognise it; the rest is never kept. */
  prefix: z.string(),
  organisationId: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ScimToken = z.infer<typeof scimToken>;
/** The secret is in this answer only: the server keeps its hash. */
export const createdScimToken = z.object({ token: scimToken, secret: z.string(), baseUrl: z.string() });
export type CreatedScimToken = z.infer<typeof createdScimToken>;

// Staff manage an organisation's SCIM tokens from a signed-in browser only (`bearer: false`).

export const listScimTokens = operation({
  operationId: "listScimTokens",
  summary: "An organisation's SCIM provisioning tokens, with their last use",
  method: "GET",
  path: "/api/admin/organisations/:id/scim-tokens",
  access: "staff",
  tag,
  bearer: false,
  params: idParam,
  response: z.object({ tokens: z.array(scimToken), baseUrl: z.string() }),
});

export const createScimToken = operation({
  operationId: "createScimToken",
  summary: "Create a SCIM provisioning token for an organisation; its secret is in this answer only",
  method: "POST",
  path: "/api/admin/organisations/:id/scim-tokens",
  access: "staff",
  tag,
  bearer: false,
  params: idParam,
  body: scimTokenInput,
  response: createdScimToken,
  status: 201,
});

export const revokeScimToken = operation({
  operationId: "revokeScimToken",
  summary: "Revoke a SCIM provisioning token; the identity provider is refused at once",
  method: "DELETE",
  path: "/api/admin/scim-tokens/:id",
  access: "staff",
  tag,
  bearer: false,
  params: idParam,
});
