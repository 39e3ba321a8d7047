import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sandboxProductCalls } from "../../../db/schema.js";
import { inTransaction } from "../../../platform/context.js";
import { verifySignature } from "../../../platform/signed-post.js";
import { startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { ProductCallDeliverer, queueProductCall } from "./calls.js";

const SECRET = "product-calls-test-secret-of-32-characters";

type Received = { delivery: string; body: string; signatureValid: boolean };

let community: TestCommunity;
let server: http.Server;
let flagsUrl: string;
const received: Received[] = [];
let status = 200;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        delivery: String(request.headers["x-convene-delivery"]),
        body,
        signatureValid: verifySignature({ secret: SECRET, body, headers: request.headers }).valid,
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  flagsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags`;
  community = await startTestCommunity();
});
afterAll(async () => {
  await community?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  await community.db.delete(sandboxProductCalls);
  received.length = 0;
  status = 200;
});

const deliverer = () => new ProductCallDeliverer(community.db, { flagsUrl, secret: SECRET });
const flagsCall = (n: number) => ({
  kind: "flags" as const,
  payload: { event: "sandbox.flags", flags: { pharmacy: "on" }, changes: [], at: `n${n}` },
});

describe("calls owed to the product", () => {
  it("are queued only when the change's transaction commits", async () => {
    await expect(
      inTransaction(community.ctx, async (tx) => {
        await queueProductCall(tx, flagsCall(1));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await community.db.select().from(sandboxProductCalls)).toHaveLength(0);
  });

  it("are sent oldest first, signed, each with its own delivery id", async () => {
    for (const n of [1, 2, 3]) await queueProductCall(community.ctx, flagsCall(n));
    const one = deliverer();
    await one.flush();
    await one.stop();
    expect(received.map((call) => JSON.parse(call.body).at)).toEqual(["n1", "n2", "n3"]);
    expect(received.every((call) => call.signatureValid)).toBe(true);
    const rows = await community.db.select().from(sandboxProductCalls);
    expect(new Set(received.map((call) => call.delivery))).toEqual(new Set(rows.map((row) => row.id)));
    expect(rows.every((row) => row.status === "succeeded" && row.deliveredAt !== null)).toBe(true);
  });

  it("are never sent twice when two deliverers (two nodes) pass at once", async () => {
    for (let n = 0; n < 25; n++) await queueProductCall(community.ctx, flagsCall(n));
    const [one, two] = [deliverer(), deliverer()];
    await Promise.all([one.flush(), two.flush()]);
    await Promise.all([one.stop(), two.stop()]);
    expect(received).toHaveLength(25);
    expect(new Set(received.map((call) => call.delivery)).size).toBe(25);
  });

  it("wait out their backoff after a failure, then go again with the same delivery id", async () => {
    status = 503;
    await queueProductCall(community.ctx, flagsCall(1));
    const slow = new ProductCallDeliverer(
      community.db,
      { flagsUrl, secret: SECRET },
      { retryBaseMs: 60_000 },
    );
    await slow.flush();
    await slow.flush();
    const [row] = await community.db.select().from(sandboxProductCalls);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503 });
    expect(received).toHaveLength(1);

    status = 200;
    await community.db
      .update(sandboxProductCalls)
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(sandboxProductCalls.id, row?.id ?? ""));
    await slow.flush();
    await slow.stop();
    expect(received.map((call) => call.delivery)).toEqual([row?.id, row?.id]);
    expect((await community.db.select().from(sandboxProductCalls))[0]).toMatchObject({
      status: "succeeded",
      attempts: 2,
      lastError: null,
    });
  });
});
