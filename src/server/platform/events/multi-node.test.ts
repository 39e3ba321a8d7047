/**
 * Two app nodes on one PostgreSQL, each a real `convene start` process: every node delivers every
 * event to its own clients (LISTEN/NOTIFY carries the event id), and a client whose node dies
 * (SIGKILL, mid-stream) reconnects to the other node with its last event id and ends up with every
 * message exactly once, in order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { messageCreated } from "../../modules/chat/contracts/messages.js";
import { seedDemo } from "../../testing/cli.js";
import { freePort } from "../../testing/ports.js";
import { connectRealtime, type RealtimeClient } from "../../testing/realtime.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../auth/http.js";

const serverUrl = process.env.TEST_DATABASE_URL;
const repoRoot = path.resolve(import.meta.dirname, "../../../..");
const cli = path.join(repoRoot, "bin/convene.js");

type Node = { name: string; baseUrl: string; child: ChildProcess; log: string[]; exited: Promise<void> };
type Session = { email: string; cookie: string };
type Message = { id: string; seq: number; channelId: string; body: string };

let databaseName = "";
let databaseUrl = "";
const dataDirs: string[] = [];
const nodes: Node[] = [];
let channelId = "";
/** Ned, Cora and Nora, each signed in once; a session works on every node (it lives in the database). */
let ned: Session;
let cora: Session;
let nora: Session;
const sockets: RealtimeClient[] = [];

/** Starts `convene start` as its own OS process and waits until it answers /api/health. */
async function startNode(name: string): Promise<Node> {
  const port = await freePort();
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
      // The kill test posts 50 messages a second as one person.
      CHAT_POSTS_PER_SECOND: "1000",
      CHAT_POST_BURST: "1000",
    },
  });
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const node: Node = { name, baseUrl, child, log, exited };
  nodes.push(node);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited while starting:\n${log.join("")}`);
    const healthy = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return node;
    if (Date.now() > deadline) throw new Error(`${name} did not answer within 20 s:\n${log.join("")}`);
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

async function signIn(node: Node, email: string): Promise<Session> {
  const response = await call(node, null, "POST", "/api/auth/login", { email, password: DEMO_PASSWORD });
  if (response.status !== 200)
    throw new Error(`sign-in of ${email} on ${node.name}: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-in of ${email} on ${node.name} set no session cookie`);
  return { email, cookie };
}

async function post(node: Node, session: Session, body: string): Promise<Message> {
  const response = await call(node, session, "POST", `/api/chat/channels/${channelId}/messages`, {
    clientId: randomUUID(),
    body,
  });
  if (response.status !== 201)
    throw new Error(`post through ${node.name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Message;
}

async function connect(node: Node, session: Session, after?: number): Promise<RealtimeClient> {
  const socket = await connectRealtime({
    baseUrl: node.baseUrl,
    cookie: session.cookie,
    ...(after === undefined ? {} : { after }),
  });
  sockets.push(socket);
  return socket;
}

/** The messageCreated events of the test channel a socket received, in arrival order. */
const created = (socket: RealtimeClient) =>
  socket
    .events(messageCreated)
    .map((frame) => ({ eventId: frame.id, message: frame.payload.message }))
    .filter((entry) => entry.message.channelId === channelId);

async function waitForAll(socket: RealtimeClient, expected: Message[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(expected.map((m) => m.id));
  while (created(socket).filter((entry) => wanted.has(entry.message.id)).length < wanted.size) {
    if (Date.now() > deadline) return; // the assertions that follow say what is missing
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function killAll(): void {
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
  }
}

// Needs a real PostgreSQL: the nodes are separate processes sharing one database, and PGlite is
// embedded in a single process (no LISTEN/NOTIFY across processes). CI sets TEST_DATABASE_URL.
describe.skipIf(!serverUrl)("several app nodes on one PostgreSQL", () => {
  beforeAll(async () => {
    // A vitest worker that dies must not leave servers behind.
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
    const [one, two] = await Promise.all([startNode("node-1"), startNode("node-2")]);
    if (!one || !two) throw new Error("nodes did not start");

    ned = await signIn(one, "member@northwind.example");
    cora = await signIn(two, "member@contoso.example");
    nora = await signIn(two, "admin@northwind.example");
    const channel = await call(one, ned, "POST", "/api/chat/channels", {
      name: `two-nodes-${Date.now()}`,
      kind: "public",
    });
    expect(channel.status, await channel.clone().text()).toBe(201);
    channelId = ((await channel.json()) as { id: string }).id;
    for (const session of [cora, nora]) {
      const joined = await call(two, session, "POST", `/api/chat/channels/${channelId}/join`);
      expect(joined.status, await joined.text()).toBe(200);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
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
  });

  it("delivers messages posted on either node to clients on both, in seq order, once each", async () => {
    const [one, two] = nodes as [Node, Node];
    const onOne = await connect(one, ned);
    const onTwo = await connect(two, cora);

    const posted: Message[] = [];
    // One at a time, alternating nodes...
    for (let i = 0; i < 20; i++) {
      posted.push(
        i % 2 === 0
          ? await post(one, ned, `from node 1, #${i}`)
          : await post(two, cora, `from node 2, #${i}`),
      );
    }
    // ...then a burst in flight at once on both nodes, where commit order decides the seq.
    posted.push(
      ...(await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? post(one, ned, `burst via node 1, #${i}`)
            : post(two, cora, `burst via node 2, #${i}`),
        ),
      )),
    );
    const inSeqOrder = [...posted].sort((a, b) => a.seq - b.seq).map((m) => m.id);

    for (const socket of [onOne, onTwo]) {
      await waitForAll(socket, posted);
      const received = created(socket);
      expect(received.map((entry) => entry.message.id)).toEqual(inSeqOrder);
      const eventIds = received.map((entry) => entry.eventId);
      expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
      expect(new Set(eventIds).size).toBe(eventIds.length);
    }
    // Both directions crossed: each node's client saw what was posted through the other node.
    expect(created(onTwo).filter((entry) => entry.message.body.includes("node 1")).length).toBe(20);
    expect(created(onOne).filter((entry) => entry.message.body.includes("node 2")).length).toBe(20);
  });

  it("loses and duplicates nothing when a client's node is killed mid-stream and it moves to the other", async () => {
    const [one, two] = nodes as [Node, Node];
    const first = await connect(one, ned);
    const total = 200;
    const posted: Message[] = [];
    let second: RealtimeClient | null = null;
    let reconnecting: Promise<void> | null = null;

    // The web client's behaviour: on a lost connection, wait its first backoff (0.5 s) and come
    // back with the last event id it saw, here on the surviving node.
    first.socket.once("close", () => {
      reconnecting = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        second = await connect(two, ned, first.lastEventId);
      })();
    });

    // Nora posts 200 messages over ~4 s through node 2; node 1 is killed after about a second.
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + i * 20;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      if (i === 50) one.child.kill("SIGKILL");
      posted.push(await post(two, nora, `stream #${i}`));
    }
    await one.exited;
    expect(reconnecting, "the client noticed its node died").not.toBeNull();
    await reconnecting;
    const moved = second as RealtimeClient | null;
    if (!moved) throw new Error("the client did not reconnect to node 2");
    await waitForAll(moved, posted.slice(-1));

    expect(
      moved.frames.find((f) => f.type === "reset"),
      "no reset: the gap is inside the retention",
    ).toBe(undefined);
    const beforeKill = created(first);
    const afterMove = created(moved);
    // The kill really was mid-stream: each connection carried part of it.
    expect(beforeKill.length).toBeGreaterThan(0);
    expect(beforeKill.length).toBeLessThan(total);
    expect(afterMove.length).toBeGreaterThan(0);

    const held = [...beforeKill, ...afterMove];
    const heldIds = held.map((entry) => entry.message.id);
    const lost = posted.filter((m) => !heldIds.includes(m.id));
    const duplicated = heldIds.length - new Set(heldIds).size;
    expect({ lost: lost.length, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(heldIds).toEqual([...posted].sort((a, b) => a.seq - b.seq).map((m) => m.id));
    const eventIds = held.map((entry) => entry.eventId);
    expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
    // Nothing before the kill was sent again after the move.
    expect(afterMove[0]?.eventId ?? 0).toBeGreaterThan(beforeKill.at(-1)?.eventId ?? 0);
  });
});
