import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { idParam, typed } from "../../platform/http.js";
import { sandboxStatus } from "./access.js";
import {
  acceptAgreement,
  createAgreementDraft,
  getAgreementVersion,
  getCurrentAgreement,
  listAcceptances,
  listAgreementVersions,
  publishAgreement,
  updateAgreementDraft,
} from "./agreement.js";
import { agreementStatuses, sandboxRoles } from "./schema.js";
import { addSandboxUser, changeSandboxRole, listSandboxUsers, removeSandboxUser } from "./users.js";

// --- input ---

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
const agreementInput = z.object({ title: titleField, body: bodyField });
const agreementChanges = z
  .object({ title: titleField.optional(), body: bodyField.optional() })
  .refine((body) => body.title !== undefined || body.body !== undefined, "Say what to change.");
const roleField = z.enum(sandboxRoles, {
  error: "Choose a role: study coordinator, investigator, pharmacist, recruiter or read-only.",
});
const userIdField = z.uuid({ error: "Choose a person." });
const userIdParam = z.object({ userId: z.uuid({ error: "Not a valid id." }) });

// --- output ---

const agreementSchema = z.object({
  id: z.string(),
  version: z.number(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  publishedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
});
const versionSchema = z.object({
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
const organisationRef = z.object({ id: z.string(), name: z.string() });
const acceptanceSchema = z.object({
  person: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  organisation: organisationRef.nullable(),
  acceptedAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
const sandboxUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
  role: z.enum(sandboxRoles),
  addedAt: z.string(),
});
const personOption = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
});
const statusSchema = z.object({
  isSandboxUser: z.boolean(),
  role: z.enum([...sandboxRoles, "staff"]).nullable(),
  agreement: z.object({ id: z.string(), version: z.number() }).nullable(),
  accepted: z.boolean(),
  canManageUsers: z.boolean(),
});

/** The community development environment: its agreement, its users and the status the web app reads. */
export function registerSandboxRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.get("/api/sandbox/status", { schema: { tags, response: { 200: statusSchema } } }, async (request) =>
    sandboxStatus(deps.db, requireActor(request)),
  );

  // --- the agreement ---

  app.get(
    "/api/sandbox/agreement",
    { schema: { tags, response: { 200: agreementSchema } } },
    async (request) => getCurrentAgreement(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    "/api/sandbox/agreement/accept",
    {
      schema: {
        tags,
        body: z.object({ agreementId: z.uuid({ error: "Name the agreement version you accept." }) }),
        response: { 200: agreementSchema },
      },
    },
    async (request) =>
      acceptAgreement(
        contextOf(request, deps),
        requireActor(request),
        request.body.agreementId,
        request.headers["user-agent"] ?? null,
      ),
  );

  app.get(
    "/api/admin/sandbox/agreements",
    {
      config: staffAccess,
      schema: { tags, response: { 200: z.object({ versions: z.array(versionSchema) }) } },
    },
    async (request) => ({ versions: await listAgreementVersions(contextOf(request, deps)) }),
  );

  app.post(
    "/api/admin/sandbox/agreements",
    { config: staffAccess, schema: { tags, body: agreementInput, response: { 201: versionSchema } } },
    async (request, reply) => {
      const draft = await createAgreementDraft(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(draft);
    },
  );

  app.get(
    "/api/admin/sandbox/agreements/:id",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: versionSchema } } },
    async (request) => getAgreementVersion(contextOf(request, deps), request.params.id),
  );

  app.patch(
    "/api/admin/sandbox/agreements/:id",
    {
      config: staffAccess,
      schema: { tags, params: idParam, body: agreementChanges, response: { 200: versionSchema } },
    },
    async (request) => updateAgreementDraft(contextOf(request, deps), request.params.id, request.body),
  );

  app.post(
    "/api/admin/sandbox/agreements/:id/publish",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: versionSchema } } },
    async (request) => publishAgreement(contextOf(request, deps), requireStaff(request), request.params.id),
  );

  app.get(
    "/api/admin/sandbox/agreements/:id/acceptances",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        response: { 200: z.object({ acceptances: z.array(acceptanceSchema) }) },
      },
    },
    async (request) => ({ acceptances: await listAcceptances(contextOf(request, deps), request.params.id) }),
  );

  // --- sandbox users ---

  app.get(
    "/api/sandbox/users",
    {
      schema: {
        tags,
        response: { 200: z.object({ users: z.array(sandboxUserSchema), candidates: z.array(personOption) }) },
      },
    },
    async (request) => listSandboxUsers(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    "/api/sandbox/users",
    {
      schema: {
        tags,
        body: z.object({ userId: userIdField, role: roleField }),
        response: { 201: sandboxUserSchema },
      },
    },
    async (request, reply) => {
      const user = await addSandboxUser(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(user);
    },
  );

  app.patch(
    "/api/sandbox/users/:userId",
    {
      schema: {
        tags,
        params: userIdParam,
        body: z.object({ role: roleField }),
        response: { 200: sandboxUserSchema },
      },
    },
    async (request) =>
      changeSandboxRole(
        contextOf(request, deps),
        requireActor(request),
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    "/api/sandbox/users/:userId",
    { schema: { tags, params: userIdParam } },
    async (request, reply) => {
      await removeSandboxUser(contextOf(request, deps), requireActor(request), request.params.userId);
      return reply.status(204).send();
    },
  );
}
