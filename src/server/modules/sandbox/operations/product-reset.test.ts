import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { auditLog, events, sandboxWipes, volunteers } from "../../../db/schema.js";
import { verifySignature } from "../../../platform/signed-post.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { wipeRunnerOf } from "../module.js";
import { wiped as wipedEvent } from "./contracts/wipes.js";
import { WIPE_FAILED } from "./wipe-liveness.js";
import { WIPE_COMPLETED } from "./wipe-runner.js";
import { WIPE_CONFIRMATION } from "./wipes.js";

const SECRET = "product-reset-test-secret-of-32-characters";
const TIMEOUT_MS = 1500;

type Received = { headers: http.IncomingHttpHeaders; body: string };
/** What the endpoint does with one call: answer with a status and text, or hold it until let go. */
type Answer = { status: number; body?: string } | "hang" | { holdUntil: Promise<void> };

/**
 * The product's reset endpoint, for real on 127.0.0.1: records each call and answers with the next of
 * the test's script (the last one repeats).
 */
async function startResetEndpoint() {
  const received: Received[] = [];
  let script: Answer[] = [{ status: 200 }];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = script[received.length - 1] ?? script.at(-1) ?? { status: 200 };
      if (answer === "hang") return;
      if ("holdUntil" in answer) {
        await answer.holdUntil;
        response.writeHead(200).end("reset");
        return;
      }
      response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/internal/reset`,
    host: `127.0.0.1:${port}`,
    received,
    answer(next: Answer[]) {
      script = next;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let endpoint: Awaited<ReturnType<typeof startResetEndpoint>>;
let community: TestCommunity;
let staff: Client;
let coordinator: Client;

type WipeView = {
  id: string;
  status: string;
  error: string | null;
  resetsProduct: boolean;
  resetAttempts: number;
};

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

/** Staff wipe now, as on the wipes page; the runner takes it after the answer. */
async function wipeNow(message: string): Promise<string> {
  const response = await staff.post("/api/admin/sandbox/wipes/now", {
    confirmation: WIPE_CONFIRMATION,
    message,
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json().wipe.id;
}

async function wipeShown(id: string): Promise<WipeView & { productResetHost: string | null }> {
  const response = await staff.get("/api/admin/sandbox/wipes");
  expect(response.statusCode, response.body).toBe(200);
  const { wipes, productResetHost } = response.json() as {
    wipes: WipeView[];
    productResetHost: string | null;
  };
  const wipe = wipes.find((candidate) => candidate.id === id);
  if (!wipe) throw new Error(`wipe ${id} is not listed`);
  return { ...wipe, productResetHost };
}

const volunteerRows = () =>
  community.db
    .select({ id: volunteers.id, displayId: volunteers.displayId, firstName: volunteers.firstName })
    .from(volunteers)
    .orderBy(asc(volunteers.displayId));

const auditOf = (action: string, wipeId: string) =>
  community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, wipeId)));

beforeAll(async () => {
  endpoint = await startResetEndpoint();
  community = await startTestCommunity({
    product: {
      ...loadConfig({}).product,
      resetUrl: endpoint.url,
      resetTimeoutMs: TIMEOUT_MS,
      resetAttempts: 3,
      webhookSecret: SECRET,
    },
  });
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  await accept(staff);
  await accept(coordinator);
  // Tens of milliseconds between attempts rather than 5 s and 15 s.
  wipeRunnerOf(community.db).productResetRetryBaseMs = 20;
});
afterAll(async () => {
  await community?.close();
  await endpoint?.close();
});

beforeEach(async () => {
  await community.db
    .update(sandboxWipes)
    .set({ status: "cancelled" })
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
});

describe("a wipe of the product's real environment", () => {
  it("calls the product's reset endpoint once, signed, completes, and leaves the built-in volunteers untouched", async () => {
    const created = await coordinator.post("/api/sandbox/volunteers", {
      firstName: "Kept",
      lastName: "Volunteer",
      sex: "female",
      dateOfBirth: "1990-02-03",
      region: "Ohio, US",
      heightCm: 168,
      weightKg: 61,
    });
    expect(created.statusCode, created.body).toBe(201);
    const before = await volunteerRows();
    endpoint.answer([{ status: 200, body: "reset" }]);

    const wipeId = await wipeNow("The product's data is reset for the release.");
    await wipeRunnerOf(community.db).idle();

    expect(endpoint.received).toHaveLength(1);
    const [call] = endpoint.received;
    expect(verifySignature({ secret: SECRET, body: call?.body ?? "", headers: call?.headers ?? {} })).toEqual(
      {
        valid: true,
      },
    );
    expect(call?.headers).toMatchObject({
      "content-type": "application/json",
      "x-convene-event": "sandbox.reset",
      "x-convene-delivery": wipeId,
    });
    const body = JSON.parse(call?.body ?? "{}");
    expect(body).toEqual({
      wipeId,
      scheduledFor: expect.any(String),
      message: "The product's data is reset for the release.",
      requestedAt: expect.any(String),
    });

    expect(await wipeShown(wipeId)).toMatchObject({
      status: "completed",
      error: null,
      resetsProduct: true,
      resetAttempts: 1,
      productResetHost: endpoint.host,
    });
    expect(await volunteerRows()).toEqual(before);
    const [completed] = await auditOf(WIPE_COMPLETED, wipeId);
    expect(completed?.details).toEqual({ product: endpoint.host, attempts: 1 });
    const [finished] = await community.db
      .select()
      .from(events)
      .where(eq(events.topic, wipedEvent.topic))
      .orderBy(desc(events.id))
      .limit(1);
    expect(finished?.payload).toMatchObject({ wipeId });
  });

  it("retries an endpoint that fails twice, with the same delivery and body, and completes on attempt 3", async () => {
    endpoint.answer([{ status: 500 }, { status: 503 }, { status: 204 }]);
    const wipeId = await wipeNow("Third time lucky.");
    await wipeRunnerOf(community.db).idle();

    expect(endpoint.received).toHaveLength(3);
    expect(new Set(endpoint.received.map((call) => call.headers["x-convene-delivery"]))).toEqual(
      new Set([wipeId]),
    );
    expect(new Set(endpoint.received.map((call) => call.body)).size).toBe(1);
    for (const call of endpoint.received)
      expect(verifySignature({ secret: SECRET, body: call.body, headers: call.headers }).valid).toBe(true);
    expect(await wipeShown(wipeId)).toMatchObject({
      status: "completed",
      resetsProduct: true,
      resetAttempts: 3,
    });
  });

  it("fails the wipe naming the endpoint's answer and body when it answers 500 every time", async () => {
    endpoint.answer([{ status: 500, body: `database is locked ${"!".repeat(400)}` }]);
    const wipeId = await wipeNow("Doomed.");
    await wipeRunnerOf(community.db).idle();

    expect(endpoint.received).toHaveLength(3);
    const shown = await wipeShown(wipeId);
    expect(shown).toMatchObject({ status: "failed", resetsProduct: true, resetAttempts: 3 });
    expect(shown.error).toBe(
      `The product's reset endpoint answered 500 on all 3 attempts: database is locked ${"!".repeat(181)}`,
    );
    const [failed] = await auditOf(WIPE_FAILED, wipeId);
    expect(failed?.details).toEqual({ error: shown.error });
    const environment = (await coordinator.get("/api/sandbox/environment")).json();
    expect(environment).toMatchObject({ wipe: null, lastWipe: { status: "failed" } });
    // The sandbox is open again.
    expect((await coordinator.get("/api/sandbox/flags")).statusCode).toBe(200);
  });

  it("fails naming the timeout when the endpoint does not answer in time", async () => {
    endpoint.answer(["hang"]);
    const wipeId = await wipeNow("Nobody home.");
    await wipeRunnerOf(community.db).idle();

    expect(endpoint.received).toHaveLength(3);
    expect(await wipeShown(wipeId)).toMatchObject({
      status: "failed",
      resetAttempts: 3,
      error: "The product's reset endpoint did not answer within 1.5 s on all 3 attempts.",
    });
  });

  it("refuses sandbox routes with 503 sandbox_resetting while the product resets, and shows the wipe running", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    endpoint.answer([{ holdUntil: released }]);
    const wipeId = await wipeNow("Held.");
    const deadline = Date.now() + 10_000;
    while (endpoint.received.length === 0) {
      if (Date.now() > deadline) throw new Error("the endpoint was not called");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const refused = await coordinator.get("/api/sandbox/flags");
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("sandbox_resetting");
    const environment = (await coordinator.get("/api/sandbox/environment")).json();
    expect(environment.wipe).toMatchObject({ status: "running", step: "product", done: 1, total: 3 });
    release();
    await wipeRunnerOf(community.db).idle();
    expect(await wipeShown(wipeId)).toMatchObject({ status: "completed", resetAttempts: 1 });
  });
});
