import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import type { Gateway } from "./events/gateway.js";
import type { Mailer } from "./mail/service.js";
import type { Metrics } from "./metrics.js";
import type { Redis } from "./redis.js";
import type { RouteDeps } from "./routes.js";

/** What the app hands every module's plugin; `metrics.registry` takes the module's own metrics. */
export type ModuleDeps = RouteDeps & {
  mailer: Mailer;
  gateway: Gateway;
  metrics: Metrics;
  /** Holds the limits every node shares; undefined without REDIS_URL. */
  redis: Redis | undefined;
};

/**
 * A feature module as the app sees it: one Fastify plugin with its routes, hooks and background
 * workers (started when the server listens, so `inject` tests drive them by hand), and its CLI
 * commands. `app.ts` and `main.ts` list modules; they never reach into one.
 */
export type ConveneModule = {
  name: string;
  plugin: (app: FastifyInstance, deps: ModuleDeps) => Promise<void>;
  /**
   * Hooks on the root, ahead of authentication: for a module that must answer before the session
   * lookup touches the database (the sandbox while its wipe holds PGlite's only connection).
   */
  beforeAuth?: (app: FastifyInstance, deps: ModuleDeps) => void;
  /** `convene <command>`s of this module. */
  commands?: (program: Command) => void;
};
