import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam } from "../../../../shared/fields.js";
import { organisationRef } from "./organisations.js";

export const userStatuses = ["active", "deactivated"] as const;
export type UserStatus = (typeof userStatuses)[number];

const tag = "accounts";

/**
 * A person joined, or their name, roles or status changed: to the product team, whose admin pages list
 * everyone.
 */
export const userChanged = defineEvent<{ userId: string }>("accounts.user");

export const userFilter = z.object({
  q: z.string().trim().max(200).optional(),
  organisationId: z.uuid().optional(),
  status: z.enum(userStatuses).optional(),
});
export type UserFilter = z.output<typeof userFilter>;
export const userChanges = z
  .object({
    status: z.enum(userStatuses).optional(),
    isOrgAdmin: z.boolean().optional(),
    isStaff: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Say what to change.");
export type UserChanges = z.output<typeof userChanges>;

export const adminUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: organisationRef,
  isStaff: z.boolean(),
  isOrgAdmin: z.boolean(),
  status: z.enum(userStatuses),
  totpEnabled: z.boolean(),
  /** Anonymised: shown under a pseudonym, closed for good. */
  erased: z.boolean(),
  /** Made by an import for someone without an account: their invitation or sign-in claims it. */
  placeholder: z.boolean(),
  createdAt: z.string(),
});
export type AdminUser = z.infer<typeof adminUser>;

export const listUsers = operation({
  operationId: "listUsers",
  summary: "People across every organisation, by name, address, organisation or status",
  method: "GET",
  path: "/api/admin/users",
  access: "staff",
  tag,
  query: userFilter,
  response: z.object({ users: z.array(adminUser) }),
});

export const updateUser = operation({
  operationId: "updateUser",
  summary: "Deactivate or reactivate a person, or change their roles",
  method: "PATCH",
  path: "/api/admin/users/:id",
  access: "staff",
  tag,
  params: idParam,
  body: userChanges,
  response: adminUser,
});
