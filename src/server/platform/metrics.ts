import { createHash, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Config } from "../config.js";
import { publicAccess } from "./auth/http.js";
import { AppError } from "./errors.js";

/** Seconds, from a fast API answer to a slow export; Prometheus sums and rates them per route. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from an event's transaction to this node reading it: NOTIFY makes it milliseconds, the safety poll 1 s. */
const EVENT_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The process's own figures (CPU, memory, event-loop delay, GC) are one set per process, while tests
 * build many apps in one: they live in a registry of their own, created once, and each app's
 * exposition appends them to its own.
 */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * One app's metrics: a registry of its own (so two apps in one process never share a counter), the
 * figures the platform records itself, and `gauge`/`registry` for what modules add (the sandbox's
 * wipe durations).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<"route" | "method" | "status_class">;
  readonly eventsRead: Counter;
  readonly eventDeliveryDelay: Histogram;
  readonly mailSendFailures: Counter;

  constructor() {
    const registers = [this.registry];
    this.httpRequestDuration = new Histogram({
      name: "convene_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by route pattern (never the raw address), method and status class.",
      labelNames: ["route", "method", "status_class"],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.eventsRead = new Counter({
      name: "convene_events_total",
      help: "Events published (by any node) that this node's event hub read; its rate is events per second.",
      registers,
    });
    this.eventDeliveryDelay = new Histogram({
      name: "convene_event_delivery_delay_seconds",
      help: "Time from the transaction that published an event to this node's hub handing it to its sockets.",
      buckets: EVENT_DELAY_BUCKETS,
      registers,
    });
    this.mailSendFailures = new Counter({
      name: "convene_mail_send_failures_total",
      help: "Messages the SMTP server refused or that could not be handed to it (each attempt counts).",
      registers,
    });
  }

  /** A gauge read when Prometheus scrapes (a count in memory or a small query), so it is never stale. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** Records one answered request; a path no route matched is `unmatched`, so scanners cannot add labels. */
  observeRequest(route: string | undefined, method: string, statusCode: number, milliseconds: number): void {
    this.httpRequestDuration.observe(
      { route: route ?? "unmatched", method, status_class: `${Math.floor(statusCode / 100)}xx` },
      milliseconds / 1000,
    );
  }

  /** The text exposition: this app's metrics, then the process's. */
  async exposition(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}

export const METRICS_PATH = "/metrics";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares the presented bearer with METRICS_TOKEN in constant time (their hashes have one length). */
function hasMetricsToken(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/**
 * `/metrics` on the app's own port: with METRICS_TOKEN it asks for that bearer token; with
 * METRICS_ADDRESS it is served there instead; with neither it is not served. The path answers 404
 * (saying why) rather than falling through to the web app's pages.
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, config: Config): void {
  const { metricsToken } = config;
  app.get(METRICS_PATH, { config: publicAccess, schema: { hide: true } }, async (request, reply) => {
    if (!metricsToken)
      throw new AppError(
        "not_found",
        config.metricsAddress
          ? "Metrics are served on the metrics address, not here."
          : "Metrics are off: set METRICS_TOKEN or METRICS_ADDRESS.",
      );
    if (!hasMetricsToken(request.headers.authorization, metricsToken)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      throw new AppError("unauthenticated", "Send the metrics token as `Authorization: Bearer <token>`.");
    }
    return reply.type(metrics.registry.contentType).send(await metrics.exposition());
  });
}

/** The host and port of METRICS_ADDRESS (`127.0.0.1:9464`, `[::1]:9464`). */
export function parseAddress(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(":");
  return {
    host: address.slice(0, separator).replace(/^\[(.*)\]$/, "$1"),
    port: Number(address.slice(separator + 1)),
  };
}

/**
 * The listener on METRICS_ADDRESS: only `/metrics`, no token (the address itself is the protection:
 * a loopback or private interface the scraper reaches and the public does not).
 */
export async function startMetricsServer(metrics: Metrics, address: string): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get(METRICS_PATH, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.exposition()),
  );
  server.setNotFoundHandler(async (_request, reply) =>
    reply.status(404).send({ error: { code: "not_found", message: `Only ${METRICS_PATH} is served here.` } }),
  );
  await server.listen(parseAddress(address));
  return server;
}
