/**
 * Two app nodes on one PostgreSQL and one S3-compatible bucket (FILE_STORE=s3), each a real
 * `convene start` process: a file uploaded through one node is served by the other, whole and by
 * byte range, to those who may see it and to no one else.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { seedDemo } from "../../testing/cli.js";
import { freePort } from "../../testing/ports.js";
import { startS3Server, type TestS3 } from "../../testing/s3.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../auth/http.js";
import { filesDir } from "./local-store.js";
import { S3FileStore } from "./s3-store.js";

const serverUrl = process.env.TEST_DATABASE_URL;
const repoRoot = path.resolve(import.meta.dirname, "../../../..");
const cli = path.join(repoRoot, "bin/convene.js");

type Node = {
  name: string;
  baseUrl: string;
  dataDir: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<void>;
};
type Session = { email: string; cookie: string };
type Attachment = { id: string; filename: string; contentType: string; size: number; url: string };

let databaseName = "";
let databaseUrl = "";
let s3: TestS3 | null = null;
const nodes: Node[] = [];

/** The environment every process of this test runs with: the shared database and bucket. */
function sharedEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...s3?.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" };
}

/** Starts `convene start` as its own OS process, with its own DATA_DIR, and waits for /api/health. */
async function startNode(name: string): Promise<Node> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `convene-${name}-`));
  const child = spawn(process.execPath, [cli, "start", "--port", String(port)], {
    cwd: repoRoot,
    stdio: "pipe",
    env: { ...sharedEnv(), PUBLIC_URL: baseUrl, HOST: "127.0.0.1", DATA_DIR: dataDir },
  });
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const node: Node = { name, baseUrl, dataDir, child, log, exited };
  nodes.push(node);
  // The machine running the tests may be busy: starting can take a while.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited while starting:\n${log.join("")}`);
    const healthy = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return node;
    if (Date.now() > deadline) throw new Error(`${name} did not answer within 120 s:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A request as the web client sends it: same origin, the CSRF header, the session cookie. */
async function call(
  node: Node,
  session: Session | null,
  method: string,
  url: string,
  init: RequestInit = {},
) {
  return fetch(`${node.baseUrl}${url}`, {
    ...init,
    method,
    headers: {
      origin: node.baseUrl,
      [CSRF_HEADER]: "1",
      ...(session ? { cookie: session.cookie } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

const json = (body: unknown): RequestInit => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function signIn(node: Node, email: string): Promise<Session> {
  const response = await call(
    node,
    null,
    "POST",
    "/api/auth/login",
    json({ email, password: DEMO_PASSWORD }),
  );
  if (response.status !== 200)
    throw new Error(`sign-in of ${email} on ${node.name}: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-in of ${email} on ${node.name} set no session cookie`);
  return { email, cookie };
}

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

function killAll(): void {
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
  }
}

// Needs a real PostgreSQL: the nodes are separate processes sharing one database, which PGlite
// (embedded in one process) cannot be. CI sets TEST_DATABASE_URL.
describe.skipIf(!serverUrl)("several app nodes on one PostgreSQL and one S3 bucket", () => {
  /** Binary, over several of the multipart plugin's and the S3 client's chunks. */
  const data = randomBytes(300 * 1024 + 7);
  let nodeA: Node;
  let nodeB: Node;
  let customer: Session;
  let attachment: Attachment;

  beforeAll(async () => {
    // A vitest worker that dies must not leave servers behind.
    process.once("exit", killAll);
    s3 = await startS3Server();
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

    await seedDemo(sharedEnv());
    [nodeA, nodeB] = await Promise.all([startNode("node-a"), startNode("node-b")]);

    // The customer's session lives in the database, so it works on both nodes.
    customer = await signIn(nodeA, "member@northwind.example");
    const ticket = await call(
      nodeA,
      customer,
      "POST",
      "/api/desk/tickets",
      json({
        type: "support_question",
        subject: "Diagnostics from the failing sync",
        description: "The archive the sync tool wrote is attached.",
      }),
    );
    expect(ticket.status, await ticket.clone().text()).toBe(201);
    const ticketId = ((await ticket.json()) as { id: string }).id;

    const form = new FormData();
    form.append("file", new Blob([data], { type: "application/zip" }), "diagnostics.zip");
    const uploaded = await call(nodeA, customer, "POST", `/api/desk/tickets/${ticketId}/attachments`, {
      body: form,
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    attachment = (await uploaded.json()) as Attachment;
  }, 300_000);

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
    await s3?.stop();
    await Promise.all(nodes.map((node) => fs.rm(node.dataDir, { recursive: true, force: true })));
  }, 300_000);

  it("keeps an upload through one node in the bucket, not on either node's disk", async () => {
    expect(attachment).toMatchObject({ filename: "diagnostics.zip", size: data.length });
    const sha256 = createHash("sha256").update(data).digest("hex");
    const store = new S3FileStore((s3 as TestS3).fileStore);
    expect(await store.head(sha256)).toEqual({ size: data.length });
    for (const node of [nodeA, nodeB]) {
      const onDisk = await fs.readdir(filesDir(node.dataDir), { recursive: true }).catch(() => []);
      expect(
        onDisk.filter((entry) => entry.includes(sha256)),
        `${node.name}'s DATA_DIR/files`,
      ).toEqual([]);
    }
  });

  it("serves the file uploaded through node A from node B, byte for byte", async () => {
    const download = await call(nodeB, customer, "GET", attachment.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toContain("application/zip");
    expect(download.headers.get("content-length")).toBe(String(data.length));
    expect(download.headers.get("accept-ranges")).toBe("bytes");
    expect((await bytesOf(download)).equals(data)).toBe(true);
  });

  it("answers a Range on node B with exactly those bytes, and a range past the end with 416", async () => {
    const size = data.length;
    const range = (header: string) =>
      call(nodeB, customer, "GET", attachment.url, { headers: { range: header } });

    const middle = await range("bytes=100000-199999");
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 100000-199999/${size}`);
    expect(middle.headers.get("content-length")).toBe("100000");
    expect((await bytesOf(middle)).equals(data.subarray(100_000, 200_000))).toBe(true);

    const tail = await range("bytes=-10");
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await bytesOf(tail)).equals(data.subarray(size - 10))).toBe(true);

    const fromOffset = await range(`bytes=${size - 1000}-`);
    expect(fromOffset.status).toBe(206);
    expect((await bytesOf(fromOffset)).equals(data.subarray(size - 1000))).toBe(true);

    const past = await range(`bytes=${size}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${size}`);
    expect(((await past.json()) as { error: { code: string } }).error.code).toBe("range_not_satisfiable");
  });

  it("refuses the download on node B to a member of another organisation", async () => {
    const outsider = await signIn(nodeB, "member@contoso.example");
    for (const headers of [{}, { range: "bytes=0-99" }] as Record<string, string>[]) {
      const refused = await call(nodeB, outsider, "GET", attachment.url, { headers });
      expect(refused.status).toBe(404);
      const body = await bytesOf(refused);
      expect(body.includes(data.subarray(0, 64))).toBe(false);
    }
    const anonymous = await call(nodeB, null, "GET", attachment.url);
    expect(anonymous.status).toBe(401);
  });
});
