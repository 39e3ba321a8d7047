/**
 * A graceful stop of a real `convene start` process (embedded database, its own DATA_DIR): on SIGTERM
 * readiness answers "draining" at once, a request under way still gets its answer, a realtime client
 * is told 1012 (service restart, so it reconnects after its last event id), and the process exits 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "./demo/seed.js";
import { CSRF_HEADER, SESSION_COOKIE } from "./platform/auth/http.js";
import { connectRealtime } from "./testing/realtime.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const cli = path.join(repoRoot, "bin/convene.js");
/** A port of this suite's range. */
const PORT = 36201;
const baseUrl = `http://127.0.0.1:${PORT}`;

let dataDir = "";
let child: ChildProcess;
const log: string[] = [];
let exitCode: Promise<number | null>;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-shutdown-"));
  const { DATABASE_URL: _postgres, METRICS_TOKEN: _token, METRICS_ADDRESS: _address, ...env } = process.env;
  child = spawn(process.execPath, [cli, "start", "--port", String(PORT)], {
    cwd: repoRoot,
    stdio: "pipe",
    env: {
      ...env,
      DATA_DIR: dataDir,
      PUBLIC_URL: baseUrl,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      // Long enough to see "draining" while the node still listens; it ends the wait, not the test.
      SHUTDOWN_DELAY_SECONDS: "3",
      SHUTDOWN_TIMEOUT_SECONDS: "60",
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  exitCode = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  // The first start migrates and seeds the demo community.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`convene start exited while starting:\n${log.join("")}`);
    const healthy = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`convene start did not answer in time:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 300_000);

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function signIn(email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { origin: baseUrl, [CSRF_HEADER]: "1", "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie;
}

/** A request whose body arrives in two parts: it is under way from the first until `finish()`. */
function slowPreview(cookie: string, markdown: string) {
  const body = JSON.stringify({ markdown });
  const request = http.request(`${baseUrl}/api/markdown/preview`, {
    method: "POST",
    agent: false,
    headers: {
      cookie,
      origin: baseUrl,
      [CSRF_HEADER]: "1",
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
  });
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return {
    answer,
    finish: () => request.end(body.slice(half)),
  };
}

describe("convene start on SIGTERM", () => {
  it("drains: readiness says draining, a request under way is answered, sockets get 1012, exit 0", async () => {
    const cookie = await signIn("member@northwind.example");
    expect((await fetch(`${baseUrl}/api/health/ready`)).status).toBe(200);
    const socket = await connectRealtime({ baseUrl, cookie });
    const closeCode = new Promise<number>((resolve) => socket.socket.once("close", (code) => resolve(code)));
    const preview = slowPreview(cookie, "**still answered** after the signal");

    child.kill("SIGTERM");

    let readiness: { status: number; code?: string } = { status: 0 };
    for (let attempt = 0; attempt < 100 && readiness.status !== 503; attempt++) {
      const response = await fetch(`${baseUrl}/api/health/ready`);
      readiness = {
        status: response.status,
        code: response.status === 503 ? (await response.json()).error.code : undefined,
      };
      if (response.status !== 503) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readiness).toEqual({ status: 503, code: "draining" });

    expect(await closeCode).toBe(1012);
    // The server is closing now; the request it took before the signal still gets its answer.
    preview.finish();
    const answered = await preview.answer;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).html).toContain("<strong>still answered</strong>");

    expect(await exitCode, log.join("")).toBe(0);
  }, 120_000);
});
