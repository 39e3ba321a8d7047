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

export function registerAuth(
  app: FastifyInstance,
  deps: { config: Config; resolveSession: SessionResolver },
): void {
  app.decorateRequest("actor", null);
  app.decorateRequest("sessionId", null);

  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/") || SAFE_METHODS.has(request.method)) return;
    if (request.routeOptions.config?.csrf === false) return;
    if (!isSameOrigin(request, deps.config)) {
      throw new AppError("csrf", "This request came from another site and was refused.");
    }
    if (!request.headers[CSRF_HEADER]) {
      throw new AppError("csrf", `Requests that change something must carry the ${CSRF_HEADER} header.`);
    }
  });

  app.addHook("onRequest", async (request) => {
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
