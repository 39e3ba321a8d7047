/**
 * Memory and start-up benchmark (not a test): `convene start --no-demo` as a real child process on a
 * fresh database, compiled (dist/server, `npm run build:server`, run first) and from the TypeScript
 * sources (tsx), on PGlite and PostgreSQL; against a bare `node:http` server started the same way, the
 * floor. For each: the time until /api/health answers, the RSS once idle after that first start (which
 * on PGlite creates the database), after a burst of requests, and idle after a restart on the same data.
 *
 *   npm run bench:footprint [-- --pglite | --postgres] [--requests 400]
 *   BENCH_PORT=36750 (the first port used, one per server; default: free ones)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh database is made on)
 *
 * The burst: page loads of the web app's first screen, health checks, and sign-ins with a wrong
 * password (each one an argon2 verification until the sign-in limit answers 429), 20 at a time.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { only, SERVER_NODE_FLAGS } from "./support.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const requestsFlag = process.argv.indexOf("--requests");
const REQUESTS = requestsFlag >= 0 ? Number(process.argv[requestsFlag + 1]) : 400;
const CONCURRENCY = 20;
const SETTLE_MS = 3000;

let nextPort = Number(process.env.BENCH_PORT ?? 0);
async function port(): Promise<number> {
  if (nextPort) return nextPort++;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

type Started = { child: ChildProcess; seconds: number };

/** Starts `args` under node and waits for `/api/health` (or `/` for the baseline) to answer. */
async function start(args: string[], env: NodeJS.ProcessEnv, url: string): Promise<Started> {
  const began = performance.now();
  const childEnv = { ...process.env, ...env };
  // The embedded database unless the run names a PostgreSQL one.
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: childEnv, stdio: "pipe" });
  children.add(child);
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited while starting:\n${log.join("")}`);
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline)
      throw new Error(`${args.join(" ")} did not start within 300 s:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, seconds: (performance.now() - began) / 1000 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function burst(origin: string): Promise<void> {
  const requests = Array.from({ length: REQUESTS }, (_, i) =>
    i % 4 === 3
      ? () =>
          fetch(`${origin}/api/auth/login`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email: `nobody${i}@example.com`, password: "not the password" }),
          })
      : () => fetch(i % 2 ? `${origin}/api/health` : `${origin}/`),
  );
  const worker = async () => {
    for (let request = requests.pop(); request; request = requests.pop())
      await (await request()).arrayBuffer();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

type Row = {
  label: string;
  startSeconds: number;
  idle: number;
  loaded: number;
  peak: number;
  restartIdle: number;
};

/** Start on a fresh database, idle, burst, stop; start again on the same data, idle. */
async function measure(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  health = "/api/health",
): Promise<Row> {
  const listen = await port();
  const origin = `http://127.0.0.1:${listen}`;
  const withPort = { ...env, PORT: String(listen), HOST: "127.0.0.1" };
  const first = await start(args, withPort, origin + health);
  await settle();
  const idle = rssMb(first.child.pid ?? 0);
  await burst(origin);
  await settle();
  const loaded = rssMb(first.child.pid ?? 0);
  const peak = rssMb(first.child.pid ?? 0, "VmHWM");
  await stop(first.child);
  const again = await start(args, withPort, origin + health);
  await settle();
  const restartIdle = rssMb(again.child.pid ?? 0);
  await stop(again.child);
  console.error(`  ${label}: done`);
  return { label, startSeconds: first.seconds, idle, loaded, peak, restartIdle };
}

async function freshPostgresUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `convene_footprint_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

const baselineServer =
  "require('node:http').createServer((request, response) => response.end('ok')).listen(process.env.PORT, process.env.HOST)";

async function main(): Promise<void> {
  console.error("Compiling the server (npm run build:server)…");
  execFileSync("npm", ["run", "build:server", "--silent"], { cwd: repoRoot, stdio: "inherit" });
  const rows: Row[] = [await measure("bare node:http (baseline)", ["-e", baselineServer], {}, "/")];
  const runs = [
    { how: "compiled", args: [...SERVER_NODE_FLAGS, "bin/convene.js", "start", "--no-demo"] },
    { how: "tsx", args: [...SERVER_NODE_FLAGS, "--import", "tsx", "bin/convene.js", "start", "--no-demo"] },
  ];
  for (const database of ["pglite", "postgres"] as const) {
    if (only && only !== database) continue;
    for (const { how, args } of runs) {
      const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-footprint-"));
      const postgres = database === "postgres" ? await freshPostgresUrl() : null;
      try {
        const env = { DATA_DIR: dataDir, ...(postgres && { DATABASE_URL: postgres.url }) };
        rows.push(await measure(`${database === "pglite" ? "PGlite" : "PostgreSQL"}, ${how}`, args, env));
      } finally {
        await postgres?.drop();
        await fsp.rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  const baseline = rows[0] as Row;
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  const columns: [string, (row: Row) => string][] = [
    ["", (row) => row.label],
    ["start (fresh db)", (row) => `${row.startSeconds.toFixed(1)} s`],
    ["× baseline", (row) => `${(row.startSeconds / baseline.startSeconds).toFixed(0)}×`],
    ["RSS idle", (row) => mb(row.idle)],
    [`after ${REQUESTS} requests`, (row) => mb(row.loaded)],
    ["peak", (row) => mb(row.peak)],
    ["idle after restart", (row) => mb(row.restartIdle)],
    ["idle − baseline", (row) => mb(row.restartIdle - baseline.restartIdle)],
  ];
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const widths = columns.map(([name], i) =>
    Math.max(name.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, i) => (i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0))).join(" | ")} |`;
  console.log(
    `load average ${os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" ")}, ${os.cpus().length} cores`,
  );
  console.log(line(columns.map(([name]) => name)));
  console.log(line(widths.map((width) => "-".repeat(width))).replaceAll(" ", "-"));
  for (const row of cells) console.log(line(row));
}

await main();
