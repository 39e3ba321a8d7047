/**
 * Mixed-workload capacity benchmark (not a test): how many members one machine serves, Convene and
 * PostgreSQL together. Simulated members of a fresh community (the demo data plus bench members)
 * hold a realtime connection (/api/ws) as the web app does and act at community rates (ACTIONS
 * below); members are added a step at a time, each step held for a while, until the p99 of some
 * action passes 500 ms or more than 1% of requests fail. Modelled on Mattermost's load-test-ng
 * (its SimulController: users connected over WebSocket, picking weighted actions with a random wait
 * between them, users added until a latency or error threshold fails).
 *
 *   npm run bench:community                                  up to 4,000 members, +200 per step, 20 s each
 *   npm run bench:community -- --max-members 600 --step 200 --hold 10     a 2–3 minute try
 *   --port N (the server's port; a free one otherwise)   BENCH_DATABASE_URL (see bench/support.ts)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (node flags for the server)
 *
 * The floor: GET /api/health, the cheapest request the server answers, sent through the same HTTP
 * client twice a second all along (and 100 times before anyone arrives), so each action's latency is
 * also given as a ratio to it: on a busy shared machine the ratio means more than the milliseconds.
 *
 * Members, channels, sandbox access and sessions are written straight into the database before the
 * server starts (one precomputed password hash; sessions through startSession), so setting up 4,000
 * takes seconds; "sign in" is still measured, as the real POST /api/auth/login at its rate.
 */
import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import WebSocket from "ws";
import { loadConfig } from "../src/server/config.js";
import { users } from "../src/server/db/schema.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { startSession } from "../src/server/modules/accounts/sessions.js";
import { channelMembers, channels, messages } from "../src/server/modules/chat/schema.js";
import {
  sandboxAgreementAcceptances,
  sandboxAgreements,
  sandboxUsers,
} from "../src/server/modules/sandbox/access/schema.js";
import { hashPassword } from "../src/server/platform/auth/passwords.js";
import {
  cpuSeconds,
  freePort,
  freshPostgres,
  postgresBackends,
  rssMb,
  startConveneServer,
  thousands,
} from "./support.js";

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string, fallback: number): number {
  const flag = process.argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const raw = flag >= 0 ? (process.argv[flag]?.split("=")[1] ?? process.argv[flag + 1]) : undefined;
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: a positive number, not ${raw}`);
  return value;
}

const MAX_MEMBERS = Math.floor(option("max-members", 4000));
const STEP = Math.floor(option("step", 200));
const HOLD_SECONDS = option("hold", 20);
/** How long the end of a hold waits for the frames of its last posts. */
const DRAIN_MS = 5_000;
// 0: a free port. A fixed default inside the ephemeral range was now and then one of this process's own outgoing
// connections (to PostgreSQL) when the server came to listen on it.
const PORT = Math.floor(option("port", 0));
/** The limits a step must keep to pass. */
const P99_LIMIT_MS = option("p99-limit", 500);
const ERROR_LIMIT = 0.01;
/** An action's p99 counts towards the verdict once it has this many samples in the step. */
const MIN_SAMPLES = 20;
/** Members per bench channel, about: each member is in two channels. */
const CHANNEL_SIZE = 200;
const SEEDED_MESSAGES_PER_CHANNEL = 60;
const PASSWORD = "bench-community-password";
const CONNECT_CONCURRENCY = 50;
const HEALTH_PER_SECOND = 2;

// ---------------------------------------------------------------------------------------------
// What a member does, per simulated minute
//
// Rates are per member per minute (about 3 actions a minute, one every ~20 s of an active session):
// load-test-ng's SimulController has users act every few seconds while typing and reading; community
// members of a support community read far more than they write, so the mix keeps its shape (viewing
// channels most often, then history, posting, reactions, threads, search) at a calmer pace, and adds
// Convene's other places a member opens: their tickets, their projects and (sandbox users) volunteers.

type Member = {
  index: number;
  cookie: string;
  email: string;
  channels: [number, number];
  socket: WebSocket | null;
  active: boolean;
};

type ActionName =
  | "sign in"
  | "open app"
  | "channel list"
  | "open channel"
  | "read history"
  | "post"
  | "react"
  | "thread reply"
  | "search"
  | "open tickets"
  | "open projects"
  | "list volunteers";

type Action = { name: ActionName; perMinute: number; what: string; run: (member: Member) => Promise<void> };

// ---------------------------------------------------------------------------------------------
// Measurements of one step

type Samples = { times: number[]; errors: number; codes: Map<string, number> };
type Step = {
  members: number;
  samples: Map<ActionName | "health (floor)", Samples>;
  seconds: number;
  appCpu: number;
  postgresCpu: number;
  appRss: number;
  clientCpu: number;
  backends: ReturnType<typeof postgresBackends>;
  deliveries: number;
  expected: number;
  deliveryTimes: number[];
  /** When the hold began (after the arrivals); only actions started from then on are its samples. */
  holdFrom: number;
  /** When it ended: the deliveries counted are those of the posts sent in between. */
  holdUntil: number;
  /** Posts sent in the hold whose answer has not come yet (each adds to `expected` when it comes). */
  postsInFlight: number;
};

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number);

class Failure extends Error {
  constructor(readonly status: string) {
    super(status);
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up: the community, written before the server starts

type Community = {
  members: Member[];
  channelIds: string[];
  /** Per channel, recent top-level messages (id, seq) to react to, reply to and page back from. */
  recent: { id: string; seq: number }[][];
  oldestSeq: number[];
};

async function prepare(database: Awaited<ReturnType<typeof freshPostgres>>["database"], dataDir: string) {
  await database.migrate();
  const config = loadConfig({}, { dataDir, publicUrl: "http://127.0.0.1", logLevel: "silent" });
  const demoStart = performance.now();
  const demo = await seedDemoCommunity({ db: database.db, config, actor: null, ip: null });
  console.log(`Set-up: the demo community in ${seconds(demoStart)} s`);
  const passwordHash = await hashPassword(PASSWORD);
  const userIds: string[] = [];
  for (let start = 0; start < MAX_MEMBERS; start += 1000) {
    const rows = await database.db
      .insert(users)
      .values(
        Array.from({ length: Math.min(1000, MAX_MEMBERS - start) }, (_, k) => ({
          email: `member-${start + k}@northwind.example`,
          name: `Community Member ${start + k}`,
          passwordHash,
          organisationId: demo.organisations.northwind.id,
        })),
      )
      .returning({ id: users.id });
    userIds.push(...rows.map((row) => row.id));
  }
  const channelCount = Math.max(2, Math.ceil((MAX_MEMBERS * 2) / CHANNEL_SIZE));
  const channelRows = await database.db
    .insert(channels)
    .values(
      Array.from({ length: channelCount }, (_, c) => ({
        slug: `community-${c}`,
        name: `community-${c}`,
        kind: "public" as const,
        topic: "Benchmark channel",
      })),
    )
    .returning({ id: channels.id });
  const channelIds = channelRows.map((row) => row.id);
  // Two channels each, the second half a round away, so every channel mixes early and late arrivals.
  const channelsOf = (i: number): [number, number] => [
    i % channelCount,
    (i + Math.floor(channelCount / 2)) % channelCount,
  ];
  for (let start = 0; start < MAX_MEMBERS; start += 1000) {
    await database.db
      .insert(channelMembers)
      .values(
        userIds
          .slice(start, start + 1000)
          .flatMap((userId, k) =>
            channelsOf(start + k).map((c) => ({ channelId: channelIds[c] as string, userId })),
          ),
      );
  }
  // History to read back: messages by the channels' members.
  const recent: Community["recent"] = channelIds.map(() => []);
  const oldestSeq: number[] = channelIds.map(() => Number.MAX_SAFE_INTEGER);
  for (let c = 0; c < channelCount; c++) {
    const rows = await database.db
      .insert(messages)
      .values(
        Array.from({ length: SEEDED_MESSAGES_PER_CHANNEL }, (_, k) => ({
          channelId: channelIds[c] as string,
          authorId: userIds[(c + k * channelCount) % MAX_MEMBERS] as string,
          clientId: `seed-${c}-${k}-${randomUUID().slice(0, 8)}`,
          body: SENTENCES[(c + k) % SENTENCES.length] as string,
        })),
      )
      .returning({ id: messages.id, seq: messages.seq });
    recent[c] = rows.slice(-20);
    oldestSeq[c] = Math.min(...rows.map((row) => row.seq));
  }
  // Every member is an investigator of the sandbox who accepted the agreement in force.
  const [agreement] = await database.db
    .select({ id: sandboxAgreements.id })
    .from(sandboxAgreements)
    .where(eq(sandboxAgreements.status, "published"));
  if (!agreement) throw new Error("the demo data has no published sandbox agreement");
  for (let start = 0; start < MAX_MEMBERS; start += 1000) {
    const slice = userIds.slice(start, start + 1000);
    await database.db
      .insert(sandboxUsers)
      .values(
        slice.map((userId) => ({ userId, role: "investigator" as const, addedBy: demo.people.staff.id })),
      );
    await database.db
      .insert(sandboxAgreementAcceptances)
      .values(slice.map((userId) => ({ agreementId: agreement.id, userId })));
  }
  const cookies: string[] = new Array(MAX_MEMBERS);
  for (let start = 0; start < MAX_MEMBERS; start += 50) {
    await Promise.all(
      userIds.slice(start, start + 50).map(async (userId, k) => {
        const token = await startSession(database.db, config, { userId, ip: null, userAgent: "bench" });
        cookies[start + k] = `convene_session=${token}`;
      }),
    );
  }
  const members: Member[] = userIds.map((_, i) => ({
    index: i,
    cookie: cookies[i] as string,
    email: `member-${i}@northwind.example`,
    channels: channelsOf(i),
    socket: null,
    active: false,
  }));
  return { members, channelIds, recent, oldestSeq } satisfies Community;
}

const SENTENCES = [
  "Dosing for the next cohort starts on Monday at the ward",
  "Please check the visit schedule before the screening day",
  "Can someone review the protocol section on sampling before Friday",
  "Screening visit moved to Thursday morning for the new volunteers",
  "The randomisation list is ready for the pharmacy",
  "Export of the enrolment report fails again with a timeout",
  "Consent form version three approved by the ethics committee",
  "Sandbox login works again after the release",
];
const SEARCHES = [
  "dosing",
  "protocol sampling",
  "volunteers",
  "export timeout",
  "pharmacy",
  "in:#general release",
];
const EMOJI = ["👍", "🎉", "👀", "✅", "🙏", "❤️", "😄", "🚀"];

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const fresh = await freshPostgres();
  const databaseName = new URL(fresh.url as string).pathname.slice(1);
  let stopServer: (() => Promise<void>) | null = null;
  const onSignal = () => {
    void (stopServer?.() ?? Promise.resolve()).then(() => fresh.drop()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  console.log(
    `Community benchmark: up to ${thousands(MAX_MEMBERS)} members, +${STEP} a step held ${HOLD_SECONDS} s; a step fails ` +
      `when an action's p99 passes ${P99_LIMIT_MS} ms (with ${MIN_SAMPLES}+ samples) or errors pass ${ERROR_LIMIT * 100}%. ` +
      `PostgreSQL; ${os.cpus().length} cores, load average ${loadAverage()}.`,
  );
  try {
    const setupStart = performance.now();
    const community = await prepare(fresh.database, dataDir).finally(() => fresh.database.close());
    console.log(
      `Set-up: demo community + ${thousands(MAX_MEMBERS)} members in ${community.channelIds.length} channels ` +
        `(${SEEDED_MESSAGES_PER_CHANNEL} messages each), sandbox access and sessions in ${seconds(setupStart)} s`,
    );
    const server = await startConveneServer({
      port: PORT || (await freePort()),
      dataDir,
      databaseUrl: fresh.url,
      // One machine's members all come from 127.0.0.1: the per-IP sign-in limit would refuse them.
      env: { SIGN_IN_ATTEMPTS_PER_IP: "1000000" },
    });
    stopServer = server.stop;
    await runSteps(community, server.baseUrl, server.child.pid ?? 0, databaseName);
  } finally {
    await stopServer?.();
    await fresh.drop().catch((error: Error) => console.warn(`could not drop the database: ${error.message}`));
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nTotal ${seconds(started)} s; load average now ${loadAverage()} (other work on this machine skews every number).`,
  );
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

async function runSteps(community: Community, baseUrl: string, appPid: number, databaseName: string) {
  const { members, channelIds, recent, oldestSeq } = community;
  const wsUrl = `${baseUrl.replace("http", "ws")}/api/ws`;
  let step: Step = newStep(0);
  let running = true;
  /** Per post: when it was sent, for the delivery latency of its frames. */
  const sentAt: number[] = [];
  /** Who holds an open connection per channel, for the deliveries a post should make. */
  const connectedIn = channelIds.map(() => 0);

  function newStep(count: number): Step {
    return {
      members: count,
      samples: new Map(),
      seconds: 0,
      appCpu: 0,
      postgresCpu: 0,
      appRss: 0,
      clientCpu: 0,
      backends: { backends: 0, rss: 0, private: 0, cpuSeconds: 0 },
      deliveries: 0,
      expected: 0,
      deliveryTimes: [],
      holdFrom: Number.POSITIVE_INFINITY,
      holdUntil: Number.POSITIVE_INFINITY,
      postsInFlight: 0,
    };
  }
  const record = (name: ActionName | "health (floor)", ms: number, error?: string) => {
    let samples = step.samples.get(name);
    if (!samples) {
      samples = { times: [], errors: 0, codes: new Map() };
      step.samples.set(name, samples);
    }
    if (error === undefined) samples.times.push(ms);
    else {
      samples.errors++;
      samples.codes.set(error, (samples.codes.get(error) ?? 0) + 1);
    }
  };

  async function call(member: Member | null, method: string, url: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { origin: baseUrl };
    if (member) headers.cookie = member.cookie;
    if (method !== "GET") headers["x-convene-csrf"] = "1";
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Failure(String(response.status));
    return text ? JSON.parse(text) : null;
  }
  /**
   * Times an action. Arrivals are recorded as they happen; any other action only when it started in
   * the hold of the step still running, so one begun in the arrival burst (or the step before) does
   * not lend the hold that burst's waits.
   */
  const timed = async (name: ActionName, work: () => Promise<void>) => {
    const start = performance.now();
    const inHold = () => name === "open app" || start >= step.holdFrom;
    try {
      await work();
      if (inHold()) record(name, performance.now() - start);
    } catch (error) {
      if (inHold())
        record(name, 0, error instanceof Failure ? error.status : (error as Error).message.slice(0, 40));
    }
  };

  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const channelOf = (member: Member) => member.channels[Math.random() < 0.5 ? 0 : 1];
  let posts = 0;
  const remember = (channel: number, message: { id: string; seq: number }) => {
    const list = recent[channel] as { id: string; seq: number }[];
    list.push({ id: message.id, seq: message.seq });
    if (list.length > 20) list.shift();
  };

  const ACTIONS: Action[] = [
    {
      name: "sign in",
      perMinute: 0.02,
      what: "POST /api/auth/login with the password (argon2), a fresh sign-in about hourly",
      run: async (member) => {
        await call(null, "POST", "/api/auth/login", { email: member.email, password: PASSWORD });
      },
    },
    {
      name: "channel list",
      perMinute: 0.3,
      what: "GET /api/chat/channels (sidebar with unread counts)",
      run: async (member) => {
        await call(member, "GET", "/api/chat/channels");
      },
    },
    {
      name: "open channel",
      perMinute: 1,
      what: "GET the newest 50 messages of one of the member's channels",
      run: async (member) => {
        await call(member, "GET", `/api/chat/channels/${channelIds[channelOf(member)]}/messages?limit=50`);
      },
    },
    {
      name: "read history",
      perMinute: 0.4,
      what: "GET 50 older messages (before a seq)",
      run: async (member) => {
        const channel = channelOf(member);
        const newest = recent[channel]?.at(-1)?.seq ?? 0;
        const oldest = oldestSeq[channel] as number;
        const before = oldest + 1 + Math.floor(Math.random() * Math.max(1, newest - oldest));
        await call(
          member,
          "GET",
          `/api/chat/channels/${channelIds[channel]}/messages?limit=50&before=${before}`,
        );
      },
    },
    {
      name: "post",
      perMinute: 0.3,
      what: "POST a message to one of the member's channels (delivered to its members over /api/ws)",
      run: async (member) => {
        const channel = channelOf(member);
        const number = posts++;
        const sent = performance.now();
        sentAt[number] = sent;
        const counted = sent >= step.holdFrom ? step : null;
        if (counted) counted.postsInFlight++;
        try {
          const message = (await call(member, "POST", `/api/chat/channels/${channelIds[channel]}/messages`, {
            clientId: `community-${randomUUID()}`,
            body: `${pick(SENTENCES)} community:${number}:`,
          })) as { id: string; seq: number };
          if (counted) counted.expected += connectedIn[channel] as number;
          remember(channel, message);
        } finally {
          if (counted) counted.postsInFlight--;
        }
      },
    },
    {
      name: "react",
      perMinute: 0.2,
      what: "POST an emoji reaction to a recent message",
      run: async (member) => {
        const target = pick(recent[channelOf(member)] as { id: string }[]);
        await call(member, "POST", `/api/chat/messages/${target.id}/reactions`, { emoji: pick(EMOJI) });
      },
    },
    {
      name: "thread reply",
      perMinute: 0.1,
      what: "GET a recent message's thread, then POST a reply to it",
      run: async (member) => {
        const channel = channelOf(member);
        const root = pick(recent[channel] as { id: string }[]);
        await call(member, "GET", `/api/chat/messages/${root.id}/thread`);
        await call(member, "POST", `/api/chat/channels/${channelIds[channel]}/messages`, {
          clientId: `community-${randomUUID()}`,
          body: `${pick(SENTENCES)} (reply)`,
          threadRootId: root.id,
        });
      },
    },
    {
      name: "search",
      perMinute: 0.1,
      what: "GET /api/search over every kind the member may see",
      run: async (member) => {
        await call(member, "GET", `/api/search?q=${encodeURIComponent(pick(SEARCHES))}`);
      },
    },
    {
      name: "open tickets",
      perMinute: 0.15,
      what: "GET /api/desk/tickets, then the first ticket",
      run: async (member) => {
        const list = (await call(member, "GET", "/api/desk/tickets")) as { tickets?: { id: string }[] };
        const first = list.tickets?.[0];
        if (first) await call(member, "GET", `/api/desk/tickets/${first.id}`);
      },
    },
    {
      name: "open projects",
      perMinute: 0.15,
      what: "GET /api/projects, then the first project",
      run: async (member) => {
        const list = (await call(member, "GET", "/api/projects")) as { projects?: { id: string }[] };
        const first = list.projects?.[0];
        if (first) await call(member, "GET", `/api/projects/${first.id}`);
      },
    },
    {
      name: "list volunteers",
      perMinute: 0.1,
      what: "GET /api/sandbox/volunteers, a filtered page (sandbox investigators)",
      run: async (member) => {
        await call(
          member,
          "GET",
          `/api/sandbox/volunteers?status=${pick(["screening", "eligible", "enrolled"])}&limit=25`,
        );
      },
    },
  ];
  const perMinute = ACTIONS.reduce((sum, action) => sum + action.perMinute, 0);
  console.log(`\nPer member per minute (${perMinute.toFixed(2)} actions, plus "open app" once on arrival):`);
  for (const action of ACTIONS)
    console.log(`  ${action.name.padEnd(16)} ${action.perMinute.toFixed(2).padStart(5)}  ${action.what}`);
  console.log(
    `  ${"open app".padEnd(16)}  once  GET /api/auth/session, GET /api/chat/channels, open /api/ws until hello`,
  );

  // A member's life: arrive, then one action after another, exponential waits (a Poisson process).
  const nextAction = (): Action => {
    let roll = Math.random() * perMinute;
    for (const action of ACTIONS) {
      roll -= action.perMinute;
      if (roll <= 0) return action;
    }
    return ACTIONS[ACTIONS.length - 1] as Action;
  };
  const live = async (member: Member) => {
    while (running && member.active) {
      await new Promise((resolve) =>
        setTimeout(resolve, -Math.log(1 - Math.random()) * (60_000 / perMinute)),
      );
      if (!running) return;
      const action = nextAction();
      await timed(action.name, () => action.run(member));
    }
  };
  const BODY_MARK = Buffer.from("community:");
  const CREATED_MARK = Buffer.from('"topic":"message.created"');
  const digitsAt = (data: Buffer, offset: number) => {
    let value = 0;
    for (let i = offset; i < data.length; i++) {
      const c = data[i] as number;
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    return value;
  };
  const arrive = (member: Member) =>
    timed("open app", async () => {
      await call(member, "GET", "/api/auth/session");
      await call(member, "GET", "/api/chat/channels");
      await new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, {
          headers: { cookie: member.cookie, origin: baseUrl },
          perMessageDeflate: false,
        });
        member.socket = socket;
        let hello = false;
        socket.on("message", (data: Buffer) => {
          if (!hello) {
            if (data.includes('"type":"hello"')) {
              hello = true;
              for (const c of member.channels) connectedIn[c] = (connectedIn[c] as number) + 1;
              resolve();
            }
            return;
          }
          const mark = data.indexOf(BODY_MARK);
          if (mark < 0 || data.indexOf(CREATED_MARK) < 0) return;
          // Like the actions, a step counts the deliveries of the posts sent in its hold.
          const sent = sentAt[digitsAt(data, mark + BODY_MARK.length)];
          if (sent === undefined || sent < step.holdFrom || sent >= step.holdUntil) return;
          step.deliveries++;
          step.deliveryTimes.push(performance.now() - sent);
        });
        socket.on("error", (error) => {
          if (!hello) reject(new Failure(`ws ${error.message.slice(0, 30)}`));
        });
        socket.on("close", () => {
          if (hello) for (const c of member.channels) connectedIn[c] = (connectedIn[c] as number) - 1;
          if (!hello) reject(new Failure("ws closed before hello"));
          member.socket = null;
        });
      });
    });

  // The floor, all along.
  const health = setInterval(() => {
    const start = performance.now();
    call(null, "GET", "/api/health").then(
      () => record("health (floor)", performance.now() - start),
      (error: Error) => record("health (floor)", 0, error.message),
    );
  }, 1000 / HEALTH_PER_SECOND);

  // Idle: nobody in, the floor alone.
  for (let i = 0; i < 100; i++) {
    const start = performance.now();
    await call(null, "GET", "/api/health");
    record("health (floor)", performance.now() - start);
  }
  const idle = {
    health: [...(step.samples.get("health (floor)")?.times ?? [])].sort((a, b) => a - b),
    appRss: rssMb(appPid),
    backends: postgresBackends(databaseName),
  };

  const steps: Step[] = [];
  let lastPassing: Step | null = null;
  let failedBecause = "";
  let active = 0;
  console.log(
    `\n${"members".padStart(7)}  ${"actions/s".padStart(9)}  ${"worst p99".padStart(24)}  ${"errors".padStart(7)}  ${"app CPU".padStart(7)}  ${"PG CPU".padStart(6)}  ${"app RSS".padStart(8)}  deliveries`,
  );
  while (active < MAX_MEMBERS) {
    const arriving = members.slice(active, Math.min(MAX_MEMBERS, active + STEP));
    active += arriving.length;
    step = newStep(active);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECT_CONCURRENCY }, async () => {
        while (next < arriving.length) {
          const member = arriving[next++] as Member;
          await arrive(member);
          member.active = true;
          void live(member);
        }
      }),
    );
    // The hold is measured alone: arrivals (a burst no real community sees) keep only their own row.
    const arrivals = step.samples.get("open app");
    step.samples = new Map(arrivals ? [["open app", arrivals]] : []);
    step.deliveries = 0;
    step.expected = 0;
    step.deliveryTimes = [];
    step.holdFrom = performance.now();
    const cpuStart = {
      app: cpuSeconds(appPid),
      postgres: postgresBackends(databaseName).cpuSeconds,
      client: process.cpuUsage(),
      at: performance.now(),
    };
    let rssPeak = 0;
    for (let waited = 0; waited < HOLD_SECONDS * 1000; waited += 1000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rssPeak = Math.max(rssPeak, rssMb(appPid));
    }
    step.seconds = (performance.now() - cpuStart.at) / 1000;
    // Posts sent from now on belong to no step; the frames of those sent in the hold get a moment to
    // arrive, so a frame still on its way when the hold ends is not counted as missing.
    step.holdUntil = performance.now();
    for (let waited = 0; waited < DRAIN_MS; waited += 20) {
      if (step.postsInFlight === 0 && step.deliveries >= step.expected) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    step.appCpu = (cpuSeconds(appPid) - cpuStart.app) / step.seconds;
    step.appRss = rssPeak;
    step.backends = postgresBackends(databaseName);
    step.postgresCpu = (step.backends.cpuSeconds - cpuStart.postgres) / step.seconds;
    const client = process.cpuUsage(cpuStart.client);
    step.clientCpu = (client.user + client.system) / 1e6 / step.seconds;
    steps.push(step);
    const verdict = judge(step);
    printProgress(step, verdict);
    if (verdict.failed) {
      failedBecause = verdict.reason;
      break;
    }
    lastPassing = step;
  }
  running = false;
  clearInterval(health);
  for (const member of members) member.socket?.terminate();

  console.log("");
  if (!lastPassing) console.log(`Not even the first step (${STEP} members) passed: ${failedBecause}.`);
  else {
    console.log(
      `Members supported on this machine (Convene and PostgreSQL together): ${thousands(lastPassing.members)}` +
        (failedBecause
          ? ` — the next step (${thousands(lastPassing.members + STEP)}) failed: ${failedBecause}.`
          : ` — the most asked for (--max-members ${MAX_MEMBERS}); the limit was not reached.`),
    );
    console.log(
      `\nPer action at ${thousands(lastPassing.members)} members (the last passing step, ${lastPassing.seconds.toFixed(0)} s held):\n`,
    );
    printTable(lastPassing);
  }
  const failed = failedBecause ? steps.at(-1) : undefined;
  if (failed && failed !== lastPassing) {
    console.log(`\nAnd at ${thousands(failed.members)} members (the failing step):\n`);
    printTable(failed);
  }
  const loaded = lastPassing ?? steps.at(-1);
  if (loaded) {
    console.log("\nMemory (MB)                              idle   loaded");
    console.log(
      `  Convene RSS (peak while held)      ${idle.appRss.toFixed(0).padStart(6)}   ${loaded.appRss.toFixed(0).padStart(6)}`,
    );
    console.log(
      `  PostgreSQL backends (${String(loaded.backends.backends).padStart(2)}), RSS       ${idle.backends.rss.toFixed(0).padStart(6)}   ${loaded.backends.rss.toFixed(0).padStart(6)}`,
    );
    console.log(
      `  PostgreSQL backends, private only  ${idle.backends.private.toFixed(0).padStart(6)}   ${loaded.backends.private.toFixed(0).padStart(6)}` +
        "   (RSS counts the shared buffers each has touched)",
    );
  }
  // What the machine could do were it ours alone: the CPU Convene and its backends spent per member
  // (contention stretches latency, much less the CPU an action costs), against every core.
  const busiest = steps.reduce<Step | null>(
    (best, s) => (!best || s.members > best.members ? s : best),
    null,
  );
  if (busiest) {
    // Per completed action rather than per member: a server that falls behind finishes fewer actions
    // than its members ask for, and its CPU per member would look cheaper than it is.
    let done = 0;
    for (const [name, samples] of busiest.samples)
      if (name !== "health (floor)" && name !== "open app") done += samples.times.length;
    const cpuMsPerAction =
      ((busiest.appCpu + busiest.postgresCpu) * busiest.seconds * 1000) / Math.max(1, done);
    const appShare = busiest.appCpu / Math.max(1e-9, busiest.appCpu + busiest.postgresCpu);
    const memberCpuMsPerMinute = cpuMsPerAction * perMinute;
    const cores = os.cpus().length;
    console.log(
      `\nCPU cost at ${thousands(busiest.members)} members: ${cpuMsPerAction.toFixed(1)} CPU-ms per completed action ` +
        `(Convene ${Math.round(appShare * 100)}%, PostgreSQL backends ${Math.round((1 - appShare) * 100)}%), ` +
        `${memberCpuMsPerMinute.toFixed(0)} CPU-ms per member-minute at ${perMinute.toFixed(2)} actions. ` +
        `With all ${cores} cores to themselves: ~${thousands((cores * 60_000) / memberCpuMsPerMinute)} members at 100% CPU, ` +
        `~${thousands((cores * 0.7 * 60_000) / memberCpuMsPerMinute)} at 70% (an upper bound: WebSocket upkeep and the bench client need CPU too).`,
    );
  }
  console.log(
    `\nFloor idle (nobody in, 100 requests): GET /api/health p50 ${ms(percentile(idle.health, 0.5))}, p99 ${ms(percentile(idle.health, 0.99))}. ` +
      "x floor = action p50 / the floor's p50 in the same step. Actions are timed whole (a two-request action: both).",
  );
}

type Verdict = { failed: boolean; reason: string; worst: string };

function judge(step: Step): Verdict {
  let requests = 0;
  let errors = 0;
  let worst = { name: "", p99: 0 };
  const slow: string[] = [];
  for (const [name, samples] of step.samples) {
    // Arrivals come 50 at once at each step's start, a burst no real community sees: shown, not judged.
    if (name === "health (floor)" || name === "open app") continue;
    requests += samples.times.length + samples.errors;
    errors += samples.errors;
    const sorted = [...samples.times].sort((a, b) => a - b);
    const p99 = percentile(sorted, 0.99);
    if (p99 > worst.p99) worst = { name, p99 };
    if (sorted.length >= MIN_SAMPLES && p99 > P99_LIMIT_MS) slow.push(`${name} p99 ${ms(p99)}`);
  }
  const errorShare = requests > 0 ? errors / requests : 0;
  const reasons = [...slow];
  if (errorShare > ERROR_LIMIT) reasons.push(`errors ${(errorShare * 100).toFixed(1)}%`);
  return {
    failed: reasons.length > 0,
    reason: reasons.join(", "),
    worst: worst.name ? `${worst.name} ${ms(worst.p99)}` : "-",
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : "-");

function printProgress(step: Step, verdict: Verdict) {
  let actions = 0;
  let errors = 0;
  for (const [name, samples] of step.samples) {
    if (name === "health (floor)") continue;
    actions += samples.times.length + samples.errors;
    errors += samples.errors;
  }
  console.log(
    `${String(step.members).padStart(7)}  ${(actions / step.seconds).toFixed(1).padStart(9)}  ${verdict.worst.padStart(24)}  ` +
      `${String(errors).padStart(7)}  ${`${Math.round(step.appCpu * 100)}%`.padStart(7)}  ${`${Math.round(step.postgresCpu * 100)}%`.padStart(6)}  ` +
      `${`${step.appRss.toFixed(0)} MB`.padStart(8)}  ${step.deliveries}/${step.expected}${verdict.failed ? `  FAIL: ${verdict.reason}` : ""}`,
  );
}

function printTable(step: Step) {
  const floor = [...(step.samples.get("health (floor)")?.times ?? [])].sort((a, b) => a - b);
  const floorP50 = percentile(floor, 0.5);
  const header = `${"action".padEnd(16)} ${"count".padStart(6)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"errors".padStart(7)} ${"x floor".padStart(8)}`;
  console.log(header);
  console.log("-".repeat(header.length));
  const order = [...step.samples.keys()].sort((a, b) =>
    a === "health (floor)" ? 1 : b === "health (floor)" ? -1 : a.localeCompare(b),
  );
  for (const name of order) {
    const samples = step.samples.get(name) as Samples;
    const sorted = [...samples.times].sort((a, b) => a - b);
    const codes = [...samples.codes].map(([code, n]) => `${n}×${code}`).join(" ");
    console.log(
      `${name.padEnd(16)} ${String(sorted.length + samples.errors).padStart(6)} ${ms(percentile(sorted, 0.5)).padStart(7)} ` +
        `${ms(percentile(sorted, 0.95)).padStart(7)} ${ms(percentile(sorted, 0.99)).padStart(7)} ${String(samples.errors).padStart(7)} ` +
        `${(percentile(sorted, 0.5) / floorP50).toFixed(1).padStart(8)}${codes ? `  ${codes}` : ""}`,
    );
  }
  const deliveries = [...step.deliveryTimes].sort((a, b) => a - b);
  console.log(
    `\nRealtime: ${thousands(step.deliveries)} message frames received over /api/ws of ${thousands(step.expected)} expected ` +
      `(posts x members connected in the channel); post sent -> frame p50 ${ms(percentile(deliveries, 0.5))}, p99 ${ms(percentile(deliveries, 0.99))}. ` +
      `Convene CPU ${Math.round(step.appCpu * 100)}%, PostgreSQL backends CPU ${Math.round(step.postgresCpu * 100)}%, bench client CPU ${Math.round(step.clientCpu * 100)}% (1 core = 100%).`,
  );
}

await main();
