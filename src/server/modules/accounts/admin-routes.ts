import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { inTransaction } from "../../platform/context.js";
import { idParam, typed } from "../../platform/http.js";
import { createOrganisation, listOrganisations, updateOrganisation } from "./organisations.js";
import { organisationKinds } from "./schema.js";
import { listUsersForAdmin, updateUserByAdmin } from "./users.js";

const domainField = z
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

const organisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(organisationKinds),
  domains: z.array(z.string()),
  memberCount: z.number(),
});

const adminUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: z.object({ id: z.string(), name: z.string() }),
  isStaff: z.boolean(),
  isOrgAdmin: z.boolean(),
  status: z.enum(["active", "deactivated"]),
  totpEnabled: z.boolean(),
  createdAt: z.string(),
});

export function registerAdminRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["administration"];

  app.get(
    "/api/admin/organisations",
    {
      config: staffAccess,
      schema: { tags, response: { 200: z.object({ organisations: z.array(organisationSchema) }) } },
    },
    async (request) => {
      requireStaff(request);
      return { organisations: await listOrganisations(deps.db) };
    },
  );

  app.post(
    "/api/admin/organisations",
    { config: staffAccess, schema: { tags, body: organisationInput, response: { 201: organisationSchema } } },
    async (request, reply) => {
      requireStaff(request);
      const created = await inTransaction(contextOf(request, deps), (ctx) =>
        createOrganisation(ctx, request.body),
      );
      return reply.status(201).send(created);
    },
  );

  app.patch(
    "/api/admin/organisations/:id",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        body: organisationInput.partial(),
        response: { 200: organisationSchema },
      },
    },
    async (request) => {
      requireStaff(request);
      return inTransaction(contextOf(request, deps), (ctx) =>
        updateOrganisation(ctx, request.params.id, request.body),
      );
    },
  );

  app.get(
    "/api/admin/users",
    {
      config: staffAccess,
      schema: {
        tags,
        querystring: z.object({
          q: z.string().trim().max(200).optional(),
          organisationId: z.uuid().optional(),
          status: z.enum(["active", "deactivated"]).optional(),
        }),
        response: { 200: z.object({ users: z.array(adminUserSchema) }) },
      },
    },
    async (request) => {
      requireStaff(request);
      return { users: await listUsersForAdmin(deps.db, request.query) };
    },
  );

  app.patch(
    "/api/admin/users/:id",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        body: z
          .object({
            status: z.enum(["active", "deactivated"]).optional(),
            isOrgAdmin: z.boolean().optional(),
            isStaff: z.boolean().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: adminUserSchema },
      },
    },
    async (request) => {
      const actor = requireStaff(request);
      return inTransaction(contextOf(request, deps), (ctx) =>
        updateUserByAdmin(ctx, actor, request.params.id, request.body),
      );
    },
  );
}
