import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { ticket } from "./tickets.js";

const tag = "desk";

// --- input ---

// The organisation an approval may create, with the same rules and messages as the admin's organisation
// form: a copy until the accounts module's contract declares that input for other contracts to import.
const organisationKinds = ["vendor", "customer", "partner"] as const;
const domainField = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "Not a valid domain such as example.org.",
  );
const newOrganisation = z.object({
  name: z.string().trim().min(2, "Enter the organisation's name.").max(200),
  kind: z.enum(organisationKinds, { error: "Choose vendor, customer or partner." }),
  domains: z
    .array(domainField)
    .max(50)
    .refine((domains) => new Set(domains).size === domains.length, "A domain is listed twice."),
});

// One object with an "exactly one of" rule, so a bad new organisation names its own fields.
export const approvalInput = z
  .object({
    organisationId: z.uuid("Choose an organisation.").optional(),
    newOrganisation: newOrganisation.optional(),
  })
  .refine((body) => (body.organisationId === undefined) !== (body.newOrganisation === undefined), {
    message: "Choose an existing organisation or describe a new one, not both.",
    path: ["organisationId"],
  });
export type ApprovalInput = z.output<typeof approvalInput>;

export const declineInput = z.object({
  reason: z.string().trim().min(5, "Give the requester a reason.").max(4000),
});
export type DeclineInput = z.output<typeof declineInput>;

// --- operations ---

export const approveAccessRequest = operation({
  operationId: "approveAccessRequest",
  summary: "Approve an access request and e-mail the requester an invitation",
  description: "Into an existing organisation or a new one; its domains must cover the requester's address.",
  method: "POST",
  path: "/api/desk/tickets/:id/approve",
  access: "staff",
  tag,
  params: idParam,
  body: approvalInput,
  response: ticket,
});

export const declineAccessRequest = operation({
  operationId: "declineAccessRequest",
  summary: "Decline an access request and e-mail the requester the reason",
  method: "POST",
  path: "/api/desk/tickets/:id/decline",
  access: "staff",
  tag,
  params: idParam,
  body: declineInput,
  response: ticket,
});
