import type { FastifyRequest } from "fastify";
import type { Config } from "../../../config.js";
import type { RouteExtras } from "../../../platform/routes.js";

/** Per-IP limits for the doors anyone can knock on; the per-account lockout lives in signIn. */
export type AnonymousLimits = { signIn: RouteExtras; anonymousForm: RouteExtras };

export const anonymousLimits = (config: Config): AnonymousLimits => ({
  signIn: { config: { rateLimit: { max: config.signInAttemptsPerIp, timeWindow: "5 minutes" } } },
  anonymousForm: { config: { rateLimit: { max: 10, timeWindow: "1 hour" } } },
});

export const userAgentOf = (request: FastifyRequest) => request.headers["user-agent"] ?? null;
