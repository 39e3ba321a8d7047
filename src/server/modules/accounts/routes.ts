import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { recordAudit } from "../../platform/audit/service.js";
import {
  clearSessionCookie,
  contextOf,
  publicAccess,
  requireActor,
  setSessionCookie,
} from "../../platform/auth/http.js";
import { endSession, listLiveSessions, startSession } from "../../platform/auth/sessions.js";
import { AppError } from "../../platform/errors.js";
import { emailField, idParam, nameField, passwordField, tokenParam, typed } from "../../platform/http.js";
import { submitAccessRequest } from "../desk/access-requests.js";
import {
  acceptInvitation,
  inviteColleague,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from "./invitations.js";
import { completePasswordReset, previewPasswordReset, requestPasswordReset } from "./password-reset.js";
import { signIn } from "./sign-in.js";
import { beginTotpSetup, disableTotp, enableTotp } from "./two-factor.js";
import { actorOf, changePassword, getMe, updateMe } from "./users.js";

const organisationRef = z.object({ id: z.string(), name: z.string() });
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: organisationRef.extend({ kind: z.enum(["vendor", "customer", "partner"]) }),
  isStaff: z.boolean(),
  isOrgAdmin: z.boolean(),
  totpEnabled: z.boolean(),
  releaseEmails: z.boolean(),
});
const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  organisation: organisationRef,
  invitedBy: organisationRef.nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(["pending", "accepted", "revoked", "expired"]),
});

// Per-IP limits for the doors anyone can knock on; per-account lockout lives in signIn.
const anonymousFormLimit = { rateLimit: { max: 10, timeWindow: "1 hour" } };

export function registerAccountRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["accounts"];
  const signInLimit = { rateLimit: { max: deps.config.signInAttemptsPerIp, timeWindow: "5 minutes" } };

  app.post(
    "/api/auth/login",
    {
      config: { ...signInLimit, ...publicAccess },
      schema: {
        tags,
        body: z.object({
          email: emailField,
          password: z.string().min(1, "Enter your password.").max(200),
          totpCode: z
            .string()
            .regex(/^\d{6}$/, "Enter the 6-digit code.")
            .optional(),
        }),
        response: { 200: z.object({ user: meSchema }) },
      },
    },
    async (request, reply) => {
      const { token, me } = await signIn(contextOf(request, deps), {
        ...request.body,
        userAgent: request.headers["user-agent"] ?? null,
      });
      setSessionCookie(reply, deps.config, token);
      return { user: me };
    },
  );

  app.post("/api/auth/logout", { schema: { tags } }, async (request, reply) => {
    const actor = requireActor(request);
    if (request.sessionId) await endSession(deps.db, { sessionId: request.sessionId, userId: actor.id });
    await recordAudit(contextOf(request, deps), {
      action: "auth.signed_out",
      targetType: "user",
      targetId: actor.id,
    });
    clearSessionCookie(reply, deps.config);
    return reply.status(204).send();
  });

  app.get("/api/me", { schema: { tags, response: { 200: meSchema } } }, async (request) =>
    getMe(deps.db, requireActor(request).id),
  );

  app.patch(
    "/api/me",
    {
      schema: {
        tags,
        body: z
          .object({ name: nameField.optional(), releaseEmails: z.boolean().optional() })
          .refine(
            (body) => body.name !== undefined || body.releaseEmails !== undefined,
            "Say what to change.",
          ),
        response: { 200: meSchema },
      },
    },
    async (request) => updateMe(contextOf(request, deps), requireActor(request), request.body),
  );

  app.post(
    "/api/me/password",
    {
      schema: {
        tags,
        body: z.object({
          currentPassword: z.string().min(1, "Enter your current password."),
          newPassword: passwordField,
        }),
      },
    },
    async (request, reply) => {
      await changePassword(contextOf(request, deps), requireActor(request), {
        ...request.body,
        keepSessionId: request.sessionId,
      });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/me/sessions",
    {
      schema: {
        tags,
        response: {
          200: z.object({
            sessions: z.array(
              z.object({
                id: z.string(),
                ip: z.string().nullable(),
                userAgent: z.string().nullable(),
                createdAt: z.string(),
                lastSeenAt: z.string(),
                current: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const sessions = await listLiveSessions(deps.db, deps.config, actor.id);
      return {
        sessions: sessions.map((s) => ({
          id: s.id,
          ip: s.ip,
          userAgent: s.userAgent,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          current: s.id === request.sessionId,
        })),
      };
    },
  );

  app.delete("/api/me/sessions/:id", { schema: { tags, params: idParam } }, async (request, reply) => {
    const actor = requireActor(request);
    const ended = await endSession(deps.db, { sessionId: request.params.id, userId: actor.id });
    if (!ended) throw new AppError("not_found", "That session was not found among yours.");
    await recordAudit(contextOf(request, deps), {
      action: "auth.session_ended",
      targetType: "session",
      targetId: request.params.id,
    });
    return reply.status(204).send();
  });

  app.post(
    "/api/me/totp/setup",
    { schema: { tags, response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string() }) } } },
    async (request) => beginTotpSetup(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    "/api/me/totp/enable",
    { schema: { tags, body: z.object({ code: z.string().regex(/^\d{6}$/, "Enter the 6-digit code.") }) } },
    async (request, reply) => {
      await enableTotp(contextOf(request, deps), requireActor(request), request.body.code);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/me/totp/disable",
    { schema: { tags, body: z.object({ password: z.string().min(1, "Enter your password.") }) } },
    async (request, reply) => {
      await disableTotp(contextOf(request, deps), requireActor(request), request.body.password);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/auth/password-reset",
    {
      config: { ...anonymousFormLimit, ...publicAccess },
      schema: { tags, body: z.object({ email: emailField }) },
    },
    async (request, reply) => {
      await requestPasswordReset(contextOf(request, deps), request.body.email);
      return reply.status(202).send();
    },
  );

  app.get(
    "/api/auth/password-reset/:token",
    {
      config: publicAccess,
      schema: { tags, params: tokenParam, response: { 200: z.object({ email: z.string() }) } },
    },
    async (request) => previewPasswordReset(deps.db, request.params.token),
  );

  app.post(
    "/api/auth/password-reset/:token",
    {
      config: { ...anonymousFormLimit, ...publicAccess },
      schema: { tags, params: tokenParam, body: z.object({ password: passwordField }) },
    },
    async (request, reply) => {
      await completePasswordReset(contextOf(request, deps), request.params.token, request.body.password);
      clearSessionCookie(reply, deps.config);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/access-requests",
    {
      config: { ...anonymousFormLimit, ...publicAccess },
      schema: {
        tags,
        body: z.object({
          name: nameField,
          email: emailField,
          organisation: z.string().trim().min(2, "Enter your organisation.").max(200),
          role: z.string().trim().min(2, "Enter your role.").max(200),
          reason: z.string().trim().min(10, "Tell us in a sentence why you want to join.").max(4000),
        }),
        response: { 202: z.object({ ticketNumber: z.number() }) },
      },
    },
    async (request, reply) => {
      const ticketNumber = await submitAccessRequest(contextOf(request, deps), request.body);
      return reply.status(202).send({ ticketNumber });
    },
  );

  app.get(
    "/api/invitations/:token",
    {
      config: publicAccess,
      schema: {
        tags,
        params: tokenParam,
        response: {
          200: z.object({
            email: z.string(),
            organisation: z.object({ name: z.string() }),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request) => previewInvitation(deps.db, request.params.token),
  );

  app.post(
    "/api/invitations/:token/accept",
    {
      config: { ...anonymousFormLimit, ...publicAccess },
      schema: {
        tags,
        params: tokenParam,
        body: z.object({ name: nameField, password: passwordField }),
        response: { 200: z.object({ user: meSchema }) },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps);
      const user = await acceptInvitation(ctx, request.params.token, request.body);
      const token = await startSession(deps.db, deps.config, {
        userId: user.id,
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
      });
      await recordAudit(
        { ...ctx, actor: actorOf(user) },
        { action: "auth.signed_in", targetType: "user", targetId: user.id },
      );
      setSessionCookie(reply, deps.config, token);
      return { user: await getMe(deps.db, user.id) };
    },
  );

  app.post(
    "/api/invitations",
    {
      schema: {
        tags,
        body: z.object({ email: emailField, organisationId: z.uuid("Choose an organisation.").optional() }),
        response: { 201: invitationSchema },
      },
    },
    async (request, reply) => {
      const invitation = await inviteColleague(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(invitation);
    },
  );

  app.get(
    "/api/invitations",
    {
      schema: {
        tags,
        querystring: z.object({
          organisationId: z.uuid().optional(),
          status: z.enum(["pending", "accepted", "revoked", "expired"]).optional(),
        }),
        response: { 200: z.object({ invitations: z.array(invitationSchema) }) },
      },
    },
    async (request) => ({
      invitations: await listInvitations(deps.db, requireActor(request), request.query),
    }),
  );

  app.post(
    "/api/invitations/:id/revoke",
    { schema: { tags, params: idParam, response: { 200: invitationSchema } } },
    async (request) => revokeInvitation(contextOf(request, deps), requireActor(request), request.params.id),
  );
}
