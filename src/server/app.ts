import fs from "node:fs";
import path from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import { registerAdminRoutes } from "./modules/accounts/admin-routes.js";
import { registerAccountRoutes } from "./modules/accounts/routes.js";
import { ensureAnnouncementsChannel, memberChannelIds } from "./modules/chat/index.js";
import { registerChatRoutes } from "./modules/chat/routes.js";
import { registerDeskRoutes } from "./modules/desk/routes.js";
import { DigestScheduler } from "./modules/groups/digest.js";
import { registerGroupRoutes } from "./modules/groups/routes.js";
import { registerPharmacyRoutes } from "./modules/pharmacy/routes.js";
import { registerProjectRoutes } from "./modules/projects/routes.js";
import { modules } from "./modules.js";
import { registerAuditRoutes } from "./platform/audit/routes.js";
import { publicAccess, registerAuth } from "./platform/auth/http.js";
import { AppError } from "./platform/errors.js";
import { Gateway } from "./platform/events/gateway.js";
import { EventHub, pruneEvents } from "./platform/events/hub.js";
import { registerMailRoutes } from "./platform/mail/routes.js";
import { Mailer } from "./platform/mail/service.js";
import { registerMarkdownRoutes } from "./platform/markdown-routes.js";
import { version } from "./version.js";

export type AppDeps = { database: Database; config: Config };
export type RouteDeps = {
  db: Database["db"];
  config: Config;
  mailer: Mailer;
  gateway: Gateway;
};
export type App = FastifyInstance & {
  mailer: Mailer;
  hub: EventHub;
  gateway: Gateway;
  /** Sends the daily group digests at GROUP_DIGEST_HOUR; started by `convene start`, like the mailer. */
  groupDigests: DigestScheduler;
};

const webRoot = path.resolve(import.meta.dirname, "../../dist/web");

type ErrorBody = {
  error: {
    code: string;
    message: string;
    fields?: Record<string, string>;
    details?: Record<string, unknown>;
  };
};

/** Maps anything thrown to `{ error: { code, message, fields } }`; only real bugs become 500. */
function toErrorResponse(error: FastifyError | AppError | Error): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: {
        error: { code: error.code, message: error.message, fields: error.fields, details: error.details },
      },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      const name =
        issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || (error.validationContext ?? "body");
      fields[name] ??= issue.message ?? "Invalid value.";
    }
    return {
      status: 400,
      body: { error: { code: "validation", message: "Some fields need attention.", fields } },
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === "FST_REQ_FILE_TOO_LARGE" || fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return {
      status: 413,
      body: { error: { code: "payload_too_large", message: "The upload is too large." } },
    };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return {
      status,
      body: { error: { code: fastifyError.code ?? "bad_request", message: fastifyError.message } },
    };
  }
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side." } } };
}

export async function buildApp({ database, config }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: config.logLevel === "silent" ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const mailer = new Mailer(database.db, config);
  app.decorate("mailer", mailer);
  // Mail queued by a request goes out right after it answers, not on the next poll.
  app.addHook("onResponse", async () => {
    void mailer.flush();
  });
  app.addHook("onClose", () => mailer.stop());
  const groupDigests = new DigestScheduler(database.db, config);
  app.decorate("groupDigests", groupDigests);
  app.addHook("onClose", () => groupDigests.stop());

  await ensureAnnouncementsChannel(database.db);
  const hub = new EventHub(database);
  const gateway = new Gateway(hub, database.db, config, {
    channelsOf: (userId) => memberChannelIds(database.db, userId),
    retentionDays: config.eventRetentionDays,
  });
  app.decorate("hub", hub);
  app.decorate("gateway", gateway);
  let pruning: NodeJS.Timeout | undefined;
  app.addHook("onReady", async () => {
    await hub.start();
    gateway.start();
    pruning = setInterval(
      () => void pruneEvents(database, config.eventRetentionDays).catch(() => undefined),
      3600_000,
    );
    pruning.unref();
  });
  app.addHook("preClose", async () => {
    clearInterval(pruning);
    gateway.stop();
    await hub.stop();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error as FastifyError);
    if (status >= 500 && status !== 503) request.log.error(error);
    if (error instanceof AppError && error.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(error.retryAfterSeconds));
    return reply.status(status).send(body);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: { imgSrc: ["'self'", "data:", "https:"], upgradeInsecureRequests: null },
    },
    hsts: config.secureCookies,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError("rate_limited", `Too many attempts. Try again in ${context.after}.`),
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.maxUploadBytes, files: 10, fields: 20 },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Convene API", version, description: "The customer community platform's JSON API." },
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: "convene_session",
            description: "The session cookie set by signing in.",
          },
          csrf: {
            type: "apiKey",
            in: "header",
            name: "x-convene-csrf",
            description: "Any value; a browser cannot send it cross-site, so writes need it.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Schemas registered with an id (recursive ones, like a folder tree) become named components.
    transformObject: jsonSchemaTransformObject,
  });
  // The API documentation is public, like the OpenAPI document it renders.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api/docs")) route.config = { ...route.config, ...publicAccess };
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  const deps: RouteDeps = { db: database.db, config, mailer, gateway };
  // Hooks a module needs ahead of the session lookup (the sandbox while a wipe holds the database).
  for (const module of modules) module.beforeAuth?.(app, deps);
  registerAuth(app, { db: database.db, config });

  app.get("/api/openapi.json", { config: publicAccess, schema: { hide: true } }, async () => app.swagger());
  app.get(
    "/api/health",
    {
      config: publicAccess,
      schema: {
        tags: ["platform"],
        response: {
          200: z.object({
            status: z.literal("ok"),
            version: z.string(),
            database: z.enum(["pglite", "postgres"]),
          }),
        },
      },
    },
    async () => ({ status: "ok" as const, version, database: database.kind }),
  );

  await app.register(async (scope) => {
    gateway.register(scope);
    registerChatRoutes(scope, deps);
    registerAccountRoutes(scope, deps);
    registerAdminRoutes(scope, deps);
    registerDeskRoutes(scope, deps);
    registerAuditRoutes(scope, deps);
    registerMailRoutes(scope, deps);
    registerMarkdownRoutes(scope);
    registerPharmacyRoutes(scope, deps);
    registerProjectRoutes(scope, deps);
    registerGroupRoutes(scope, deps);
  });
  for (const module of modules) await app.register(module.plugin, deps);

  const hasWeb = fs.existsSync(path.join(webRoot, "index.html"));
  // Files are routed one by one at start; every other GET (/, /desk/...) falls through to the SPA below.
  if (hasWeb) await app.register(fastifyStatic, { root: webRoot, index: false, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    // A missing API route or build asset is a real 404; any other page path belongs to the SPA.
    if (request.url.startsWith("/api/") || request.url.startsWith("/assets/") || request.method !== "GET") {
      return reply.status(404).send({ error: { code: "not_found", message: "No such route." } });
    }
    if (!hasWeb)
      return reply.status(404).type("text/plain").send("The web app is not built: run `npm run build`.");
    return reply.type("text/html").sendFile("index.html");
  });

  return app as unknown as App;
}
