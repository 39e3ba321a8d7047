/**
 * What the database benchmarks share: a fresh PGlite or PostgreSQL database per run, the driver
 * under drizzle (for COPY), the `--pglite` / `--postgres` switches, number formatting, and the
 * child processes a server benchmark starts (Convene itself, baselines) with their memory and CPU.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh
 *     convene_bench_<random> database is created on and dropped from)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, openDatabase } from "../src/server/db/client.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const CLK_TCK = 100; // Linux's USER_HZ: /proc times are in hundredths of a second
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** `--pglite` or `--postgres` runs one database only; without either, both. */
export const only = process.argv.includes("--pglite")
  ? "pglite"
  : process.argv.includes("--postgres")
    ? "postgres"
    : null;

export const thousands = (n: number) => Math.round(n).toLocaleString("en-GB");

/** `url`: where a PostgreSQL one is, to look into it after a run that keeps it. */
export type Fresh = { database: Database; label: string; url?: string; drop: () => Promise<void> };

export async function freshPglite(): Promise<Fresh> {
  return { database: await openDatabase({ dataDir: "memory://" }), label: "PGlite", drop: async () => {} };
}

export async function freshPostgres(): Promise<Fresh> {
  const name = `convene_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    database: await openDatabase({ databaseUrl: url.toString(), dataDir: "unused" }),
    label: "PostgreSQL",
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A statement still running when the run failed (a seeding batch, an index build) may take
        // longer to end than FORCE waits for; the database goes once it has.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`drop database if exists ${name} with (force)`);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== "55006" || attempt === 10) throw error;
            await new Promise((resolve) => setTimeout(resolve, 3000));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** The driver under drizzle: a pg pool or the PGlite instance. */
export const driverOf = (database: Database) =>
  (database.db as unknown as { $client: pg.Pool | PGlite }).$client;

// ---------------------------------------------------------------------------------------------
// Child processes (the Convene server, baselines) and what /proc says about them

export const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

/** BENCH_PORT=N: servers listen on N, N+1, … (a range of one's own on a shared machine). */
let nextPort = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : 0;

export async function freePort(): Promise<number> {
  if (nextPort > 0) return nextPort++;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function spawnChild(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; log: string[] } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: "pipe" });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  return { child, log };
}

export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  child: ChildProcess,
  log: string[],
) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited while starting:\n${log.join("")}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start within 180 s:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  // Long enough for a profiled server to write its profile.
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

/** A process and its children (the workers of `convene start --workers`). */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) tree.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return tree;
}

/** Resident memory (MB) of a process and its children. */
export function rssMb(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${member}/status`, "utf8"));
      total += match ? Number(match[1]) / 1024 : 0;
    } catch {
      // gone already
    }
  }
  return total;
}

/** CPU seconds (user + system) one process has used so far. */
function ownCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds a process and its children have used so far. */
export function cpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, member) => sum + ownCpuSeconds(member), 0);
}

/** CPU seconds of every PostgreSQL process on this machine (the server and its backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres")
        total += ownCpuSeconds(Number(entry));
    } catch {
      // gone already
    }
  }
  return total;
}

/**
 * The PostgreSQL backends serving `databaseName` (one per pooled connection): their resident memory
 * (MB) and the CPU seconds they have used, so a shared server's other databases are not counted.
 */
export function postgresBackends(databaseName: string): {
  backends: number;
  rss: number;
  private: number;
  cpuSeconds: number;
} {
  const total = { backends: 0, rss: 0, private: 0, cpuSeconds: 0 };
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      // A backend's title: "postgres: <user> <database> <client> <state>".
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!title.includes(` ${databaseName} `)) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      total.backends++;
      total.cpuSeconds += ownCpuSeconds(Number(entry));
      total.rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
      // RssAnon: what the backend holds for itself, without the shared buffers it has touched.
      total.private += Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // gone already, or not ours to read
    }
  }
  return total;
}

/** The node flags the server runs with, as `npm start`, bin/convene.js and the deployment guide give them. */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4"];

/**
 * `convene start --demo` as a child process on `port`, answering /api/health. `env` adds to (or, with
 * undefined, removes from) this process's environment; BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof") are node flags for the server.
 */
export async function startConveneServer(options: {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  env?: Record<string, string | undefined>;
  /** `convene start --workers N`: ready once every worker listens. */
  workers?: number;
}): Promise<{ child: ChildProcess; baseUrl: string; log: string[]; stop: () => Promise<void> }> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PUBLIC_URL: baseUrl,
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DATA_DIR: options.dataDir,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const nodeArgs = [
    ...SERVER_NODE_FLAGS,
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
  ];
  const { child, log } = spawnChild(
    [
      ...nodeArgs,
      "bin/convene.js",
      "start",
      "--demo",
      "--port",
      String(options.port),
      ...(options.workers ? ["--workers", String(options.workers)] : []),
    ],
    env,
  );
  const workers = options.workers ?? 1;
  await waitUntil(
    "convene",
    async () =>
      (await fetch(`${baseUrl}/api/health`)).ok &&
      (workers === 1 || log.join("").includes("workers serving")),
    child,
    log,
  );
  return { child, baseUrl, log, stop: () => stopChild(child) };
}

/** Runs `measure` on a fresh PGlite, then a fresh PostgreSQL database (or the one `--pglite` / `--postgres` names), each closed and dropped after. */
export async function onEachDatabase(measure: (fresh: Fresh) => Promise<void>): Promise<void> {
  const opens =
    only === "postgres" ? [freshPostgres] : only === "pglite" ? [freshPglite] : [freshPglite, freshPostgres];
  for (const open of opens) {
    const fresh = await open();
    try {
      await measure(fresh);
    } finally {
      await fresh.database.close();
      await fresh.drop();
    }
  }
}
