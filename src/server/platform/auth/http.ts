import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Actor, Ctx } from "../context.js";
import { AppError } from "../errors.js";

export const SESSION_COOKIE = "convene_session";
/** Browsers never send a custom header cross-site without a CORS preflight, which we never grant. */
export const CSRF_HEADER = "x-convene-csrf";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
  interface FastifyContextConfig {
    /** Routes reached from outside the web app (signed one-click links) opt out of the CSRF header. */
    csrf?: boolean;
    /** Routes that manage tokens or credentials refuse API tokens (false); every other route takes them. */
    bearer?: boolean;
    /** Part of the deployment pipeline's work: the only routes a `pipeline` token reaches. */
    pipeline?: boolean;
    /** Who may reach the route at all; checked before the input is, so a stranger learns nothing. */
    access?: Access;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** public: anyone; member: anyone signed in (the default); staff: the product team. */
export type Access = "public" | "member" | "staff";
export const publicAccess = { access: "public" } as const;
export const staffAccess = { access: "staff" } as const;

/** True when the browser says the request comes from this site (a missing Origin passes). */
export function isSameOrigin(request: FastifyRequest, config: Config): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (origin === new URL(config.publicUrl).origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Who a session token belongs to, if it is live; the accounts module answers it. */
export type SessionResolver = (token: string) => Promise<{ actor: Actor; sessionId: string } | null>;

/** A live personal API token: its person, and the scope it narrows them to. */
export type ApiTokenGrant = {
  actor: Actor;
  token: { id: string; access: "read" | "write"; area: "sandbox" | "pipeline" | "all" };
};
/**
 * Who an API token belongs to, or why it is refused (unknown, expired, revoked, its person
 * deactivated); the accounts module answers it and records its use.
 */
export type BearerResolver = (token: string, ip: string) => Promise<ApiTokenGrant | { refused: string }>;

/**
 * The development environment's routes, its pharmacy and their administration: the whole area of a
 * token limited to it. Matched against the route's declared path, never the raw URL, so no spelling
 * of an address leaves the area; api-tokens.test.ts checks that exactly the operations tagged
 * sandbox or pharmacy fall inside it, so a new route lands on the right side.
 */
export const DEVELOPMENT_AREA = /^\/api\/(admin\/)?sandbox(\/|$)/;

const READ_METHODS = new Set(["GET", "HEAD"]);

/** The token of an `Authorization: Bearer` header, or null when the request has none. */
function bearerTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.*)$/i.exec(header);
  return match ? (match[1] as string).trim() : null;
}

/**
 * A token narrows its person's permissions here, at the root, for every route alike: a route cannot
 * forget to check it. Beyond this, the route's own access rules judge the person as for a session.
 */
function enforceTokenScope(request: FastifyRequest, grant: ApiTokenGrant): void {
  if (request.is404) return;
  if (request.routeOptions.config?.bearer === false) {
    throw new AppError(
      "forbidden",
      "API tokens cannot be used here: tokens and sign-in credentials are managed from a signed-in browser.",
    );
  }
  if (grant.token.access === "read" && !READ_METHODS.has(request.method)) {
    throw new AppError("forbidden", "This API token's scope is read only: it cannot change anything.");
  }
  if (grant.token.area === "pipeline" && request.routeOptions.config?.pipeline !== true) {
    throw new AppError(
      "forbidden",
      "This API token's scope is the deployment pipeline: recording deployments and reading the environment, its flags and the next wipe, and scanning exports.",
    );
  }
  if (grant.token.area === "sandbox" && !DEVELOPMENT_AREA.test(request.routeOptions.url ?? "")) {
    throw new AppError(
      "forbidden",
      "This API token's scope is the development environment only: it cannot be used outside /api/sandbox and /api/admin/sandbox.",
    );
  }
}

export function registerAuth(
  app: FastifyInstance,
  deps: { config: Config; resolveSession: SessionResolver; resolveBearer: BearerResolver },
): void {
  app.decorateRequest("actor", null);
  app.decorateRequest("sessionId", null);

  app.addHook("onRequest", async (request) => {
    const bearer = request.url.startsWith("/api/") ? bearerTokenOf(request) : null;
    if (bearer !== null) {
      // A request with a token is the token's alone: a cookie beside it is not read, so the token's
      // scope holds. It needs no CSRF header: a browser never adds an Authorization header to a
      // cross-site request by itself (it needs a CORS preflight, never granted), and no cookie counts.
      const grant = await deps.resolveBearer(bearer, request.ip);
      if ("refused" in grant) throw new AppError("unauthenticated", grant.refused);
      enforceTokenScope(request, grant);
      request.actor = grant.actor;
      return;
    }
    refuseCrossSiteWrites(request, deps.config);
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await deps.resolveSession(token);
    if (session) {
      request.actor = session.actor;
      request.sessionId = session.sessionId;
    }
  });

  app.addHook("preValidation", async (request) => {
    if (!request.url.startsWith("/api/") || request.is404) return;
    const access = request.routeOptions.config?.access ?? "member";
    if (access === "public") return;
    if (access === "staff") requireStaff(request);
    else requireActor(request);
  });
}

/** A write to the API with the session cookie must carry the CSRF header and come from this site. */
function refuseCrossSiteWrites(request: FastifyRequest, config: Config): void {
  if (!request.url.startsWith("/api/") || SAFE_METHODS.has(request.method)) return;
  if (request.routeOptions.config?.csrf === false) return;
  if (!isSameOrigin(request, config)) {
    throw new AppError("csrf", "This request came from another site and was refused.");
  }
  if (!request.headers[CSRF_HEADER]) {
    throw new AppError("csrf", `Requests that change something must carry the ${CSRF_HEADER} header.`);
  }
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    maxAge: config.sessionMaxHours * 3600,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
  });
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError("unauthenticated", "Please sign in.");
  return request.actor;
}

export function requireStaff(request: FastifyRequest): Actor {
  const actor = requireActor(request);
  if (!actor.isStaff) throw new AppError("forbidden", "Only the product team can do that.");
  return actor;
}

/** The service context for this request: the app's database, the caller, and their address. */
export function contextOf(request: FastifyRequest, deps: { db: Db; config: Config }): Ctx {
  return { db: deps.db, config: deps.config, actor: request.actor, ip: request.ip };
}
