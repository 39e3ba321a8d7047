/**
 * `/metrics`: what Prometheus reads of a node, served behind METRICS_TOKEN on the app's port, or on
 * METRICS_ADDRESS without one, or not at all.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { type Config, loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { northwindChannel } from "../testing/chat.js";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";
import { connectRealtime } from "../testing/realtime.js";
import { queueMail } from "./mail/service.js";

const METRICS_TOKEN = "metrics-token-for-the-scraper";
/** Nothing listens here (a port of this suite's range): every send to it fails. */
const REFUSING_SMTP = "smtp://127.0.0.1:36290";

/** The value of one sample line (`name{labels} value`) whose name and labels contain every part. */
function sample(text: string, name: string, ...parts: string[]): number | undefined {
  const line = text
    .split("\n")
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && parts.every((p) => l.includes(p)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** An app on a fresh, empty embedded database: enough for what /metrics shows before anyone signs in. */
async function bareApp(overrides: Partial<Config>) {
  const database = await openDatabase({ dataDir: "memory://" });
  await database.migrate();
  // The app writes its audit checkpoints into DATA_DIR.
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-metrics-"));
  const app = await buildApp({
    database,
    config: loadConfig({}, { dataDir, logLevel: "silent", ...overrides }),
  });
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("metrics behind METRICS_TOKEN", () => {
  let community: TestCommunity;
  const scrape = async () => {
    const response = await community.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    community = await startTestCommunity({ metricsToken: METRICS_TOKEN, smtpUrl: REFUSING_SMTP });
  });
  afterAll(() => community.close());

  it("answers 401 in the one error shape without the token or with another", async () => {
    for (const authorization of [undefined, "Bearer not-the-metrics-token", `Basic ${METRICS_TOKEN}`]) {
      const response = await community.app.inject({
        method: "GET",
        url: "/metrics",
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("unauthenticated");
    }
  });

  it("serves the Prometheus text with the token, process metrics included", async () => {
    const response = await community.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.body).toContain("# TYPE convene_http_request_duration_seconds histogram");
    expect(response.body).toContain("process_cpu_user_seconds_total");
    expect(response.body).toContain("nodejs_eventloop_lag_seconds");
    expect(response.body).toContain("convene_sandbox_wipe_duration_seconds");
  });

  it("labels request latency by route pattern, method and status class, never by the raw address", async () => {
    const ned = await community.signIn(community.demo.people.northwindMember.email);
    const channel = await northwindChannel(community, "metrics-labels");
    expect((await ned.get(`/api/chat/channels/${channel.id}/messages`)).statusCode).toBe(200);
    expect((await ned.get(`/api/chat/channels/${randomUUID()}/messages`)).statusCode).toBe(404);
    expect((await ned.get(`/api/no-such-route/${randomUUID()}`)).statusCode).toBe(404);
    const text = await scrape();
    expect(text).not.toContain(channel.id);
    const pattern = 'route="/api/chat/channels/:id/messages"';
    expect(
      sample(
        text,
        "convene_http_request_duration_seconds_count",
        pattern,
        'method="GET"',
        'status_class="2xx"',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        "convene_http_request_duration_seconds_count",
        pattern,
        'method="GET"',
        'status_class="4xx"',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "convene_http_request_duration_seconds_count", 'route="unmatched"', 'status_class="4xx"'),
    ).toBeGreaterThanOrEqual(1);
  });

  it("counts events read and their delivery delay after a message is posted", async () => {
    const before = sample(await scrape(), "convene_events_total") ?? 0;
    const ned = await community.signIn(community.demo.people.northwindMember.email);
    const channel = await northwindChannel(community, "metrics-events");
    const posted = await ned.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "counted",
    });
    expect(posted.statusCode).toBe(201);
    const text = await eventually(scrape, (t) => (sample(t, "convene_events_total") ?? 0) > before);
    expect(sample(text, "convene_events_total")).toBeGreaterThan(before);
    expect(sample(text, "convene_event_delivery_delay_seconds_count")).toBeGreaterThan(0);
    expect(sample(text, "convene_event_hub_lag_events")).toBeGreaterThanOrEqual(0);
  });

  it("counts open WebSocket connections", async () => {
    const baseUrl = await community.listen();
    const ned = await community.signIn(community.demo.people.northwindMember.email);
    expect(sample(await scrape(), "convene_websocket_connections")).toBe(0);
    const socket = await connectRealtime({
      baseUrl,
      cookie: ned.cookie ?? "",
      origin: "http://localhost:3000",
    });
    expect(sample(await scrape(), "convene_websocket_connections")).toBe(1);
    await socket.close();
    const after = await eventually(scrape, (t) => sample(t, "convene_websocket_connections") === 0);
    expect(sample(after, "convene_websocket_connections")).toBe(0);
  });

  it("shows the outbox waiting and counts each message the SMTP server could not take", async () => {
    await community.app.mailer.stop();
    await queueMail(community.ctx, { to: "someone@northwind.example", subject: "Counted", text: "Hello" });
    expect(sample(await scrape(), "convene_mail_outbox_pending")).toBeGreaterThanOrEqual(1);
    const failuresBefore = sample(await scrape(), "convene_mail_send_failures_total") ?? 0;
    await community.app.mailer.flush();
    expect(sample(await scrape(), "convene_mail_send_failures_total")).toBeGreaterThan(failuresBefore);
  });
});

describe("metrics on METRICS_ADDRESS", () => {
  it("serves /metrics there without a token, and not on the app's own port", async () => {
    const { app, close } = await bareApp({ metricsAddress: "127.0.0.1:36291" });
    try {
      await app.ready();
      const served = await fetch("http://127.0.0.1:36291/metrics");
      expect(served.status).toBe(200);
      expect(await served.text()).toContain("convene_websocket_connections 0");
      const elsewhere = await fetch("http://127.0.0.1:36291/api/health");
      expect(elsewhere.status).toBe(404);
      const onAppPort = await app.inject({ method: "GET", url: "/metrics" });
      expect(onAppPort.statusCode).toBe(404);
      expect(onAppPort.json().error.code).toBe("not_found");
    } finally {
      await close();
    }
    // The listener goes with the app.
    await expect(fetch("http://127.0.0.1:36291/metrics")).rejects.toThrow();
  });

  it("does not serve /metrics at all with neither METRICS_TOKEN nor METRICS_ADDRESS", async () => {
    const { app, close } = await bareApp({});
    try {
      const response = await app.inject({ method: "GET", url: "/metrics" });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.message).toContain("METRICS_TOKEN");
    } finally {
      await close();
    }
  });
});
