import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { auditLog, events, sandboxProductCalls } from "../../../db/schema.js";
import { signature, verifySignature } from "../../../platform/signed-post.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { productCallsOf } from "../module.js";
import { flagChanged } from "./contracts/flags.js";
import { FLAGS_FROM_PRODUCT } from "./flags.js";
import { PRODUCT_FLAG_SERVICE } from "./product-flags.js";

const SECRET = "product-flags-test-secret-of-32-characters";

type Received = { headers: http.IncomingHttpHeaders; body: string; signatureValid: boolean };

/** The product's flag receiver, for real: checks each call's signature and answers with its script. */
async function startReceiver() {
  const received: Received[] = [];
  let status = 200;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const { valid } = verifySignature({ secret: SECRET, body, headers: request.headers });
      received.push({ headers: request.headers, body, signatureValid: valid });
      response.writeHead(valid ? status : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags`,
    received,
    answerWith(next: number) {
      status = next;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type FlagsAnswer = { flags: { key: string; state: string }[]; flagsSource: string };

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

/** The product's flag service posting states, signed as it would (or not, or badly). */
function postFromProduct(
  community: TestCommunity,
  flags: Record<string, string>,
  signing: { secret?: string; at?: Date; unsigned?: boolean } = {},
) {
  const body = JSON.stringify({ flags });
  const timestamp = String(Math.floor((signing.at ?? new Date()).getTime() / 1000));
  return community.app.inject({
    method: "POST",
    url: "/api/sandbox/product/flags",
    headers: {
      "content-type": "application/json",
      ...(signing.unsigned
        ? {}
        : {
            "x-convene-timestamp": timestamp,
            "x-convene-signature": signature(signing.secret ?? SECRET, timestamp, body),
          }),
    },
    payload: body,
  });
}

const product = (changes: Partial<ReturnType<typeof loadConfig>["product"]>) => ({
  product: { ...loadConfig({}).product, webhookSecret: SECRET, ...changes },
});

describe("flags from Convene to the product", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let community: TestCommunity;
  let staff: Client;

  beforeAll(async () => {
    receiver = await startReceiver();
    community = await startTestCommunity(product({ flagsSource: "convene", flagsUrl: receiver.url }));
    staff = await community.signIn("staff@vendor.example");
    await accept(staff);
    // The demo's own flags and deployments told the product their states when it was seeded.
    await productCallsOf(community.db).flush();
    expect(receiver.received.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await community?.close();
    await receiver?.close();
  });

  const calls = () =>
    community.db.select().from(sandboxProductCalls).orderBy(desc(sandboxProductCalls.createdAt));
  const sent = () => receiver.received.map((call) => JSON.parse(call.body));

  it("sends a staff change, signed, with every flag's state and what changed", async () => {
    receiver.answerWith(200);
    const changed = await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "on" });
    expect(changed.statusCode, changed.body).toBe(200);
    await productCallsOf(community.db).flush();

    expect(receiver.received).toHaveLength(1);
    const [call] = receiver.received;
    expect(call?.signatureValid).toBe(true);
    const [row] = await calls();
    expect(call?.headers).toMatchObject({
      "x-convene-event": "sandbox.flags",
      "x-convene-delivery": row?.id,
      "content-type": "application/json",
    });
    const flags = (await staff.get("/api/sandbox/flags")).json() as FlagsAnswer;
    expect(flags.flagsSource).toBe("convene");
    expect(sent()[0]).toEqual({
      event: "sandbox.flags",
      flags: Object.fromEntries(flags.flags.map((flag) => [flag.key, flag.state])),
      changes: [{ key: "pharmacy", from: "preview", to: "on" }],
      at: expect.any(String),
    });
    expect(row).toMatchObject({ kind: "flags", status: "succeeded", attempts: 1, lastStatusCode: 200 });
  });

  it("sends a new flag and a deployment's flags, and nothing for a change of name only", async () => {
    receiver.answerWith(200);
    const created = await staff.post("/api/admin/sandbox/flags", {
      key: "kit-returns",
      name: "Kit returns",
      state: "preview",
    });
    expect(created.statusCode, created.body).toBe(201);
    const renamed = await staff.patch("/api/admin/sandbox/flags/kit-returns", { name: "Kit returns (beta)" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const deployed = await staff.post("/api/admin/sandbox/deployments", {
      buildId: "build-812",
      version: "26.4.0-build.812",
      flags: { "kit-returns": "on", pharmacy: "off" },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    await productCallsOf(community.db).flush();

    expect(receiver.received.every((call) => call.signatureValid)).toBe(true);
    expect(sent().map((payload) => payload.changes)).toEqual([
      [{ key: "kit-returns", from: null, to: "preview" }],
      [
        { key: "kit-returns", from: "preview", to: "on" },
        { key: "pharmacy", from: "on", to: "off" },
      ],
    ]);
    expect(sent()[1].flags).toMatchObject({ "kit-returns": "on", pharmacy: "off" });
  });

  it("retries a failing receiver with backoff, then gives the call up as failed after 6 attempts", async () => {
    receiver.answerWith(500);
    const deliverer = productCallsOf(community.db);
    deliverer.retryBaseMs = 1;
    const changed = await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "preview" });
    expect(changed.statusCode, changed.body).toBe(200);
    const deadline = Date.now() + 20_000;
    for (;;) {
      await deliverer.flush();
      if ((await calls())[0]?.status !== "pending") break;
      if (Date.now() > deadline) throw new Error("the call did not settle");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await calls())[0]).toMatchObject({ status: "failed", attempts: 6, lastStatusCode: 500 });
    expect((await calls())[0]?.lastError).toContain("500");
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((call) => call.headers["x-convene-delivery"])).size).toBe(1);
  });

  it("refuses the product's own post with 409 while Convene's staff own the flags", async () => {
    const response = await postFromProduct(community, { pharmacy: "on" });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("conflict");
  });
});

describe("flags from the product's flag service to Convene", () => {
  let community: TestCommunity;
  let staff: Client;

  beforeAll(async () => {
    community = await startTestCommunity(product({ flagsSource: "product" }));
    staff = await community.signIn("staff@vendor.example");
    await accept(staff);
  });
  afterAll(() => community?.close());

  const stateOf = async (key: string) => {
    const answer = (await staff.get("/api/sandbox/flags")).json() as FlagsAnswer;
    return answer.flags.find((flag) => flag.key === key)?.state;
  };

  it("applies a signed post: staff see the new states, audited as the flag service and published live", async () => {
    const response = await postFromProduct(community, { pharmacy: "on" });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ changes: [{ key: "pharmacy", from: "preview", to: "on" }] });

    const answer = (await staff.get("/api/sandbox/flags")).json() as FlagsAnswer;
    expect(answer.flagsSource).toBe("product");
    expect(await stateOf("pharmacy")).toBe("on");
    const [audit] = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, FLAGS_FROM_PRODUCT), eq(auditLog.targetId, "pharmacy")));
    expect(audit).toMatchObject({
      actorId: null,
      actorEmail: PRODUCT_FLAG_SERVICE,
      details: { changes: [{ key: "pharmacy", from: "preview", to: "on" }] },
    });
    const [event] = await community.db
      .select()
      .from(events)
      .where(eq(events.topic, flagChanged.topic))
      .orderBy(desc(events.id))
      .limit(1);
    expect(event?.payload).toMatchObject({ flag: { key: "pharmacy", state: "on" } });

    // The same states again change nothing and write nothing.
    const again = await postFromProduct(community, { pharmacy: "on" });
    expect(again.json()).toEqual({ changes: [] });
  });

  it.each([
    ["an unsigned post", { unsigned: true }, /carries no x-convene-signature/],
    [
      "a post signed with another secret",
      { secret: "not-the-product-secret-of-32-characters" },
      /does not match/,
    ],
    ["a stale post", { at: new Date(Date.now() - 10 * 60_000) }, /more than 5 minutes/],
  ])("refuses %s with 401, saying why, and changes nothing", async (_case, signing, reason) => {
    const before = await stateOf("pharmacy");
    const response = await postFromProduct(community, { pharmacy: before === "off" ? "on" : "off" }, signing);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("unauthenticated");
    expect(response.json().error.message).toMatch(reason);
    expect(await stateOf("pharmacy")).toBe(before);
  });

  it("refuses a body changed after it was signed", async () => {
    const body = JSON.stringify({ flags: { pharmacy: "off" } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await community.app.inject({
      method: "POST",
      url: "/api/sandbox/product/flags",
      headers: {
        "content-type": "application/json",
        "x-convene-timestamp": timestamp,
        "x-convene-signature": signature(SECRET, timestamp, body),
      },
      payload: body.replace("off", "on"),
    });
    expect(response.statusCode).toBe(401);
  });

  it("refuses an unknown flag or state with 400 naming flags.<key>, applying none of the post", async () => {
    const before = await stateOf("pharmacy");
    const unknown = await postFromProduct(community, { pharmacy: "off", "no-such-flag": "on" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toHaveProperty(["flags.no-such-flag"]);
    const badState = await postFromProduct(community, { pharmacy: "maybe" });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.fields).toHaveProperty(["flags.pharmacy"]);
    expect(await stateOf("pharmacy")).toBe(before);
  });

  it("refuses staff's change of a state (409) while the product owns them; names stay Convene's", async () => {
    const refused = await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "off" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/follow the product's flag service/);
    const renamed = await staff.patch("/api/admin/sandbox/flags/pharmacy", { name: "Pharmacy" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const deployment = await staff.post("/api/admin/sandbox/deployments", {
      buildId: "build-900",
      version: "26.5",
      flags: { pharmacy: "off" },
    });
    expect(deployment.statusCode).toBe(409);
    expect(deployment.json().error.fields).toHaveProperty("flags");
    const created = await staff.post("/api/admin/sandbox/flags", {
      key: "labels",
      name: "Labels",
      state: "on",
    });
    expect(created.statusCode).toBe(409);
    const off = await staff.post("/api/admin/sandbox/flags", { key: "labels", name: "Labels", state: "off" });
    expect(off.statusCode, off.body).toBe(201);
  });
});
