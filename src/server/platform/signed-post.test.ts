import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { retryDelayMs, signature, signedPost, verifySignature } from "./signed-post.js";

const SECRET = "a-shared-secret-of-at-least-32-characters";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A real receiver: answers each request with the next of `answers` (the last repeats), or never. */
async function startReceiver(answers: ({ status: number; body: string } | "silent")[]) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers[received.length - 1] ?? answers.at(-1) ?? { status: 200, body: "" };
      if (answer === "silent") return;
      response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
async function receiver(answers: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(answers);
  receivers.push(started);
  return started;
}
afterAll(() => Promise.all(receivers.map((r) => r.close())));

const post = (url: string, extra: Partial<Parameters<typeof signedPost>[0]> = {}) =>
  signedPost({
    url,
    secret: SECRET,
    event: "sandbox.test",
    deliveryId: "delivery-1",
    body: JSON.stringify({ hello: "world" }),
    timeoutMs: 5000,
    ...extra,
  });

describe("signing", () => {
  it("signs `<timestamp>.<raw body>` with HMAC-SHA256, as sha256=<hex>", () => {
    expect(signature("key", "1700000000", '{"text":"hi"}')).toBe(
      `sha256=${createHmac("sha256", "key").update('1700000000.{"text":"hi"}').digest("hex")}`,
    );
  });
});

describe("verifying", () => {
  const now = new Date("2026-05-01T12:00:00Z");
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const body = '{"flags":{"pharmacy":"on"}}';
  const headers = (extra: Record<string, string | undefined> = {}) => ({
    "x-convene-timestamp": timestamp,
    "x-convene-signature": signature(SECRET, timestamp, body),
    ...extra,
  });

  it("accepts the signature of exactly this body, made within five minutes", () => {
    expect(verifySignature({ secret: SECRET, body, headers: headers(), now })).toEqual({ valid: true });
    const fourMinutesLater = new Date(now.getTime() + 4 * 60_000);
    expect(verifySignature({ secret: SECRET, body, headers: headers(), now: fourMinutesLater }).valid).toBe(
      true,
    );
  });

  it.each([
    ["no signature", { "x-convene-signature": undefined }, /carries no x-convene-signature/],
    ["no timestamp", { "x-convene-timestamp": undefined }, /carries no x-convene-timestamp/],
    ["a timestamp that is not seconds", { "x-convene-timestamp": "yesterday" }, /seconds since 1970/],
    [
      "a signature by another secret",
      { "x-convene-signature": signature("other", timestamp, body) },
      /does not match/,
    ],
    ["a signature of another length", { "x-convene-signature": "sha256=abc" }, /does not match/],
  ])("refuses %s, saying why", (_case, changed, reason) => {
    const check = verifySignature({ secret: SECRET, body, headers: headers(changed), now });
    expect(check.valid).toBe(false);
    if (!check.valid) expect(check.reason).toMatch(reason);
  });

  it("refuses a body changed after signing", () => {
    const check = verifySignature({
      secret: SECRET,
      body: body.replace("on", "off"),
      headers: headers(),
      now,
    });
    expect(check).toMatchObject({ valid: false });
  });

  it("refuses a timestamp more than five minutes away, either way", () => {
    for (const minutes of [6, -6]) {
      const at = new Date(now.getTime() + minutes * 60_000);
      const check = verifySignature({ secret: SECRET, body, headers: headers(), now: at });
      expect(check.valid).toBe(false);
      if (!check.valid) expect(check.reason).toMatch(/more than 5 minutes/);
    }
  });
});

describe("posting", () => {
  it("sends the signed body with the event, delivery and timestamp, which the receiver can verify", async () => {
    const target = await receiver([{ status: 204, body: "" }]);
    const outcome = await post(target.url);
    expect(outcome).toEqual({ ok: true, statusCode: 204, timedOut: false, error: null, body: null });
    const [request] = target.received;
    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      "x-convene-event": "sandbox.test",
      "x-convene-delivery": "delivery-1",
    });
    expect(request?.body).toBe('{"hello":"world"}');
    expect(
      verifySignature({
        secret: SECRET,
        body: request?.body ?? "",
        headers: request?.headers ?? {},
      }),
    ).toEqual({ valid: true });
  });

  it("keeps the start of a failing answer's body when asked", async () => {
    const target = await receiver([{ status: 500, body: `boom ${"x".repeat(5000)}` }]);
    const outcome = await post(target.url, { keepBody: 200 });
    expect(outcome).toMatchObject({ ok: false, statusCode: 500, timedOut: false });
    expect(outcome.error).toBe("The receiver answered 500.");
    expect(outcome.body).toBe(`boom ${"x".repeat(195)}`);
    expect((await post(target.url)).body).toBeNull();
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const target = await receiver([{ status: 302, body: "" }]);
    expect(await post(target.url)).toMatchObject({ ok: false, statusCode: 302 });
    expect(target.received).toHaveLength(1);
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const target = await receiver(["silent"]);
    const outcome = await post(target.url, { timeoutMs: 200 });
    expect(outcome).toMatchObject({
      ok: false,
      statusCode: null,
      timedOut: true,
      error: "No answer within 0.2 s.",
    });
  });

  it("reports an unreachable receiver without a status", async () => {
    const target = await receiver([{ status: 200, body: "" }]);
    await target.close();
    const outcome = await post(target.url);
    expect(outcome).toMatchObject({ ok: false, statusCode: null, timedOut: false });
    expect(outcome.error).toMatch(/fetch failed|ECONNREFUSED/);
  });
});

describe("backing off", () => {
  it("waits the base times 1, 4, 20, 120, 720 after each failure, then the last step again", () => {
    expect([1, 2, 3, 4, 5, 6].map((attempts) => retryDelayMs(30_000, attempts) / 1000)).toEqual([
      30, 120, 600, 3600, 21_600, 21_600,
    ]);
  });

  it("takes steps of its own", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(5000, attempts, [1, 3, 9]))).toEqual([
      5000, 15_000, 45_000, 45_000,
    ]);
  });
});
