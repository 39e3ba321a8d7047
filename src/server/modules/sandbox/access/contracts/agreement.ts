import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { idParam } from "../../../../../shared/fields.js";
import { resettingErrors } from "./gate.js";

export const agreementStatuses = ["draft", "published"] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

const tag = "sandbox";

const titleField = z
  .string({ error: "Give the agreement a title." })
  .trim()
  .min(1, "Give the agreement a title.")
  .max(200, "Use at most 200 characters.");
const bodyField = z
  .string({ error: "Write the agreement." })
  .trim()
  .min(1, "Write the agreement.")
  .max(50_000, "Use at most 50,000 characters.");
export const agreementInput = z.object({ title: titleField, body: bodyField });
export type AgreementInput = z.output<typeof agreementInput>;
export const agreementChanges = z
  .object({ title: titleField.optional(), body: bodyField.optional() })
  .refine((body) => body.title !== undefined || body.body !== undefined, "Say what to change.");
export type AgreementChanges = z.output<typeof agreementChanges>;

/** The agreement as a reader sees it: the text, rendered by the server, and when they accepted it. */
export const agreement = z.object({
  id: z.string(),
  version: z.number(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  publishedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
});
export type Agreement = z.infer<typeof agreement>;

/** The agreement as staff edit it. */
export const agreementVersion = z.object({
  id: z.string(),
  version: z.number(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  status: z.enum(agreementStatuses),
  current: z.boolean(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  acceptanceCount: z.number(),
});
export type AgreementVersion = z.infer<typeof agreementVersion>;

export const acceptance = z.object({
  person: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  organisation: z.object({ id: z.string(), name: z.string() }).nullable(),
  acceptedAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type Acceptance = z.infer<typeof acceptance>;

export const getCurrentAgreement = operation({
  operationId: "getCurrentAgreement",
  summary: "Read the agreement in force",
  method: "GET",
  path: "/api/sandbox/agreement",
  access: "member",
  tag,
  response: agreement,
  errors: resettingErrors,
});

export const acceptAgreement = operation({
  operationId: "acceptAgreement",
  summary: "Accept the agreement in force",
  method: "POST",
  path: "/api/sandbox/agreement/accept",
  access: "member",
  tag,
  body: z.object({ agreementId: z.uuid({ error: "Name the agreement version you accept." }) }),
  response: agreement,
  errors: resettingErrors,
});

export const listAgreementVersions = operation({
  operationId: "listAgreementVersions",
  summary: "List every version of the agreement",
  method: "GET",
  path: "/api/admin/sandbox/agreements",
  access: "staff",
  tag,
  response: z.object({ versions: z.array(agreementVersion) }),
  errors: resettingErrors,
});

export const createAgreementDraft = operation({
  operationId: "createAgreementDraft",
  summary: "Draft a new version of the agreement",
  method: "POST",
  path: "/api/admin/sandbox/agreements",
  access: "staff",
  tag,
  body: agreementInput,
  response: agreementVersion,
  status: 201,
  errors: resettingErrors,
});

export const getAgreementVersion = operation({
  operationId: "getAgreementVersion",
  summary: "Read one version of the agreement",
  method: "GET",
  path: "/api/admin/sandbox/agreements/:id",
  access: "staff",
  tag,
  params: idParam,
  response: agreementVersion,
  errors: resettingErrors,
});

export const updateAgreementDraft = operation({
  operationId: "updateAgreementDraft",
  summary: "Change a draft of the agreement",
  method: "PATCH",
  path: "/api/admin/sandbox/agreements/:id",
  access: "staff",
  tag,
  params: idParam,
  body: agreementChanges,
  response: agreementVersion,
  errors: resettingErrors,
});

export const publishAgreement = operation({
  operationId: "publishAgreement",
  summary: "Publish a draft of the agreement",
  method: "POST",
  path: "/api/admin/sandbox/agreements/:id/publish",
  access: "staff",
  tag,
  params: idParam,
  response: agreementVersion,
  errors: resettingErrors,
});

export const listAcceptances = operation({
  operationId: "listAgreementAcceptances",
  summary: "List who accepted a version of the agreement",
  method: "GET",
  path: "/api/admin/sandbox/agreements/:id/acceptances",
  access: "staff",
  tag,
  params: idParam,
  response: z.object({ acceptances: z.array(acceptance) }),
  errors: resettingErrors,
});
