import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { emailField, nameField } from "../../../../shared/fields.js";

const tag = "accounts";

export const accessRequestInput = z.object({
  name: nameField,
  email: emailField,
  organisation: z.string().trim().min(2, "Enter your organisation.").max(200),
  role: z.string().trim().min(2, "Enter your role.").max(200),
  reason: z.string().trim().min(10, "Tell us in a sentence why you want to join.").max(4000),
});
export type AccessRequestInput = z.output<typeof accessRequestInput>;

export const requestAccess = operation({
  operationId: "requestAccess",
  summary: "Ask to join the community; the request becomes a desk ticket",
  method: "POST",
  path: "/api/access-requests",
  access: "public",
  tag,
  body: accessRequestInput,
  response: z.object({ ticketNumber: z.number() }),
  status: 202,
  errors: ["rate_limited"],
});
