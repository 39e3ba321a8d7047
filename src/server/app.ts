import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import { count, eq, max, sql } from "drizzle-orm";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { health, readiness as readinessOperation } from "../shared/contracts/platform.js";
import type { Config } from "./config.js";
import { type Database, poolUse } from "./db/client.js";
import {
  authorsMatching,
  erasedAddresses,
  resolveApiToken,
  resolveSession,
  userSummaries,
} from "./modules/accounts/index.js";
import { memberChannelIds } from "./modules/chat/index.js";
import { modules } from "./modules.js";
import { auditRoutes } from "./platform/audit/routes.js";
import { writeCheckpoint } from "./platform/audit/service.js";
import { publicAccess, registerAuth } from "./platform/auth/http.js";
import { AppError } from "./platform/errors.js";
import { Gateway } from "./platform/events/gateway.js";
import { EventHub, pruneEvents } from "./platform/events/hub.js";
import { events } from "./platform/events/schema.js";
import { MAX_FORM_FILES } from "./platform/files/upload.js";
import { refuseUnstorableInput } from "./platform/input-guard.js";
import { mailRoutes } from "./platform/mail/routes.js";
import { mailOutbox } from "./platform/mail/schema.js";
// The outbox's share of a person's data export and erasure.
import "./platform/mail/personal-data.js";
import { MAIL_QUEUED_CHANNEL, Mailer } from "./platform/mail/service.js";
import { markdownRoutes } from "./platform/markdown-routes.js";
import { Metrics, metricsRoute, startMetricsServer } from "./platform/metrics.js";
import { MissedMailWorker } from "./platform/notifications/mailer.js";
// The inbox's share of a person's data export and erasure.
import "./platform/notifications/personal-data.js";
import { checkFileStore, fileStoreFor } from "./platform/files/stores.js";
import { PushSender } from "./platform/notifications/push.js";
import { notificationRoutes } from "./platform/notifications/routes.js";
import { PUSH_DUE_CHANNEL } from "./platform/notifications/service.js";
import { openApiOptions } from "./platform/openapi.js";
import { projectPath } from "./platform/project-files.js";
import { Readiness, type ReadinessCheck } from "./platform/readiness.js";
import { checkRedis, closeRedis, isRedisUnavailable, openRedis, type Redis } from "./platform/redis.js";
import { router } from "./platform/routes.js";
import { searchRoutes } from "./platform/search/routes.js";
import { serveWebApp } from "./platform/web-app.js";
import { version } from "./version.js";

export type AppDeps = {
  database: Database;
  config: Config;
  /** Readiness checks beyond the database's and those configuration implies (Redis, an S3 file store), by name. */
  readinessChecks?: Iterable<[string, ReadinessCheck]>;
};
export type RouteDeps = {
  db: Database["db"];
  config: Config;
  mailer: Mailer;
  gateway: Gateway;
  metrics: Metrics;
  /** Holds the limits every node shares; undefined without REDIS_URL (each node limits on its own). */
  redis: Redis | undefined;
};
export type App = FastifyInstance & {
  mailer: Mailer;
  pushSender: PushSender;
  hub: EventHub;
  gateway: Gateway;
  metrics: Metrics;
  readiness: Readiness;
  redis: Redis | undefined;
};

const webRoot = projectPath("dist", "web");

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
  const known = frameworkError(fastifyError.code) ?? databaseInputError(error);
  if (known)
    return {
      status: known.status,
      body: { error: { code: known.code, message: known.message, fields: known.fields } },
    };
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: { code: "bad_request", message: fastifyError.message } } };
  }
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side." } } };
}

type KnownError = { status: number; code: string; message: string; fields?: Record<string, string> };

/** Fastify's own refusals, in the one error shape with our codes. */
function frameworkError(code: string | undefined): KnownError | null {
  switch (code) {
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, code: "payload_too_large", message: "The upload is too large." };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        status: 415,
        code: "unsupported_media_type",
        message: "Send JSON (application/json), or a form with files (multipart/form-data).",
      };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return {
        status: 400,
        code: "validation",
        message: "The body is not valid JSON.",
        fields: { body: "Send valid JSON." },
      };
    case "FST_ERR_BAD_URL":
      return { status: 400, code: "bad_request", message: "The address is not valid." };
    case "FST_ERR_MAX_PARAM_LENGTH":
      return { status: 414, code: "uri_too_long", message: "A part of the address is too long." };
    default:
      return null;
  }
}

/**
 * PostgreSQL's "data exception" class (22xxx: a value out of range, text it cannot store, a malformed
 * number or date) is always about the input, never a bug of ours: a 400, so no route can turn it into a 500.
 */
function databaseInputError(error: unknown): KnownError | null {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code !== "string" || !/^22[0-9A-Z]{3}$/.test(code)) return null;
  return {
    status: 400,
    code: "validation",
    message: "A value cannot be stored: it is out of range or not valid text.",
  };
}

/** Errors Node's HTTP parser meets before Fastify sees a request, answered in the one error shape too. */
function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "timeout", "The request took too long to arrive."]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "headers_too_large", "The request's address or headers are too large."]
        : [400, "bad_request", "The request could not be read."];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** How long readiness waits for `select 1`: a database slower than that cannot serve requests either. */
const DATABASE_CHECK_TIMEOUT_MS = 2000;

/**
 * A worker's pass starts right after any node commits a transaction that gave it work (the producer
 * calls `wakeWorkersAfterCommit` on `channel`); passes asked for within a few milliseconds share one.
 */
function wakeOnCommit(app: FastifyInstance, database: Database, channel: string, wake: () => void): void {
  let unlisten: (() => Promise<void>) | undefined;
  app.addHook("onReady", async () => {
    unlisten = await database.listen(channel, wake);
  });
  app.addHook("preClose", async () => {
    await unlisten?.();
  });
}

export async function buildApp({ database, config, readinessChecks = [] }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: config.logLevel === "silent" ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      const known = frameworkError(error.code) ?? {
        status: 400,
        code: "bad_request",
        message: error.message,
      };
      return (reply as FastifyReply)
        .status(known.status)
        .send({ error: { code: known.code, message: known.message } });
    },
  }).withTypeProvider<ZodTypeProvider>();
  const redis = await openRedis(config);
  app.decorate("redis", redis);
  if (redis) app.addHook("onClose", () => closeRedis(redis));
  // Every body is JSON or multipart; anything else is 415, not a string handed to validation.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = new Metrics();
  app.decorate("metrics", metrics);
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime);
  });
  const readiness = new Readiness(app.log, DATABASE_CHECK_TIMEOUT_MS);
  readiness.checks.set("database", async () => {
    await database.db.execute(sql`select 1`);
  });
  // What this node serves with beyond the database: shared limits and, when in a bucket, the files.
  if (redis) readiness.checks.set("redis", () => checkRedis(redis));
  if (config.fileStore.kind === "s3") {
    const files = fileStoreFor(config);
    readiness.checks.set("file store", () => checkFileStore(files));
  }
  for (const [name, check] of readinessChecks) readiness.checks.set(name, check);
  app.decorate("readiness", readiness);

  const mailer = new Mailer(database.db, config, app.log, (failures) =>
    metrics.mailSendFailures.inc(failures),
  );
  app.decorate("mailer", mailer);
  wakeOnCommit(app, database, MAIL_QUEUED_CHANNEL, () => mailer.flushSoon());
  app.addHook("onClose", () => mailer.stop());
  // Unread notifications e-mailed once due; names and addresses come from the accounts module.
  const missedMail = new MissedMailWorker(
    database.db,
    config,
    userSummaries,
    () => void mailer.flush(),
    app.log,
  );
  app.addHook("onListen", async () => missedMail.start());
  app.addHook("preClose", () => missedMail.stop());

  const pushSender = new PushSender(database.db, config, app.log);
  app.decorate("pushSender", pushSender);
  wakeOnCommit(app, database, PUSH_DUE_CHANNEL, () => pushSender.flushSoon());
  app.addHook("onListen", async () => pushSender.start());
  app.addHook("onClose", () => pushSender.stop());

  const hub = new EventHub(database, app.log);
  const gateway = new Gateway(hub, database.db, config, {
    channelsOf: (userId) => memberChannelIds(database.db, userId),
    retentionDays: config.eventRetentionDays,
  });
  app.decorate("hub", hub);
  app.decorate("gateway", gateway);
  hub.subscribe((rows) => {
    metrics.eventsRead.inc(rows.length);
    const now = Date.now();
    for (const row of rows) metrics.eventDeliveryDelay.observe((now - row.createdAt.getTime()) / 1000);
  });
  metrics.gauge(
    "convene_websocket_connections",
    "Realtime (WebSocket) connections open on this node.",
    () => {
      return gateway.connectionCount;
    },
  );
  metrics.gauge(
    "convene_event_hub_lag_events",
    "How many events this node's hub has yet to read: the newest event's id minus its cursor.",
    async () => {
      const [row] = await database.eventsDb.select({ newest: max(events.id) }).from(events);
      return Math.max(0, (row?.newest ?? 0) - hub.lastEventId);
    },
  );
  metrics.gauge(
    "convene_mail_outbox_pending",
    "Messages in the mail outbox waiting to be sent.",
    async () => {
      const [row] = await database.db
        .select({ pending: count() })
        .from(mailOutbox)
        .where(eq(mailOutbox.status, "pending"));
      return row?.pending ?? 0;
    },
  );
  // PostgreSQL's main pool (request queries); PGlite has one connection and no pool, so none of these.
  if (poolUse(database.db)) {
    const use = () => poolUse(database.db) ?? { total: 0, idle: 0, waiting: 0 };
    metrics.gauge(
      "convene_db_pool_connections",
      "Connections the database pool holds open.",
      () => use().total,
    );
    metrics.gauge("convene_db_pool_idle", "Pool connections waiting for a query.", () => use().idle);
    metrics.gauge("convene_db_pool_waiting", "Queries waiting for a pool connection.", () => use().waiting);
  }
  let metricsServer: FastifyInstance | undefined;
  if (config.metricsAddress) {
    const address = config.metricsAddress;
    // On ready (not on listen) so a taken port stops the start with its error.
    app.addHook("onReady", async () => {
      metricsServer = await startMetricsServer(metrics, address);
    });
    app.addHook("onClose", async () => {
      await metricsServer?.close();
    });
  }
  let pruning: NodeJS.Timeout | undefined;
  let checkpoints: NodeJS.Timeout | undefined;
  // The checkpoint being written, awaited on close so no file is written into DATA_DIR afterwards.
  let anchoring: Promise<unknown> = Promise.resolve();
  app.addHook("onReady", async () => {
    await hub.start();
    gateway.start();
    pruning = setInterval(
      () => void pruneEvents(database, config.eventRetentionDays).catch(() => undefined),
      3600_000,
    );
    pruning.unref();
    // The audit chain's head is anchored outside the database every hour (and at start).
    const anchor = () => {
      anchoring = writeCheckpoint(database.db, config).catch((error) =>
        app.log.error(error, "audit checkpoint failed"),
      );
    };
    checkpoints = setInterval(anchor, 3600_000);
    checkpoints.unref();
    anchor();
  });
  app.addHook("preClose", async () => {
    clearInterval(pruning);
    clearInterval(checkpoints);
    gateway.stop();
    await Promise.all([hub.stop(), anchoring]);
  });

  app.setErrorHandler((error, request, reply) => {
    // A per-IP limit (sign-in, anonymous forms) that cannot reach Redis refuses the request: those
    // limits are the only brake on guessing passwords across accounts and on form spam, and a 503
    // with Retry-After is what a client retries, where a 500 would read as a bug.
    if (redis && request.routeOptions.config.rateLimit && isRedisUnavailable(redis, error)) {
      request.log.warn({ err: error }, "Redis is unavailable: a per-IP limit refused the request");
      error = new AppError("limits_unavailable", "This is briefly unavailable. Try again in a moment.");
      (error as AppError).retryAfterSeconds = 5;
    }
    const { status, body } = toErrorResponse(error as FastifyError);
    if (status >= 500 && status !== 503) request.log.error(error);
    if (error instanceof AppError && error.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(error.retryAfterSeconds));
    return reply.status(status).send(body);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      // Images come from this site only: a remote one would tell its host who read a post and when.
      directives: { imgSrc: ["'self'", "data:"], upgradeInsecureRequests: null },
    },
    hsts: config.secureCookies,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // With Redis every node counts into the same window; without it each node counts on its own.
    ...(redis ? { redis, nameSpace: "rate-limit:" } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError("rate_limited", `Too many attempts. Try again in ${context.after}.`),
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.maxUploadBytes, files: MAX_FORM_FILES, fields: 20 },
  });
  await app.register(fastifySwagger, openApiOptions(config));
  // The API documentation is public, like the OpenAPI document it renders.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api/docs")) route.config = { ...route.config, ...publicAccess };
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  const deps: RouteDeps = { db: database.db, config, mailer, gateway, metrics, redis };
  // Hooks a module needs ahead of the session lookup (the sandbox while a wipe holds the database).
  for (const module of modules) module.beforeAuth?.(app, deps);
  // Sessions and API tokens live in the accounts module's tables; the platform only asks who a cookie
  // or a bearer token belongs to.
  registerAuth(app, {
    config,
    resolveSession: (token) => resolveSession(database.db, config, token),
    resolveBearer: (token, ip) => resolveApiToken(database.db, config, token, ip),
  });
  app.addHook("preValidation", refuseUnstorableInput);

  app.get("/api/openapi.json", { config: publicAccess, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => {
    gateway.register(scope);
    const route = router(scope, deps);
    route(health, async () => ({ status: "ok" as const, version, database: database.kind }));
    route(readinessOperation, async () => ({
      status: "ready" as const,
      checks: await readiness.assertReady(),
    }));
    metricsRoute(scope, metrics, config);
    markdownRoutes(route);
    auditRoutes(route, erasedAddresses);
    mailRoutes(route);
    notificationRoutes(route);
    searchRoutes(route, authorsMatching);
  });
  for (const module of modules) await app.register(module.plugin, deps);

  await serveWebApp(app, webRoot);

  return app as unknown as App;
}
