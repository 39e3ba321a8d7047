/**
 * `convene start --workers 2`, the real CLI as its own process on PostgreSQL: both workers accept
 * connections on the one port, an event posted through either reaches the sockets each holds, and
 * SIGTERM to the primary stops them all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { startSession } from "../modules/accounts/index.js";
import { organisations, users } from "../modules/accounts/schema.js";
import { messageCreated } from "../modules/chat/contracts/messages.js";
import { runConvene } from "../testing/cli.js";
import { freePort } from "../testing/ports.js";
import { connectRealtime, type RealtimeClient } from "../testing/realtime.js";
import { CSRF_HEADER, SESSION_COOKIE } from "./auth/http.js";
import { hashPassword } from "./auth/passwords.js";

const serverUrl = process.env.TEST_DATABASE_URL;
const repoRoot = path.resolve(import.meta.dirname, "../../..");

/** The processes whose parent is `pid`: the primary's workers. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** How many established TCP connections on `port` a process holds (Linux /proc, as `ss -p` reads it). */
function connectionsHeld(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const localPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return fs
    .readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(localPort) && fields[3] === "01" && inodes.has(fields[9] ?? ""))
    .length;
}

describe("convene start --workers", { timeout: 120_000 }, () => {
  it("refuses several workers on the embedded database, which serves one process", async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-workers-"));
    try {
      const result = await runConvene({ dataDir }, "start", "--workers", "2", "--port", "0");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("--workers needs PostgreSQL");
    } finally {
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses a worker count that is not a whole number from 1", async () => {
    const result = await runConvene({ dataDir: "memory://" }, "start", "--workers", "0");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--workers: a whole number from 1");
  });
});

// Several processes share one database: PostgreSQL only. CI sets TEST_DATABASE_URL.
describe.skipIf(!serverUrl)("two workers on one port", { timeout: 120_000 }, () => {
  let databaseName = "";
  let dataDir = "";
  let port = 0;
  let baseUrl = "";
  let primary: ChildProcess;
  let exited: Promise<number | null>;
  const log: string[] = [];
  const sockets: RealtimeClient[] = [];
  let cookie = "";

  const call = (cookie: string | null, method: string, url: string, body?: unknown) =>
    fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        origin: baseUrl,
        [CSRF_HEADER]: "1",
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const killAll = () => {
    for (const pid of primary?.pid ? childrenOf(primary.pid) : []) process.kill(pid, "SIGKILL");
    primary?.kill("SIGKILL");
  };

  beforeAll(async () => {
    process.once("exit", killAll);
    const base = new URL(serverUrl as string);
    databaseName = `${base.pathname.slice(1) || "convene"}_workers_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    base.pathname = `/${databaseName}`;
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-workers-"));
    // One staff member sigcookie in straight in the database: the demo seed takes minutes on a busy machine.
    const database = await openDatabase({ databaseUrl: base.toString(), dataDir });
    try {
      await database.migrate();
      const config = loadConfig({}, { dataDir, publicUrl: "http://127.0.0.1", logLevel: "silent" });
      const [organisation] = await database.db
        .insert(organisations)
        .values({ name: "Workers Test Staff", kind: "vendor" })
        .returning();
      const [person] = await database.db
        .insert(users)
        .values({
          email: "staff@workers.example",
          name: "Wanda Worker",
          passwordHash: await hashPassword("unused-password"),
          organisationId: organisation?.id as string,
          isStaff: true,
        })
        .returning();
      const token = await startSession(database.db, config, {
        userId: person?.id as string,
        ip: null,
        userAgent: "test",
      });
      cookie = `${SESSION_COOKIE}=${token}`;
    } finally {
      await database.close();
    }
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    primary = spawn(
      process.execPath,
      // --demo on a database that has an organisation seeds nothing; it only says how to sign in.
      ["bin/convene.js", "start", "--demo", "--workers", "2", "--port", String(port)],
      {
        cwd: repoRoot,
        stdio: "pipe",
        env: {
          ...process.env,
          DATABASE_URL: base.toString(),
          PUBLIC_URL: baseUrl,
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          DATA_DIR: dataDir,
        },
      },
    );
    primary.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    primary.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    exited = new Promise((resolve) => primary.once("exit", (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!log.join("").includes("2 workers serving")) {
      if (primary.exitCode !== null) throw new Error(`convene exited while starting:\n${log.join("")}`);
      if (Date.now() > deadline) throw new Error(`the workers did not start within 120 s:\n${log.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    killAll();
    process.removeListener("exit", killAll);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it("says how to sign in once for the whole server, not once per worker", () => {
    expect(log.join("").split("Demo sign-ins").length - 1).toBe(1);
  });

  it("spreads sockets over both workers, and each delivers the events posted through the other", async () => {
    const workers = childrenOf(primary.pid as number);
    expect(workers).toHaveLength(2);
    const created = await call(cookie, "POST", "/api/chat/channels", {
      name: `two-workers-${Date.now()}`,
      kind: "public",
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const channelId = ((await created.json()) as { id: string }).id;

    // The primary hands connections to its workers in turn: a handful of sockets lands on both.
    for (let i = 0; i < 6; i++) sockets.push(await connectRealtime({ baseUrl, cookie: cookie }));
    for (const worker of workers) expect(connectionsHeld(worker, port)).toBeGreaterThan(0);

    // Each post on its own connection, so the posts too go through both workers.
    const posted: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${baseUrl}/api/chat/channels/${channelId}/messages`, {
        method: "POST",
        headers: {
          origin: baseUrl,
          [CSRF_HEADER]: "1",
          cookie: cookie,
          "content-type": "application/json",
          connection: "close",
        },
        body: JSON.stringify({ clientId: randomUUID(), body: `through a worker, #${i}` }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      posted.push(((await response.json()) as { id: string }).id);
    }
    for (const socket of sockets) {
      const received = () =>
        socket
          .events(messageCreated)
          .map((frame) => frame.payload.message.id)
          .filter((id) => posted.includes(id));
      const deadline = Date.now() + 10_000;
      while (received().length < posted.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received()).toEqual(posted);
    }
  });

  it("stops every worker when the primary is told to stop", async () => {
    const workers = childrenOf(primary.pid as number);
    primary.kill("SIGTERM");
    await exited;
    for (const worker of workers) expect(fs.existsSync(`/proc/${worker}`)).toBe(false);
  });
});
