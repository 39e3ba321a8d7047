/**
 * docs/PIPELINE.md works as written: every ```sh block is run by bash with the real curl and openssl
 * against listening servers, with a real sandbox API token: one Convene whose staff own the flags (and
 * send them to a real receiver), one whose flags follow the product's flag service (the signed inbound
 * post goes there), and a real reset endpoint that checks Convene's signature.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { verifySignature } from "../../../platform/signed-post.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { productCallsOf } from "../module.js";

const SECRET = "pipeline-docs-test-secret-of-32-characters";
const DOCS = path.resolve(import.meta.dirname, "../../../../../docs/PIPELINE.md");
const blocks = [...fs.readFileSync(DOCS, "utf8").matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(
  (match) => match[1] ?? "",
);

type Received = { headers: http.IncomingHttpHeaders; body: string; signatureValid: boolean };

/** A real HTTP endpoint that checks Convene's signature (401 when wrong) and records what came. */
async function startSignedEndpoint() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const check = verifySignature({ secret: SECRET, body, headers: request.headers });
      received.push({ headers: request.headers, body, signatureValid: check.valid });
      response.writeHead(check.valid ? 200 : 401).end(check.valid ? "ok" : check.reason);
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

type Server = { community: TestCommunity; staff: Client; url: string; token: string };

async function startServer(product: Partial<ReturnType<typeof loadConfig>["product"]>): Promise<Server> {
  const community = await startTestCommunity({
    product: { ...loadConfig({}).product, webhookSecret: SECRET, ...product },
  });
  const staff = await community.signIn("staff@vendor.example");
  // What the docs ask of the token's owner: the agreement accepted, a sandbox token made on the profile.
  const agreement = (await staff.get("/api/sandbox/agreement")).json();
  expect((await staff.post("/api/sandbox/agreement/accept", { agreementId: agreement.id })).statusCode).toBe(
    200,
  );
  const created = await staff.post("/api/me/api-tokens", {
    name: "Release pipeline",
    access: "write",
    area: "pipeline",
    expiresInDays: 30,
  });
  expect(created.statusCode, created.body).toBe(201);
  return { community, staff, url: await community.listen(), token: created.json().secret };
}

function bash(script: string, env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("/usr/bin/bash", ["-c", script], { env, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let receiver: Awaited<ReturnType<typeof startSignedEndpoint>>;
let resetEndpoint: Awaited<ReturnType<typeof startSignedEndpoint>>;
let conveneOwned: Server;
let productOwned: Server;
let scheduledWipeId: string;
const outputs: string[] = [];

beforeAll(async () => {
  [receiver, resetEndpoint] = await Promise.all([startSignedEndpoint(), startSignedEndpoint()]);
  conveneOwned = await startServer({ flagsSource: "convene", flagsUrl: receiver.url });
  productOwned = await startServer({ flagsSource: "product" });
  const wipe = await conveneOwned.staff.post("/api/admin/sandbox/wipes", {
    scheduledFor: new Date(Date.now() + 48 * 3_600_000).toISOString(),
    message: "The weekly reset.",
  });
  expect(wipe.statusCode, wipe.body).toBe(201);
  scheduledWipeId = wipe.json().id;
});
afterAll(async () => {
  await conveneOwned?.community.close();
  await productOwned?.community.close();
  await receiver?.close();
  await resetEndpoint?.close();
});

const flagState = async (server: Server, key: string) =>
  ((await server.staff.get("/api/sandbox/flags")).json().flags as { key: string; state: string }[]).find(
    (flag) => flag.key === key,
  )?.state;

describe("docs/PIPELINE.md", () => {
  it("has its examples in sh blocks", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((block, index) => [index + 1, block.split("\n")[0], block] as const))(
    "runs example %i (%s) with exit code 0",
    async (index, _firstLine, block) => {
      // The inbound flags post is for a Convene whose flags follow the product's flag service.
      const server = block.includes("/api/sandbox/product/flags") ? productOwned : conveneOwned;
      // Whatever Convene has queued for the product is sent first: the verifying example reads the last.
      await productCallsOf(conveneOwned.community.db).flush();
      const last = receiver.received.at(-1);
      const result = await bash(block, {
        PATH: "/usr/bin:/bin",
        CONVENE_URL: server.url,
        CONVENE_TOKEN: server.token,
        PRODUCT_WEBHOOK_SECRET: SECRET,
        PRODUCT_RESET_URL: resetEndpoint.url,
        BODY: last?.body ?? "",
        TIMESTAMP: String(last?.headers["x-convene-timestamp"] ?? ""),
        SIGNATURE: String(last?.headers["x-convene-signature"] ?? ""),
      });
      expect(result.code, `example ${index}:\n${result.stdout}\n${result.stderr}`).toBe(0);
      outputs.push(result.stdout);
    },
  );

  it("recorded the deployment, changed the flags both ways, read the wipe and reached the reset endpoint", async () => {
    const deployments = (await conveneOwned.staff.get("/api/sandbox/deployments")).json().deployments as {
      buildId: string;
      version: string;
      flagChanges: unknown[];
    }[];
    expect(deployments[0]).toMatchObject({
      buildId: "812",
      version: "26.4.0-build.812",
      flagChanges: [{ key: "pharmacy", from: "preview", to: "on" }],
    });
    expect(await flagState(conveneOwned, "pharmacy")).toBe("on");
    // The product heard the deployment's flags, signed.
    await productCallsOf(conveneOwned.community.db).flush();
    const told = receiver.received.map((call) => ({ ...JSON.parse(call.body), valid: call.signatureValid }));
    expect(told).toContainEqual(
      expect.objectContaining({ changes: [{ key: "pharmacy", from: "preview", to: "on" }], valid: true }),
    );

    expect(await flagState(productOwned, "pharmacy")).toBe("on");
    expect(outputs.some((output) => output.includes("signed by Convene"))).toBe(true);
    expect(outputs.map((output) => output.trim())).toContainEqual(
      expect.stringContaining(`"wipe":{"id":"${scheduledWipeId}"`),
    );
    expect(resetEndpoint.received).toHaveLength(1);
    expect(resetEndpoint.received[0]).toMatchObject({
      signatureValid: true,
      headers: { "x-convene-event": "sandbox.reset" },
    });
  });
});
