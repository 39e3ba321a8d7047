/**
 * The limits as nodes meet them, two apps in this process standing for two nodes: without REDIS_URL
 * each node counts on its own (as before Redis), with it they count together, and while Redis is
 * away the sign-in limit refuses (503) while chat keeps posting. The same across real processes on
 * one PostgreSQL: limits-multi-node.test.ts.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../config.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../testing/harness.js";
import { CSRF_HEADER } from "./auth/http.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `convene-test:shared-limits:${randomUUID()}:`;
const SIGN_IN_LIMIT = 4;
const limits: Partial<Config> = {
  signInAttemptsPerIp: SIGN_IN_LIMIT,
  // No token comes back during the test: the burst is the whole allowance.
  chatPostsPerSecond: 1 / 3600,
  chatPostBurst: 3,
};

/**
 * Wrong passwords for nobody from one address of the test's own (so the members' sign-ins, from
 * inject's 127.0.0.1, spend nothing of it), alternating between the nodes; the status of each answer.
 */
async function signInAttempts(nodes: TestCommunity[], count: number): Promise<number[]> {
  const address = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const node = nodes[i % nodes.length] as TestCommunity;
    const response = await node.app.inject({
      method: "POST",
      url: "/api/auth/login",
      remoteAddress: address,
      headers: { origin: TEST_ORIGIN, [CSRF_HEADER]: "1" },
      payload: { email: "nobody@example.com", password: "not the password" },
    });
    statuses.push(response.statusCode);
  }
  return statuses;
}

async function posts(node: TestCommunity, count: number): Promise<number[]> {
  const member = await node.signIn("member@northwind.example");
  const channel = (
    await member.post("/api/chat/channels", { name: `limits-${randomUUID()}`, kind: "public" })
  ).json();
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await member.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: `post ${i}`,
    });
    statuses.push(response.statusCode);
  }
  return statuses;
}

describe("without REDIS_URL, each node limits on its own", { timeout: 180_000 }, () => {
  let one: TestCommunity;
  let two: TestCommunity;
  beforeAll(async () => {
    one = await startTestCommunity(limits);
    two = await startTestCommunity(limits);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  it("lets one address sign in up to the limit on each node, twice the limit in all", async () => {
    expect(one.app.redis).toBeUndefined();
    const statuses = await signInAttempts([one, two], 2 * SIGN_IN_LIMIT + 2);
    expect(statuses.slice(0, 2 * SIGN_IN_LIMIT).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(2 * SIGN_IN_LIMIT)).toEqual([429, 429]);
  });

  it("gives each node's members their own posting allowance", async () => {
    expect(await posts(one, 4)).toEqual([201, 201, 201, 429]);
    expect(await posts(two, 4)).toEqual([201, 201, 201, 429]);
  });
});

describe("with REDIS_URL, the nodes share the limits", { timeout: 180_000 }, () => {
  let one: TestCommunity;
  let two: TestCommunity;
  beforeAll(async () => {
    const shared = { ...limits, redisUrl, redisPrefix: prefix };
    one = await startTestCommunity(shared);
    two = await startTestCommunity(shared);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    const cleaner = new Redis(redisUrl);
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
  });

  it("runs one address out of sign-in attempts at the limit, whichever node it asks", async () => {
    const statuses = await signInAttempts([one, two], SIGN_IN_LIMIT + 2);
    expect(statuses).toEqual([...Array(SIGN_IN_LIMIT).fill(401), 429, 429]);
  });

  it("refuses sign-in with 503 and Retry-After, but keeps chat posting, while Redis is away", async () => {
    const member = await one.signIn("member@northwind.example");
    const channel = (await member.post("/api/chat/channels", { name: "outage", kind: "public" })).json();
    // Closed for good (a plain disconnect would reconnect at once): Redis is away for this node.
    await (one.app.redis as Redis).quit();

    const signIn = await one
      .anonymous()
      .post("/api/auth/login", { email: "nobody@example.com", password: "not the password" });
    expect(signIn.statusCode).toBe(503);
    expect(signIn.json().error.code).toBe("limits_unavailable");
    expect(signIn.headers["retry-after"]).toBe("5");

    const posted = await member.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "still here",
    });
    expect(posted.statusCode).toBe(201);
  });
});
