/**
 * Chat fan-out benchmark (not a test): N authenticated WebSocket clients over M public channels,
 * R messages a second posted over HTTP for T seconds, against Convene as a real child process
 * (`convene start --demo`) on PostgreSQL (or PGlite with --pglite), and the same load against a
 * bare `ws` broadcast server with no database (bench/baseline-ws.ts), the ceiling, and on PostgreSQL
 * against the same server inserting each post before sending it, the floor of any persisted chat.
 *
 *   npm run bench:chat [-- --n 2000 --m 50 --r 200 --t 30 --workers 2 --pglite --no-baseline]
 *   BENCH_PORT=36400 (the first of the ports the servers listen on; a free one otherwise)
 *   N=400 T=10 npm run bench:chat
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh database is made on)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (node flags for the Convene server)
 *
 * People, channels and sessions are written straight into the database before the server starts
 * (one precomputed password hash, sessions through startSession): signing 2,000 people in over
 * HTTP would spend minutes in argon2 and hit the per-IP sign-in limit. Each message body carries
 * its number and send time; the client side parses only those bytes out of each frame.
 */
import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { loadConfig } from "../src/server/config.js";
import { openDatabase } from "../src/server/db/client.js";
import { users } from "../src/server/db/schema.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { startSession } from "../src/server/modules/accounts/sessions.js";
import { channelMembers, channels } from "../src/server/modules/chat/schema.js";
import { hashPassword } from "../src/server/platform/auth/passwords.js";
import {
  children,
  cpuSeconds,
  freePort,
  postgresCpuSeconds,
  rssMb,
  spawnChild,
  startConveneServer,
  stopChild,
  waitUntil,
} from "./support.js";

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string, fallback: number): number {
  const flag = process.argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const raw =
    flag >= 0
      ? (process.argv[flag]?.split("=")[1] ?? process.argv[flag + 1])
      : process.env[name.toUpperCase()];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: a positive number, not ${raw}`);
  return value;
}

const N = Math.floor(option("n", 2000));
const M = Math.min(Math.floor(option("m", 50)), N);
const R = option("r", 200);
const T = option("t", 30);
/** `convene start --workers`: app processes sharing the port (CPU and RSS below count them all). */
const WORKERS = Math.floor(option("workers", 1));
const usePglite = process.argv.includes("--pglite");
const withBaseline = !process.argv.includes("--no-baseline");
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Chat's per-person posting limit (10/s, burst 30 by default), lifted on the benchmark server. */
const POST_LIMIT = 100_000;
const POSTERS_PER_CHANNEL = 2;
const CONNECT_CONCURRENCY = 100;
const MAX_POSTS_IN_FLIGHT = 256;

const PLANNED = Math.ceil(R * T);

// ---------------------------------------------------------------------------------------------
// The people, channels and sessions, written before the server starts

type Layout = {
  /** Per client: its session cookie (Convene) and channel index. */
  cookies: string[];
  channelIds: string[];
};

async function prepareConvene(database: Awaited<ReturnType<typeof openDatabase>>, dataDir: string) {
  await database.migrate();
  const config = loadConfig({}, { dataDir, publicUrl: "http://127.0.0.1", logLevel: "silent" });
  const ctx = { db: database.db, config, actor: null, ip: null };
  const demo = await seedDemoCommunity(ctx);
  const passwordHash = await hashPassword("bench-password-unused");
  const userIds: string[] = [];
  for (let start = 0; start < N; start += 1000) {
    const rows = await database.db
      .insert(users)
      .values(
        Array.from({ length: Math.min(1000, N - start) }, (_, k) => ({
          email: `bench-${start + k}@northwind.example`,
          name: `Bench Person ${start + k}`,
          passwordHash,
          organisationId: demo.organisations.northwind.id,
        })),
      )
      .returning({ id: users.id });
    userIds.push(...rows.map((row) => row.id));
  }
  const channelRows = await database.db
    .insert(channels)
    .values(
      Array.from({ length: M }, (_, c) => ({
        slug: `bench-${c}`,
        name: `bench-${c}`,
        kind: "public" as const,
        topic: "Benchmark channel",
      })),
    )
    .returning({ id: channels.id });
  const channelIds = channelRows.map((row) => row.id);
  for (let start = 0; start < N; start += 1000) {
    await database.db
      .insert(channelMembers)
      .values(
        userIds
          .slice(start, start + 1000)
          .map((userId, k) => ({ channelId: channelIds[(start + k) % M] as string, userId })),
      );
  }
  const cookies: string[] = new Array(N);
  for (let start = 0; start < N; start += 50) {
    await Promise.all(
      userIds.slice(start, start + 50).map(async (userId, k) => {
        const token = await startSession(database.db, config, { userId, ip: null, userAgent: "bench" });
        cookies[start + k] = `convene_session=${token}`;
      }),
    );
  }
  return { cookies, channelIds } satisfies Layout;
}

// ---------------------------------------------------------------------------------------------
// Targets: how to connect and post to Convene or to the baseline

type Target = {
  label: string;
  pid: number;
  postgres: boolean;
  wsUrl: (client: number, after: number) => string;
  wsHeaders: (client: number) => Record<string, string>;
  postPath: (channel: number) => string;
  postHeaders: (poster: number) => Record<string, string>;
  postBody: (channel: number, clientId: string, body: string) => string;
  port: number;
  stop: () => Promise<void>;
};

async function startConvene(layout: Layout, database: { url?: string; dataDir: string }): Promise<Target> {
  const port = await freePort();
  const { child, baseUrl } = await startConveneServer({
    port,
    dataDir: database.dataDir,
    databaseUrl: database.url,
    env: { CHAT_POSTS_PER_SECOND: String(POST_LIMIT), CHAT_POST_BURST: String(POST_LIMIT) },
  });
  return {
    label: `${database.url ? "Convene (PostgreSQL)" : "Convene (PGlite)"}${WORKERS > 1 ? `, ${WORKERS} workers` : ""}`,
    pid: child.pid ?? 0,
    postgres: Boolean(database.url),
    port,
    wsUrl: (_client, after) => `ws://127.0.0.1:${port}/api/ws${after > 0 ? `?after=${after}` : ""}`,
    wsHeaders: (client) => ({ cookie: layout.cookies[client] as string, origin: baseUrl }),
    postPath: (channel) => `/api/chat/channels/${layout.channelIds[channel]}/messages`,
    postHeaders: (poster) => ({
      cookie: layout.cookies[poster] as string,
      origin: baseUrl,
      "x-convene-csrf": "1",
      "content-type": "application/json",
    }),
    postBody: (_channel, clientId, body) => JSON.stringify({ clientId, body }),
    stop: () => stopChild(child),
  };
}

/** The bare `ws` ceiling, or with a database URL the floor: each post inserted before it is sent. */
async function startBaseline(databaseUrl?: string): Promise<Target> {
  const port = await freePort();
  const args = [
    "--import",
    "tsx",
    "bench/baseline-ws.ts",
    String(port),
    ...(databaseUrl ? [databaseUrl] : []),
  ];
  const { child, log } = spawnChild(args, process.env);
  await waitUntil("baseline", async () => log.join("").includes("listening"), child, log);
  return {
    label: databaseUrl ? "ws + one INSERT a post (PostgreSQL)" : "bare ws, no database",
    pid: child.pid ?? 0,
    postgres: Boolean(databaseUrl),
    port,
    wsUrl: (client) => `ws://127.0.0.1:${port}/ws?channel=c${client % M}`,
    wsHeaders: () => ({}),
    postPath: () => "/post",
    postHeaders: () => ({ "content-type": "application/json" }),
    postBody: (channel, clientId, body) => JSON.stringify({ channel: `c${channel}`, clientId, body }),
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------------------------------------
// The load

type Result = {
  label: string;
  connectSeconds: number;
  connectFrames: number;
  held: number;
  drops: number;
  dropCodes: Map<number, number>;
  postsOk: number;
  postsFailed: Map<string, number>;
  postSeconds: number;
  postRtt: { p50: number; p99: number };
  afterAnswer: { p50: number; p99: number };
  deliveries: number;
  expected: number;
  deliverySeconds: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  lost: number;
  duplicated: number;
  outOfOrder: number;
  rssPeak: number;
  rssEnd: number;
  serverCpu: number;
  postgresCpu: number | null;
  clientCpu: number;
  bytesPerDelivery: number;
};

const BODY_MARK = Buffer.from('"body":"bench:');
const EVENT_MARK = Buffer.from('{"type":"event","id":');
const HELLO_MARK = Buffer.from('{"type":"hello"');

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Reads the decimal digits at `offset` in a buffer (no string is made). */
function digitsAt(data: Buffer, offset: number): number {
  let value = 0;
  for (let i = offset; i < data.length; i++) {
    const c = data[i] as number;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}

async function runLoad(target: Target): Promise<Result> {
  const run = randomUUID().slice(0, 8);
  const sockets: (WebSocket | null)[] = new Array(N).fill(null);
  const lastEventId = new Float64Array(N);
  const hello = new Uint8Array(N);
  /** received[client * PLANNED + message]: how many times that client got that message. */
  const received = new Uint8Array(N * PLANNED);
  const sentAt = new Float64Array(PLANNED);
  const posted = new Uint8Array(PLANNED);
  const latencies = new Float64Array(PLANNED * Math.ceil(N / M));
  const latencyMessage = new Int32Array(latencies.length);
  let latencyCount = 0;
  let deliveries = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let frames = 0;
  let deliveredBytes = 0;
  let lastDeliveryAt = 0;
  let running = true;
  let drops = 0;
  const dropCodes = new Map<number, number>();

  const onFrame = (client: number, data: Buffer) => {
    frames++;
    if (data.indexOf(BODY_MARK) < 0 || data.indexOf(EVENT_MARK) !== 0) {
      if (data.indexOf(HELLO_MARK) === 0) hello[client] = 1;
      return;
    }
    const now = performance.now();
    const eventId = digitsAt(data, EVENT_MARK.length);
    const message = digitsAt(data, data.indexOf(BODY_MARK) + BODY_MARK.length);
    if (message >= PLANNED) return;
    const slot = client * PLANNED + message;
    const seen = received[slot] as number;
    if (seen > 0) duplicated++;
    else {
      if (eventId < (lastEventId[client] as number)) outOfOrder++;
      else lastEventId[client] = eventId;
      deliveries++;
      deliveredBytes += data.length;
      latencyMessage[latencyCount] = message;
      latencies[latencyCount++] = now - (sentAt[message] as number);
      lastDeliveryAt = now;
    }
    if (seen < 255) received[slot] = seen + 1;
  };

  const connect = (client: number): Promise<void> =>
    new Promise((resolve) => {
      const socket = new WebSocket(target.wsUrl(client, lastEventId[client] as number), {
        headers: target.wsHeaders(client),
        perMessageDeflate: false,
      });
      sockets[client] = socket;
      let settled = false;
      const done = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      socket.on("message", (data: Buffer) => {
        onFrame(client, data);
        if (hello[client]) done();
      });
      socket.on("error", done);
      let opened = false;
      socket.on("open", () => {
        opened = true;
      });
      socket.on("close", (code) => {
        done();
        // A refused handshake is reported (no hello), not retried.
        if (!opened || sockets[client] !== socket || !running) return;
        // What the web client does: come back with the last event id after 0.5 s.
        drops++;
        dropCodes.set(code, (dropCodes.get(code) ?? 0) + 1);
        sockets[client] = null;
        setTimeout(() => void connect(client), 500);
      });
    });

  // Connect everyone, a wave at a time, then wait for the server's connect-time chatter to settle.
  const connectStart = performance.now();
  let nextClient = 0;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (nextClient < N) await connect(nextClient++);
    }),
  );
  for (let quiet = frames, waited = 0; waited < 30_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (frames === quiet) break;
    quiet = frames;
  }
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const connectFrames = frames;
  const connected = hello.reduce((sum, value) => sum + value, 0);
  if (connected < N) console.log(`  ${target.label}: only ${connected} of ${N} clients got their hello`);

  // Post R a second for T seconds, open loop, round-robin over channels and their posters.
  const posters = Array.from({ length: M }, (_, c) =>
    Array.from({ length: Math.min(POSTERS_PER_CHANNEL, Math.ceil((N - c) / M)) }, (_, k) => c + k * M),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_POSTS_IN_FLIGHT });
  const postRtts = new Float64Array(PLANNED);
  const postsFailed = new Map<string, number>();
  let postsOk = 0;
  let inFlight = 0;
  let sent = 0;
  const rssSamples: number[] = [];
  let ticks = 0;
  const cpuStart = {
    server: cpuSeconds(target.pid),
    postgres: target.postgres ? postgresCpuSeconds() : 0,
    client: process.cpuUsage(),
  };
  // Open the keep-alive connections the posting will use, so no post pays for a TCP handshake.
  await Promise.all(
    Array.from(
      { length: 64 },
      () =>
        new Promise<void>((resolve) => {
          http
            .get({ host: "127.0.0.1", port: target.port, path: "/api/health", agent }, (response) => {
              response.resume();
              response.on("end", resolve);
            })
            .on("error", () => resolve());
        }),
    ),
  );
  const postStart = performance.now();
  const post = (message: number) => {
    const channel = message % M;
    const pool = posters[channel] as number[];
    const poster = pool[Math.floor(message / M) % pool.length] as number;
    const body = target.postBody(channel, `bench-${run}-${message}`, `bench:${message}:${Date.now()}`);
    inFlight++;
    sentAt[message] = performance.now();
    const request = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        method: "POST",
        path: target.postPath(channel),
        agent,
        headers: { ...target.postHeaders(poster), "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () => {
          inFlight--;
          postRtts[message] = performance.now() - (sentAt[message] as number);
          if (response.statusCode === 201) {
            posted[message] = 1;
            postsOk++;
          } else {
            const key = String(response.statusCode);
            postsFailed.set(key, (postsFailed.get(key) ?? 0) + 1);
          }
        });
      },
    );
    request.on("error", (error) => {
      inFlight--;
      postsFailed.set(error.message, (postsFailed.get(error.message) ?? 0) + 1);
    });
    request.end(body);
  };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(PLANNED, Math.floor(((performance.now() - postStart) / 1000) * R));
      while (sent < due && inFlight < MAX_POSTS_IN_FLIGHT) post(sent++);
      if (++ticks % 20 === 0) rssSamples.push(rssMb(target.pid));
      if (sent >= PLANNED) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  while (inFlight > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rssSamples.push(rssMb(target.pid));
  }
  const postSeconds = (performance.now() - postStart) / 1000;

  // Expected: every accepted post, once, to every member of its channel.
  const members = (channel: number) => Math.floor((N - 1 - channel) / M) + 1;
  let expected = 0;
  for (let message = 0; message < PLANNED; message++) if (posted[message]) expected += members(message % M);
  for (let idle = 0; deliveries < expected && idle < 5000; ) {
    const before = deliveries;
    await new Promise((resolve) => setTimeout(resolve, 100));
    rssSamples.push(rssMb(target.pid));
    idle = deliveries === before ? idle + 100 : 0;
  }
  running = false;
  const clientCpu = process.cpuUsage(cpuStart.client);
  const windowSeconds = (Math.max(lastDeliveryAt, postStart + postSeconds * 1000) - postStart) / 1000;
  const serverCpu = (cpuSeconds(target.pid) - cpuStart.server) / windowSeconds;
  const postgresCpu = target.postgres ? (postgresCpuSeconds() - cpuStart.postgres) / windowSeconds : null;
  const rssEnd = rssMb(target.pid);

  let lost = 0;
  for (let client = 0; client < N; client++) {
    const channel = client % M;
    for (let message = channel; message < PLANNED; message += M) {
      if (posted[message] && received[client * PLANNED + message] === 0) lost++;
    }
  }
  const held = sockets.filter((socket) => socket?.readyState === WebSocket.OPEN).length;
  const sortedLatency = latencies.slice(0, latencyCount).sort();
  const sortedRtt = postRtts.filter((_, message) => posted[message] === 1).sort();
  // How long after the POST's answer the frame reached a member (negative: the frame came first).
  const afterAnswer = new Float64Array(latencyCount);
  for (let i = 0; i < latencyCount; i++) {
    afterAnswer[i] = (latencies[i] as number) - (postRtts[latencyMessage[i] as number] as number);
  }
  afterAnswer.sort();

  // Sockets first: a server closing 2,000 sockets one handshake at a time outlasts stopChild's patience,
  // and a killed server writes no --cpu-prof profile.
  for (const socket of sockets) socket?.terminate();
  await target.stop();
  agent.destroy();

  return {
    label: target.label,
    connectSeconds,
    connectFrames,
    held,
    drops,
    dropCodes,
    postsOk,
    postsFailed,
    postSeconds,
    postRtt: { p50: percentile(sortedRtt, 0.5), p99: percentile(sortedRtt, 0.99) },
    afterAnswer: { p50: percentile(afterAnswer, 0.5), p99: percentile(afterAnswer, 0.99) },
    deliveries,
    expected,
    deliverySeconds: windowSeconds,
    latency: {
      p50: percentile(sortedLatency, 0.5),
      p95: percentile(sortedLatency, 0.95),
      p99: percentile(sortedLatency, 0.99),
      max: sortedLatency[sortedLatency.length - 1] ?? Number.NaN,
    },
    lost,
    duplicated,
    outOfOrder,
    rssPeak: Math.max(0, ...rssSamples),
    rssEnd,
    serverCpu,
    postgresCpu,
    clientCpu: (clientCpu.user + clientCpu.system) / 1e6 / windowSeconds,
    bytesPerDelivery: deliveries > 0 ? deliveredBytes / deliveries : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function printTable(results: Result[]): void {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "-");
  const pct = (value: number | null) => (value === null ? "-" : `${Math.round(value * 100)}%`);
  const counts = (map: Map<string | number, number>) =>
    [...map].map(([key, count]) => `${count}×${key}`).join(" ") || "0";
  const rows: [string, (r: Result) => string][] = [
    ["connections held (of N)", (r) => `${r.held} / ${N}`],
    ["connect all + settle", (r) => `${r.connectSeconds.toFixed(1)} s (${r.connectFrames} frames)`],
    ["drops during run (codes)", (r) => (r.drops ? `${r.drops} (${counts(r.dropCodes)})` : "0")],
    ["messages posted / s", (r) => (r.postsOk / r.postSeconds).toFixed(1)],
    ["posting took (planned T)", (r) => `${r.postSeconds.toFixed(1)} s (${T} s)`],
    ["posts accepted / failed", (r) => `${r.postsOk} / ${counts(r.postsFailed)}`],
    ["post round trip p50 / p99", (r) => `${ms(r.postRtt.p50)} / ${ms(r.postRtt.p99)}`],
    ["frame after POST answer p50 / p99", (r) => `${ms(r.afterAnswer.p50)} / ${ms(r.afterAnswer.p99)}`],
    ["deliveries / s", (r) => (r.deliveries / r.deliverySeconds).toFixed(0)],
    ["deliveries (of expected)", (r) => `${r.deliveries} / ${r.expected}`],
    ["latency p50", (r) => ms(r.latency.p50)],
    ["latency p95", (r) => ms(r.latency.p95)],
    ["latency p99", (r) => ms(r.latency.p99)],
    ["latency max", (r) => ms(r.latency.max)],
    ["messages lost", (r) => String(r.lost)],
    ["messages duplicated", (r) => String(r.duplicated)],
    ["out of order", (r) => String(r.outOfOrder)],
    ["server RSS peak / end", (r) => `${r.rssPeak.toFixed(0)} / ${r.rssEnd.toFixed(0)} MB`],
    ["server CPU (1 core = 100%)", (r) => pct(r.serverCpu)],
    ["PostgreSQL CPU, all processes", (r) => pct(r.postgresCpu)],
    ["bench client CPU", (r) => pct(r.clientCpu)],
    ["bytes per delivered frame", (r) => r.bytesPerDelivery.toFixed(0)],
  ];
  const ours = results[0];
  const ceiling = results[1];
  if (ours && ceiling) {
    rows.splice(rows.findIndex(([name]) => name === "deliveries / s") + 1, 0, [
      "deliveries / s vs bare ws",
      (r) =>
        r === ours
          ? `${((ours.deliveries / ours.deliverySeconds / (ceiling.deliveries / ceiling.deliverySeconds)) * 100).toFixed(1)}%`
          : "100%",
    ]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  const columns = results.map((r) => Math.max(r.label.length, ...rows.map(([, cell]) => cell(r).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(width) : cell.padStart(columns[i - 1] ?? 0))).join(" | ")} |`;
  console.log(line(["", ...results.map((r) => r.label)]));
  console.log(line(["-".repeat(width), ...columns.map((w) => "-".repeat(w))]).replaceAll(" ", "-"));
  for (const [name, cell] of rows) console.log(line([name, ...results.map(cell)]));
}

// ---------------------------------------------------------------------------------------------

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  let dropDatabase: (() => Promise<void>) | null = null;
  const onSignal = () => {
    for (const child of children) child.kill("SIGKILL");
    void (dropDatabase?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  console.log(
    `Chat benchmark: N=${N} clients, M=${M} channels (${Math.ceil(N / M)} members each), R=${R} msg/s, T=${T} s, ` +
      `${usePglite ? "PGlite" : "PostgreSQL"}; ${os.cpus().length} cores, load average ${loadAverage()}.\n` +
      `The Convene server runs with CHAT_POSTS_PER_SECOND=${POST_LIMIT} CHAT_POST_BURST=${POST_LIMIT} ` +
      `(the per-person limit, 10/s burst 30 by default, lifted); ${POSTERS_PER_CHANNEL} posters per channel.`,
  );
  const results: Result[] = [];
  try {
    let databaseUrl: string | undefined;
    if (!usePglite) {
      const name = `convene_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    }
    const setupStart = performance.now();
    const database = await openDatabase(databaseUrl ? { databaseUrl, dataDir } : { dataDir });
    const layout = await prepareConvene(database, dataDir).finally(() => database.close());
    console.log(
      `Setup: ${N} people, ${M} channels, ${N} sessions in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
    );

    const convene = await startConvene(layout, { url: databaseUrl, dataDir });
    console.log(`Running ${convene.label}...`);
    results.push(await runLoad(convene));
    if (withBaseline) {
      for (const url of databaseUrl ? [undefined, databaseUrl] : [undefined]) {
        const baseline = await startBaseline(url);
        console.log(`Running ${baseline.label}...`);
        results.push(await runLoad(baseline));
      }
    }
  } finally {
    for (const child of children) await stopChild(child);
    await dropDatabase?.().catch((error: Error) =>
      console.warn(`could not drop the database: ${error.message}`),
    );
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
  console.log("");
  printTable(results);
  console.log(
    `\nlatency: POST sent -> frame received by each member's socket (all in this process); ` +
      `deliveries/s over first post -> last delivery. Total ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `load average now ${loadAverage()} (other work on this machine skews every number).`,
  );
}

await main();
