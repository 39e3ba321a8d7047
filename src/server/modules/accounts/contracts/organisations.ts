import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam } from "../../../../shared/fields.js";

export const organisationKinds = ["vendor", "customer", "partner"] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

const tag = "accounts";

/** An organisation was created or changed: to the product team, whose admin pages list them. */
export const organisationChanged = defineEvent<{ organisationId: string }>("accounts.organisation");

// --- input ---

export const domainField = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "Not a valid domain such as example.org.",
  );

export const organisationInput = z.object({
  name: z.string().trim().min(2, "Enter the organisation's name.").max(200),
  kind: z.enum(organisationKinds, { error: "Choose vendor, customer or partner." }),
  domains: z
    .array(domainField)
    .max(50)
    .refine((domains) => new Set(domains).size === domains.length, "A domain is listed twice."),
});
export type OrganisationInput = z.output<typeof organisationInput>;
export const organisationChanges = organisationInput.partial();
export type OrganisationChanges = z.output<typeof organisationChanges>;

// --- output ---

export const organisationRef = z.object({ id: z.string(), name: z.string() });
export const organisation = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(organisationKinds),
  domains: z.array(z.string()),
  memberCount: z.number(),
});
export type Organisation = z.infer<typeof organisation>;

export const listOrganisations = operation({
  operationId: "listOrganisations",
  summary: "Every organisation with its domains and active member count",
  method: "GET",
  path: "/api/admin/organisations",
  access: "staff",
  tag,
  response: z.object({ organisations: z.array(organisation) }),
});

export const createOrganisation = operation({
  operationId: "createOrganisation",
  summary: "Add an organisation",
  method: "POST",
  path: "/api/admin/organisations",
  access: "staff",
  tag,
  body: organisationInput,
  response: organisation,
  status: 201,
});

export const updateOrganisation = operation({
  operationId: "updateOrganisation",
  summary: "Rename an organisation, change its kind or its domains",
  method: "PATCH",
  path: "/api/admin/organisations/:id",
  access: "staff",
  tag,
  params: idParam,
  body: organisationChanges,
  response: organisation,
});
