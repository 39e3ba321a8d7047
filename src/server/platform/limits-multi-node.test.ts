/**
 * Two app nodes on one PostgreSQL and one Redis, each a real `convene start` process: requests
 * alternating between the nodes run out of the sign-in limit (per address) and of the chat posting
 * allowance (per person) at the same total as on one node, since both count in Redis (REDIS_URL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../demo/seed.js";
import { seedDemo } from "../testing/cli.js";
import { freePort } from "../testing/ports.js";
import { CSRF_HEADER, SESSION_COOKIE } from "./auth/http.js";

const serverUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** This file's own keys, removed at the end. */
const redisPrefix = `convene-test:limits-multi-node:${randomUUID()}:`;
const repoRoot = path.resolve(import.meta.dirname, "../../..");
const cli = path.join(repoRoot, "bin/convene.js");
const SIGN_IN_LIMIT = 6;
const POST_BURST = 5;

type Node = { name: string; baseUrl: string; child: ChildProcess; log: string[]; exited: Promise<void> };
type Session = { cookie: string };

let databaseName = "";
let databaseUrl = "";
const dataDirs: string[] = [];
const nodes: Node[] = [];
/** Starts `convene start` as its own OS process and waits until it answers /api/health. */
async function startNode(name: string): Promise<Node> {
  // TEST_PORT_BASE keeps the nodes inside a port range given to this run (a shared machine).
  const base = Number(process.env.TEST_PORT_BASE);
  const port = base > 0 ? base + nodes.length : await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `convene-${name}-`));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, [cli, "start", "--port", String(port)], {
    cwd: repoRoot,
    stdio: "pipe",
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: baseUrl,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SIGN_IN_ATTEMPTS_PER_IP: String(SIGN_IN_LIMIT),
      // No token comes back during the test: the burst is the whole allowance.
      CHAT_POSTS_PER_SECOND: "0.0001",
      CHAT_POST_BURST: String(POST_BURST),
    },
  });
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const node: Node = { name, baseUrl, child, log, exited };
  nodes.push(node);
  // Generous: on a busy machine a node takes a while to start; this bounds a wait, it checks no speed.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited while starting:\n${log.join("")}`);
    const healthy = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return node;
    if (Date.now() > deadline) throw new Error(`${name} did not answer within 120 s:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function call(node: Node, session: Session | null, method: string, url: string, body?: unknown) {
  return fetch(`${node.baseUrl}${url}`, {
    method,
    headers: {
      origin: node.baseUrl,
      [CSRF_HEADER]: "1",
      ...(session ? { cookie: session.cookie } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Signs in through `node`; the answer's status, and the session when it is 200. */
async function signIn(
  node: Node,
  email: string,
  password: string,
): Promise<{ status: number; session?: Session }> {
  const response = await call(node, null, "POST", "/api/auth/login", { email, password });
  if (response.status !== 200) return { status: response.status };
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-in of ${email} on ${node.name} set no session cookie`);
  return { status: 200, session: { cookie } };
}

function killAll(): void {
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
  }
}

// Needs a real PostgreSQL: the nodes are separate processes sharing one database. CI sets
// TEST_DATABASE_URL; Redis runs beside it at 127.0.0.1:6379 (or REDIS_URL).
describe.skipIf(!serverUrl)("limits shared by two app nodes through Redis", () => {
  let one: Node;
  let two: Node;
  beforeAll(async () => {
    process.once("exit", killAll);
    const base = new URL(serverUrl as string);
    const runDatabase = base.pathname.slice(1) || "convene";
    databaseName = `${runDatabase}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    if (!/^[a-z0-9_]+$/.test(databaseName))
      throw new Error(`TEST_DATABASE_URL's database name must be [a-z0-9_]: ${databaseName}`);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    base.pathname = `/${databaseName}`;
    databaseUrl = base.toString();

    await seedDemo({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" });
    [one, two] = (await Promise.all([startNode("node-1"), startNode("node-2")])) as [Node, Node];
  });

  afterAll(async () => {
    killAll();
    await Promise.all(nodes.map((node) => node.exited));
    process.removeListener("exit", killAll);
    if (databaseName) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${databaseName} with (force)`);
      await admin.end();
    }
    await Promise.all(dataDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
    const cleaner = new Redis(redisUrl);
    const keys = await cleaner.keys(`${redisPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
  });

  it("shares the chat posting allowance across two nodes", async () => {
    // Signed in once, before the sign-in test spends this address's attempts; a session works on
    // every node (it lives in the database).
    const ned = await signIn(one, "member@northwind.example", DEMO_PASSWORD);
    expect(ned.status).toBe(200);
    const session = ned.session as Session;
    const channel = await call(one, session, "POST", "/api/chat/channels", {
      name: `limits-${Date.now()}`,
      kind: "public",
    });
    expect(channel.status, await channel.clone().text()).toBe(201);
    const channelId = ((await channel.json()) as { id: string }).id;

    const statuses: number[] = [];
    for (let i = 0; i < POST_BURST + 3; i++) {
      const node = i % 2 === 0 ? one : two;
      const response = await call(node, session, "POST", `/api/chat/channels/${channelId}/messages`, {
        clientId: randomUUID(),
        body: `post ${i} through ${node.name}`,
      });
      statuses.push(response.status);
    }
    // On one node alone: the burst, then refusals. Two nodes each with their own would allow twice that.
    expect(statuses).toEqual([...Array(POST_BURST).fill(201), 429, 429, 429]);
  });

  it("shares the per-address sign-in limit across two nodes", async () => {
    // The chat test above signed in once from this address: one attempt of the limit is spent.
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMIT + 2; i++) {
      const { status } = await signIn(i % 2 === 0 ? two : one, "nobody@example.com", "not the password");
      statuses.push(status);
    }
    expect(statuses).toEqual([...Array(SIGN_IN_LIMIT - 1).fill(401), 429, 429, 429]);
  });
});
