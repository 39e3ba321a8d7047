import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../db/schema.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { WebhookDeliverer, webhookSignature } from "./deliverer.js";
import { webhookDelivererOf } from "./module.js";

type Received = {
  headers: http.IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
};
type Delivery = {
  id: string;
  webhookId: string;
  release: { id: string; version: string } | null;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};

/**
 * A real receiver on 127.0.0.1 that checks each request's HMAC signature with the secret it is
 * given, records it, and answers with the next status of its script (the last one repeats).
 */
async function startReceiver(script: number[]) {
  const received: Received[] = [];
  let secret = "";
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(request.headers["x-convene-timestamp"] ?? "");
      const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
      const given = String(request.headers["x-convene-signature"] ?? "");
      const signatureValid =
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      received.push({ headers: request.headers, body, signatureValid });
      const status = signatureValid ? (script[received.length - 1] ?? script.at(-1) ?? 200) : 401;
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/slack`,
    received,
    useSecret: (value: string) => {
      secret = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let community: TestCommunity;
let staff: Client;
let deliverer: WebhookDeliverer;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  deliverer = webhookDelivererOf(community.db);
});
afterAll(async () => {
  await community?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(script: number[]) {
  const started = await startReceiver(script);
  receivers.push(started);
  return started;
}

/** Turns every webhook off so each test hears only its own. */
async function onlyThisWebhook(name: string, url: string): Promise<{ id: string; secret: string }> {
  const existing = (await staff.get("/api/admin/webhooks")).json().webhooks as {
    id: string;
    active: boolean;
  }[];
  for (const hook of existing.filter((h) => h.active)) await staff.delete(`/api/admin/webhooks/${hook.id}`);
  const response = await staff.post("/api/admin/webhooks", { name, url });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

let minor = 0;
async function publishNewRelease(title: string): Promise<{ id: string; version: string }> {
  const created = await staff.post("/api/admin/releases", {
    version: `31.${++minor}`,
    title,
    releaseDate: "2026-05-15",
    notes: "Notes with a [link](https://docs.example/31) and **bold** text.",
    features: [
      { title: "Kit returns", module: "Pharmacy", availability: "preview" },
      { title: "Faster forms", module: "eSource", availability: "ga" },
    ],
  });
  expect(created.statusCode, created.body).toBe(201);
  const release = created.json();
  const published = await staff.post(`/api/admin/releases/${release.id}/publish`);
  expect(published.statusCode, published.body).toBe(200);
  return release;
}

async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const response = await staff.get(`/api/admin/webhooks/${webhookId}/deliveries`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().deliveries;
}

/** Flushes until `done` holds: retries are due only after their backoff. */
async function flushUntil(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await deliverer.flush();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("deliveries did not settle in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("webhook administration", () => {
  it("shows the 256-bit secret once, on creation, and never in lists", async () => {
    const response = await staff.post("/api/admin/webhooks", {
      name: "Team Slack",
      url: "https://hooks.example/abc",
    });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created).toMatchObject({
      name: "Team Slack",
      url: "https://hooks.example/abc",
      active: true,
      lastDelivery: null,
    });
    const listed = (await staff.get("/api/admin/webhooks")).json().webhooks as Record<string, unknown>[];
    const mine = listed.find((w) => w.id === created.id);
    expect(mine).toBeDefined();
    expect(mine).not.toHaveProperty("secret");
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it.each([
    ["ftp://hooks.example/x", "another scheme"],
    ["javascript:alert(1)", "a script"],
    ["not a url", "no address"],
  ])("refuses the URL %j (%s)", async (url) => {
    const response = await staff.post("/api/admin/webhooks", { name: "Bad", url });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.url).toBeDefined();
  });

  it("renames, re-points, turns off and on; delete keeps the row, inactive", async () => {
    const { id } = (
      await staff.post("/api/admin/webhooks", { name: "Old", url: "https://a.example/1" })
    ).json();
    const renamed = await staff.patch(`/api/admin/webhooks/${id}`, {
      name: "New",
      url: "http://b.example/2",
    });
    expect(renamed.json()).toMatchObject({ name: "New", url: "http://b.example/2", active: true });
    expect((await staff.patch(`/api/admin/webhooks/${id}`, { active: false })).json().active).toBe(false);
    expect((await staff.patch(`/api/admin/webhooks/${id}`, { active: true })).json().active).toBe(true);
    expect((await staff.patch(`/api/admin/webhooks/${id}`, {})).statusCode).toBe(400);
    expect((await staff.delete(`/api/admin/webhooks/${id}`)).statusCode).toBe(204);
    const listed = (await staff.get("/api/admin/webhooks")).json().webhooks as {
      id: string;
      active: boolean;
    }[];
    expect(listed.find((w) => w.id === id)?.active).toBe(false);
    expect((await staff.get(`/api/admin/webhooks/${id}/deliveries`)).statusCode).toBe(200);
    expect((await staff.delete("/api/admin/webhooks/0190f7d2-0000-7000-8000-000000000000")).statusCode).toBe(
      404,
    );
  });
});

describe("delivering release.published", () => {
  it("signs the Slack payload, retries a 500 with backoff, and succeeds on the second attempt", async () => {
    const slack = await receiver([500, 200]);
    const hook = await onlyThisWebhook("Retrying Slack", slack.url);
    slack.useSecret(hook.secret);
    deliverer.retryBaseMs = 400;

    const release = await publishNewRelease("Signed & <retried>");
    const attemptedFrom = Date.now();
    await deliverer.flush();
    const attemptedBy = Date.now();
    const [first] = await deliveriesOf(hook.id);
    expect(first).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      event: "release.published",
    });
    expect(first?.release).toEqual({ id: release.id, version: release.version });
    expect(first?.lastError).toContain("500");
    // The first retry waits one base period (30 s in production, 400 ms here) after the failed attempt.
    const nextAttempt = new Date(first?.nextAttemptAt ?? 0).getTime();
    expect(nextAttempt).toBeGreaterThanOrEqual(attemptedFrom + 400);
    expect(nextAttempt).toBeLessThanOrEqual(attemptedBy + 400);

    await flushUntil(async () => (await deliveriesOf(hook.id))[0]?.status === "succeeded");
    const [delivery] = await deliveriesOf(hook.id);
    expect(delivery).toMatchObject({
      status: "succeeded",
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(delivery?.deliveredAt).not.toBeNull();
    expect(delivery?.nextAttemptAt).toBeNull();

    expect(slack.received).toHaveLength(2);
    for (const request of slack.received) {
      expect(request.signatureValid).toBe(true);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["x-convene-event"]).toBe("release.published");
      expect(request.headers["x-convene-delivery"]).toBe(delivery?.id);
      expect(Math.abs(Number(request.headers["x-convene-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(request.headers["x-convene-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    }
    const payload = JSON.parse(slack.received[1]?.body ?? "{}");
    expect(payload.text).toBe(
      `Convene ${release.version} — Signed &amp; &lt;retried&gt; is out: <http://localhost:3000/releases/${release.version}|read the release notes>`,
    );
    const types = payload.blocks.map((b: { type: string }) => b.type);
    expect(types[0]).toBe("header");
    expect(types).toContain("section");
    expect(types).toContain("actions");
    const summary = payload.blocks.find((b: { text?: { type: string } }) => b.text?.type === "mrkdwn");
    expect(summary.text.text).toBe("Notes with a <https://docs.example/31|link> and *bold* text.");
    const fields = payload.blocks.flatMap((b: { fields?: { text: string }[] }) => b.fields ?? []);
    expect(fields.map((f: { text: string }) => f.text)).toEqual([
      "*Kit returns*\nPharmacy · Preview",
      "*Faster forms*\neSource · GA",
    ]);
    const button = payload.blocks.find((b: { type: string }) => b.type === "actions").elements[0];
    expect(button.url).toBe(`http://localhost:3000/releases/${release.version}`);

    const listed = (await staff.get("/api/admin/webhooks")).json().webhooks as {
      id: string;
      lastDelivery: unknown;
    }[];
    expect(listed.find((w) => w.id === hook.id)?.lastDelivery).toMatchObject({
      status: "succeeded",
      lastStatusCode: 200,
    });
  });

  it("redelivers a delivery as a new one with the same payload", async () => {
    const slack = await receiver([200]);
    const hook = await onlyThisWebhook("Redelivery", slack.url);
    slack.useSecret(hook.secret);
    await publishNewRelease("Redelivered");
    await flushUntil(async () => (await deliveriesOf(hook.id))[0]?.status === "succeeded");
    const [original] = await deliveriesOf(hook.id);
    if (!original) throw new Error("no delivery");

    const response = await staff.post(`/api/admin/webhook-deliveries/${original.id}/redeliver`);
    expect(response.statusCode, response.body).toBe(201);
    const copy = response.json() as Delivery;
    expect(copy).toMatchObject({
      status: "pending",
      attempts: 0,
      event: "release.published",
      release: original.release,
    });
    expect(copy.id).not.toBe(original.id);
    await flushUntil(async () => (await deliveriesOf(hook.id)).every((d) => d.status === "succeeded"));

    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]?.headers["x-convene-delivery"]).toBe(copy.id);
    expect(slack.received[1]?.body).toBe(slack.received[0]?.body);
    expect(slack.received.every((r) => r.signatureValid)).toBe(true);
    expect((await deliveriesOf(hook.id)).map((d) => d.id)).toEqual([copy.id, original.id]);

    // An inactive webhook is not sent to, even on request.
    await staff.delete(`/api/admin/webhooks/${hook.id}`);
    const refused = await staff.post(`/api/admin/webhook-deliveries/${original.id}/redeliver`);
    expect(refused.statusCode).toBe(409);
    expect(
      (await staff.post("/api/admin/webhook-deliveries/0190f7d2-0000-7000-8000-000000000000/redeliver"))
        .statusCode,
    ).toBe(404);
  });

  it("gives up as failed after 6 attempts, keeping the last status code", async () => {
    const broken = await receiver([503]);
    const hook = await onlyThisWebhook("Broken", broken.url);
    broken.useSecret(hook.secret);
    deliverer.retryBaseMs = 1;
    await publishNewRelease("Never arrives");
    await flushUntil(async () => (await deliveriesOf(hook.id))[0]?.status === "failed", 20_000);
    const [delivery] = await deliveriesOf(hook.id);
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: 6,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });
    expect(broken.received).toHaveLength(6);
  });

  it("records an unreachable receiver's error with no status code", async () => {
    const gone = await receiver([200]);
    await gone.close();
    const hook = await onlyThisWebhook("Unreachable", gone.url);
    deliverer.retryBaseMs = 60_000;
    await publishNewRelease("Nobody listening");
    await flushUntil(async () => ((await deliveriesOf(hook.id))[0]?.attempts ?? 0) >= 1);
    const [delivery] = await deliveriesOf(hook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(delivery?.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    await staff.delete(`/api/admin/webhooks/${hook.id}`);
  });

  it("fails a delivery whose webhook was turned off before it went out", async () => {
    const quiet = await receiver([200]);
    const hook = await onlyThisWebhook("Turned off", quiet.url);
    expect((await staff.patch(`/api/admin/webhooks/${hook.id}`, { active: false })).statusCode).toBe(200);
    // Queued while it was still on (as a publish just before the switch would have).
    await community.db.insert(webhookDeliveries).values({
      webhookId: hook.id,
      releaseId: null,
      event: "release.published",
      payload: { text: "late", blocks: [] },
    });
    await deliverer.flush();
    const [delivery] = await deliveriesOf(hook.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 0 });
    expect(delivery?.lastError).toMatch(/turned off/);
    expect(quiet.received).toHaveLength(0);
  });
});

describe("the delivery worker", () => {
  it("backs off 30 s, 2 min, 10 min, 1 h, 6 h by default", () => {
    const defaults = new WebhookDeliverer(community.db);
    expect([1, 2, 3, 4, 5].map((attempts) => defaults.retryDelayMs(attempts) / 1000)).toEqual([
      30, 120, 600, 3600, 21_600,
    ]);
    expect(defaults.maxAttempts).toBe(6);
    expect(defaults.timeoutMs).toBe(10_000);
  });

  it("signs `<timestamp>.<raw body>` with HMAC-SHA256", () => {
    expect(webhookSignature("key", "1700000000", '{"text":"hi"}')).toBe(
      `sha256=${createHmac("sha256", "key").update('1700000000.{"text":"hi"}').digest("hex")}`,
    );
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    try {
      const hook = await onlyThisWebhook("Slow", url);
      // The app's own deliverer runs a pass after each of those requests; were one still under way
      // it could claim the delivery below and wait its own 10 s on the silent receiver.
      await deliverer.flush();
      const [row] = await community.db
        .insert(webhookDeliveries)
        .values({
          webhookId: hook.id,
          releaseId: null,
          event: "release.published",
          payload: { text: "hi", blocks: [] },
        })
        .returning();
      const impatient = new WebhookDeliverer(community.db, { timeoutMs: 200, retryBaseMs: 60_000 });
      const started = Date.now();
      await impatient.flush();
      expect(Date.now() - started).toBeLessThan(5000);
      const [after] = await community.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, row?.id ?? ""));
      expect(after).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
      expect(after?.lastError).toMatch(/No answer within/);
      await impatient.stop();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("never sends one delivery twice when two workers flush at once", async () => {
    const slack = await receiver([200]);
    const hook = await onlyThisWebhook("Two workers", slack.url);
    slack.useSecret(hook.secret);
    await community.db.insert(webhookDeliveries).values(
      Array.from({ length: 25 }, (_, i) => ({
        webhookId: hook.id,
        releaseId: null,
        event: "release.published",
        payload: { text: `n${i}`, blocks: [] },
      })),
    );
    const other = new WebhookDeliverer(community.db);
    await Promise.all([deliverer.flush(), other.flush()]);
    await other.stop();
    await flushUntil(async () => (await deliveriesOf(hook.id)).every((d) => d.status === "succeeded"));
    const ids = slack.received.map((r) => r.headers["x-convene-delivery"]);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
  });
});
