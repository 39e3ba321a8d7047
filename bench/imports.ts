/**
 * A Slack workspace export of 1,000,000 messages imported through the import pipeline (the survey,
 * then the import, in this process) against a plain COPY of the same message rows into the same
 * table of another fresh database (its indexes, the GIN search index among them, as the schema has
 * them): the ceiling. Both are measured in the same run, so the ratio moves less than the absolute
 * numbers on a busy machine (three 1M runs on a shared 2-core machine: 50%, 58%, 68%).
 *
 * The export is generated (streamed into the zip, a day file at a time) in Slack's layout: users.json
 * with addresses, channels.json with members, a folder of YYYY-MM-DD.json day files per channel, with
 * mentions, threads, reactions, edits, bot messages and linked files; it is kept in the system's
 * temporary directory under its parameters, so a second run skips generating it. The COPY rows are
 * made from that zip with the importer's own conversion and ids (and a copy of its few body rules:
 * bots, /me, linked files), outside the timing, and checked against the rows the import wrote.
 *
 *   npm run bench:imports                                   1,000,000 messages, 200 channels, 2,000 people
 *   npm run bench:imports -- --messages 20000               smaller (also --channels N, --people N)
 *   npm run bench:imports -- --tenth                        also a tenth of the messages first: what the
 *                                                           import holds should not grow with the messages
 *   npm run bench:imports -- --no-reimport                  skip importing the export a second time
 *   npm run bench:imports -- --generate-only                make the export (or find it made) and say where
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh
 *     convene_bench_<random> database is created on and dropped from, one per measurement)
 */
import { once } from "node:events";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import v8 from "node:v8";
import { sql } from "drizzle-orm";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import yazl from "yazl";
import { loadConfig } from "../src/server/config.js";
import type { Database } from "../src/server/db/client.js";
import { rowsOf } from "../src/server/db/rows.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { actorOf } from "../src/server/modules/accounts/index.js";
import { slugify } from "../src/server/modules/chat/index.js";
import { importedId } from "../src/server/modules/imports/model.js";
import { claimRun, createRun, importRun, surveyRun } from "../src/server/modules/imports/pipeline.js";
import { mrkdwnToMarkdown } from "../src/server/modules/imports/slack/mrkdwn.js";
import { openZip } from "../src/server/modules/imports/zip.js";
import { type ActorCtx, actingAs, type Ctx } from "../src/server/platform/context.js";
import { driverOf, freshPostgres, thousands } from "./support.js";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number((process.argv[at + 1] ?? "").replaceAll(/[_,]/g, ""));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: a whole number, at least 1`);
  return value;
}

const MESSAGES = option("messages", 1_000_000);
const CHANNELS = option("channels", 200);
const PEOPLE = option("people", 2_000);
const TENTH = process.argv.includes("--tenth");
const REIMPORT = !process.argv.includes("--no-reimport");
/** Bumped whenever the generator changes, so a cached zip of an older shape is not reused. */
const GENERATOR_VERSION = 2;
const TEAM = "TBENCH0001";
const SOURCE_KEY = `slack:${TEAM}`;
const RSS_EVERY_MS = 250;

// ---------------------------------------------------------------------------------------------
// The export: planned up front (people, channels, each channel's days and their message counts),
// then each day file generated when the zip writer gets to it

/** mulberry32: small, fast, and the same sequence for the same seed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

const FIRST =
  "ada ben cleo dev eli fay gus hana ivan jo kai lena milo nia omar pia quinn rosa sam tara uma vik wes xena yuri zoe arjun bea chen dara".split(
    " ",
  );
const LAST =
  "adams brown costa diaz evans fischer garcia hughes ito jensen khan lopez meyer novak okafor patel quist rossi silva tanaka ueda varga weber xu young zhang".split(
    " ",
  );
const DOMAINS = [
  "acme-labs.example",
  "northwind-cro.example",
  "contoso-pharma.example",
  "fabrikam-trials.example",
];
const WORDS = (
  "the a to and of in for on with is we it this that be at please can will our study site visit " +
  "dose cohort protocol amendment subject screening randomisation arm placebo baseline endpoint adverse event " +
  "sae report query data lock export build sandbox schedule window form crf edit check validation deviation " +
  "monitor sponsor investigator consent pharmacy kit shipment label blinded unblinded titration escalation " +
  "interim analysis safety review meeting tomorrow today yesterday friday monday next week deadline draft " +
  "version release notes fix bug issue ticket deploy staging production migration backup access role account " +
  "password sso login page table column filter search results dashboard chart metric count total missing " +
  "duplicate updated approved rejected pending waiting blocked done thanks sorry quick question idea maybe " +
  "agree looks good lgtm ship it check again later call sync notes slides doc link attached see above below"
).split(" ");
const REACTIONS = [
  "+1",
  "heart",
  "tada",
  "eyes",
  "white_check_mark",
  "pray",
  "joy",
  "rocket",
  "thinking_face",
  "100",
  "fire",
  "custom_partyparrot",
];
const NOTICE = "channel_join";
const BOT_ID = "B0BENCHBOT";

type Person = { id: string; name: string; first: string; last: string; email: string };
type DayPlan = { date: string; startSec: number; count: number };
type ChannelPlan = { id: string; name: string; created: number; members: string[]; days: DayPlan[] };
type ExportPlan = { people: Person[]; channels: ChannelPlan[]; dayFiles: number; largestDay: number };

const userId = (index: number) => `U${index.toString(36).toUpperCase().padStart(8, "0")}`;
const channelId = (index: number) => `C${index.toString(36).toUpperCase().padStart(8, "0")}`;
const START = Date.UTC(2019, 0, 7) / 1000;
const DAY = 86_400;

function planExport(messages: number, channels: number, people: number): ExportPlan {
  const random = randomFrom(20260101);
  const persons: Person[] = Array.from({ length: people }, (_, index) => {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    return {
      id: userId(index + 1),
      first,
      last,
      name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
      email: `${first}.${last}.${index + 1}@${DOMAINS[index % DOMAINS.length]}`,
    };
  });
  // A few channels are busy and most are quiet: the c-th has a share of 1 / (c + 3)^0.7.
  const weights = Array.from({ length: channels }, (_, c) => 1 / (c + 3) ** 0.7);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const counts = weights.map((w) => Math.floor((messages * w) / total));
  let left = messages - counts.reduce((sum, n) => sum + n, 0);
  for (let c = 0; left > 0; c = (c + 1) % channels, left--) counts[c] = (counts[c] ?? 0) + 1;
  let dayFiles = 0;
  let largestDay = 0;
  const plans = counts.map((count, c): ChannelPlan => {
    const memberCount = Math.min(people, 8 + Math.floor(random() ** 2 * 400));
    const members = new Set<string>();
    while (members.size < memberCount) members.add(userId(1 + Math.floor(random() * people)));
    // A channel says 8-80 messages on a day it is active (a quiet day a few, a busy one a few
    // hundred), so the day files grow in number with the messages, as a workspace's do.
    const perDay = 8 + random() * 72;
    const activeDays = Math.max(1, Math.round(count / perDay));
    const dayWeights = Array.from({ length: activeDays }, () => 0.2 + random() ** 3 * 4);
    const weightTotal = dayWeights.reduce((sum, w) => sum + w, 0);
    let at = START + Math.floor(random() * 120) * DAY;
    let cumulative = 0;
    let given = 0;
    const days: DayPlan[] = [];
    for (const weight of dayWeights) {
      cumulative += weight;
      const upTo = Math.round((count * cumulative) / weightTotal);
      if (upTo > given) {
        days.push({
          date: new Date(at * 1000).toISOString().slice(0, 10),
          startSec: at,
          count: upTo - given,
        });
        given = upTo;
      }
      at += DAY * (random() < 0.25 ? 2 + Math.floor(random() * 3) : 1);
    }
    dayFiles += days.length;
    for (const day of days) largestDay = Math.max(largestDay, day.count);
    const name = `${pick(random, WORDS.slice(20))}-${pick(random, WORDS.slice(20))}-${c + 1}`;
    return { id: channelId(c + 1), name, created: START - DAY, members: [...members], days };
  });
  return { people: persons, channels: plans, dayFiles, largestDay };
}

const tsOf = (micros: number) => `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;

/** One channel's messages, day by day in order: threads, reactions and the rest follow the channel. */
function channelWriter(plan: ChannelPlan, index: number, all: ExportPlan) {
  const random = randomFrom(1000 + index);
  const openThreads: { ts: string; user: string }[] = [];
  const people = all.people;
  const personOf = (id: string) => people[Number.parseInt(id.slice(1), 36) - 1] as Person;
  // A few members say most of it.
  const author = () => plan.members[Math.floor(random() ** 2 * plan.members.length)] as string;
  let first = true;
  let counter = 0;

  function text(): string {
    const words = 5 + Math.floor(random() ** 1.6 * 36);
    const out: string[] = [];
    for (let w = 0; w < words; w++) {
      const roll = random();
      if (roll < 0.012) out.push(`<@${pick(random, plan.members)}>`);
      else if (roll < 0.014) out.push(`*${pick(random, WORDS)}*`);
      else if (roll < 0.0155) out.push(`\`${pick(random, WORDS)}_${Math.floor(random() * 100)}\``);
      else if (roll < 0.0165)
        out.push(
          `<https://docs.example.org/${pick(random, WORDS)}/${Math.floor(random() * 1000)}|the ${pick(random, WORDS)} doc>`,
        );
      else if (roll < 0.017) out.push("&amp;");
      else if (roll < 0.0173) out.push(`<#${channelId(1 + Math.floor(random() * all.channels.length))}>`);
      else out.push(pick(random, WORDS));
    }
    if (random() < 0.002) out.push("<!channel>");
    const sentence = out.join(" ");
    return `${sentence[0]?.toUpperCase() ?? ""}${sentence.slice(1)}${random() < 0.2 ? "?" : "."}`;
  }

  function message(ts: string, micros: number): Record<string, unknown> {
    const roll = random();
    if (roll < 0.005) {
      return {
        type: "message",
        subtype: "bot_message",
        text: `Build ${Math.floor(random() * 9000) + 1000} ${random() < 0.9 ? "passed" : "failed"} on ${pick(random, WORDS)}`,
        ts,
        username: "deploy-bot",
        bot_id: BOT_ID,
      };
    }
    const user = author();
    const person = personOf(user);
    const body = text();
    const m: Record<string, unknown> = {
      client_msg_id: importedId("bench", `${plan.id}:${ts}`, new Date(0)),
      type: "message",
      text: body,
      user,
      ts,
      blocks: [
        {
          type: "rich_text",
          block_id: ts.slice(-5),
          elements: [{ type: "rich_text_section", elements: [{ type: "text", text: body }] }],
        },
      ],
      team: TEAM,
      user_team: TEAM,
      source_team: TEAM,
      user_profile: {
        avatar_hash: "g0bench",
        image_72: `https://secure.gravatar.example/avatar/${user}.png`,
        first_name: person.first,
        real_name: person.name,
        display_name: person.first,
        team: TEAM,
        name: `${person.first}.${person.last}`,
        is_restricted: false,
        is_ultra_restricted: false,
      },
    };
    if (roll < 0.002) m.subtype = "me_message";
    if (random() < 0.1 && openThreads.length > 0) {
      const root = openThreads[Math.floor(random() * openThreads.length)] as { ts: string; user: string };
      m.thread_ts = root.ts;
      m.parent_user_id = root.user;
      if (random() < 0.05) m.subtype = "thread_broadcast";
    } else if (random() < 0.045) {
      m.thread_ts = ts;
      openThreads.push({ ts, user });
      if (openThreads.length > 8) openThreads.shift();
    }
    if (random() < 0.03) m.edited = { user, ts: tsOf(micros + Math.floor(30 + random() * 3000) * 1e6) };
    if (random() < 0.05) {
      const names = new Set<string>();
      const kinds = 1 + Math.floor(random() * 3);
      while (names.size < kinds) names.add(pick(random, REACTIONS));
      m.reactions = [...names].map((name) => {
        const users = new Set<string>();
        const count = 1 + Math.floor(random() * 5);
        while (users.size < count) users.add(pick(random, plan.members));
        return { name, users: [...users], count: users.size };
      });
    }
    if (random() < 0.003) {
      const file = `F${(counter++).toString(36).toUpperCase().padStart(6, "0")}${index.toString(36).toUpperCase()}`;
      const name = `${pick(random, WORDS)}-${Math.floor(random() * 1000)}.pdf`;
      m.subtype = "file_share";
      m.files = [
        {
          id: file,
          name,
          title: name,
          mimetype: "application/pdf",
          mode: "hosted",
          url_private: `https://files.slack.example/files-pri/${TEAM}-${file}/${name}`,
          permalink: `https://bench.slack.example/files/${user}/${file}/${name}`,
        },
      ];
    }
    return m;
  }

  /** The day file: pretty-printed as Slack writes it. */
  return (day: DayPlan): Buffer => {
    const offsets = Array.from({ length: day.count }, () => Math.floor(random() * 10 * 3600 * 1e6)).sort(
      (a, b) => a - b,
    );
    const base = (day.startSec + 8 * 3600) * 1e6;
    const list: Record<string, unknown>[] = [];
    if (first) {
      first = false;
      const joiner = plan.members[0] as string;
      list.push({
        type: "message",
        subtype: NOTICE,
        user: joiner,
        text: `<@${joiner}> has joined the channel`,
        ts: tsOf(base - 60e6),
      });
    }
    offsets.forEach((offset, i) => {
      const micros = base + offset + i;
      list.push(message(tsOf(micros), micros));
    });
    return Buffer.from(JSON.stringify(list, null, 4));
  };
}

async function generateExport(file: string, plan: ExportPlan): Promise<void> {
  const zip = new yazl.ZipFile();
  const mtime = new Date(Date.UTC(2026, 0, 1));
  const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 4));
  zip.addBuffer(
    json([
      ...plan.people.map((p) => ({
        id: p.id,
        team_id: TEAM,
        name: `${p.first}.${p.last}`,
        deleted: false,
        real_name: p.name,
        tz: "Europe/London",
        profile: {
          title: "",
          real_name: p.name,
          display_name: p.first,
          email: p.email,
          first_name: p.first,
          last_name: p.last,
          team: TEAM,
        },
        is_admin: false,
        is_bot: false,
      })),
      { id: BOT_ID, team_id: TEAM, name: "deploy-bot", real_name: "Deploy bot", is_bot: true, profile: {} },
    ]),
    "users.json",
    { mtime },
  );
  zip.addBuffer(
    json(
      plan.channels.map((c) => ({
        id: c.id,
        name: c.name,
        created: c.created,
        creator: c.members[0],
        is_archived: false,
        is_general: false,
        members: c.members,
        topic: { value: `Talk about ${c.name}`, creator: c.members[0], last_set: c.created },
        purpose: {
          value: `Where the ${c.name.split("-")[0]} work is discussed`,
          creator: c.members[0],
          last_set: c.created,
        },
      })),
    ),
    "channels.json",
    { mtime },
  );
  for (const [index, channel] of plan.channels.entries()) {
    const write = channelWriter(channel, index, plan);
    for (const day of channel.days) {
      // Generated when the writer reaches the entry: the zip holds one day file at a time.
      zip.addReadStreamLazy(`${channel.name}/${day.date}.json`, { mtime }, (callback) =>
        callback(null, Readable.from([write(day)], { objectMode: false })),
      );
    }
  }
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(file));
}

/** The export for these parameters, generated unless a run made it already. */
async function exportFor(
  messages: number,
): Promise<{ file: string; plan: ExportPlan; seconds: number | null; bytes: number }> {
  const plan = planExport(messages, CHANNELS, PEOPLE);
  const file = path.join(
    os.tmpdir(),
    `convene-bench-slack-v${GENERATOR_VERSION}-${messages}m-${CHANNELS}c-${PEOPLE}p.zip`,
  );
  let seconds: number | null = null;
  if (!fs.existsSync(file)) {
    console.error(`Generating ${path.basename(file)} (${thousands(plan.dayFiles)} day files)…`);
    const start = performance.now();
    const partial = `${file}.${process.pid}.partial`;
    await generateExport(partial, plan);
    await fsp.rename(partial, file);
    seconds = (performance.now() - start) / 1000;
  }
  return { file, plan, seconds, bytes: (await fsp.stat(file)).size };
}

// ---------------------------------------------------------------------------------------------
// Memory: this process's RSS every 250 ms, its peak kept per phase

const mb = (bytes: number) => bytes / 1024 / 1024;

type Memory = { rss: number; liveHeap: number | null };

/**
 * This process's RSS every 250 ms, and its heap just after each full collection: a peak RSS is
 * mostly garbage not yet collected (V8 collects the old generation late when it can), the heap
 * after a full collection is what the work holds.
 */
function memorySampler() {
  let rss = 0;
  let liveHeap: number | null = null;
  const sample = () => {
    rss = Math.max(rss, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, RSS_EVERY_MS);
  // A "gc" entry's detail says which collection it was (node's PerformanceEntry type leaves it out).
  const major = (entry: PerformanceEntry) =>
    (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
    constants.NODE_PERFORMANCE_GC_MAJOR;
  const collections = new PerformanceObserver((list) => {
    if (list.getEntries().some(major))
      liveHeap = Math.max(liveHeap ?? 0, v8.getHeapStatistics().used_heap_size);
  });
  collections.observe({ entryTypes: ["gc"] });
  return {
    /** The peaks since the last call (the phase that just ended); a new phase begins. */
    phase(): Memory {
      sample();
      const peaks = { rss, liveHeap };
      rss = process.memoryUsage().rss;
      liveHeap = null;
      return peaks;
    },
    stop: () => {
      clearInterval(timer);
      collections.disconnect();
    },
  };
}

/** Progress on stderr every 10 seconds. */
function progressLine(label: string) {
  let last = 0;
  return ({ done, total }: { done: number; total: number }) => {
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    console.error(`  ${label} ${thousands(done)}${total ? `/${thousands(total)}` : ""}`);
  };
}

async function checkpoint(database: Database): Promise<void> {
  // Each measurement starts without the previous one's dirty pages to write.
  await database.db.execute(sql`checkpoint`).catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// The import: a fresh database with the demo community, the survey and the import timed apart

type ImportResult = {
  messages: number;
  surveySeconds: number;
  importSeconds: number;
  rssBefore: number;
  heapBefore: number;
  survey: Memory;
  import: Memory;
  written: number;
  surveyTotal: number;
  reactions: number;
  mentions: number;
  reimport?: { seconds: number; written: number };
  checksum: string;
};

const importedCount = async (ctx: Ctx) =>
  Number(
    (
      await rowsOf<{ n: string }>(
        ctx.db,
        sql`select count(*) as n from messages where client_id like ${`${SOURCE_KEY}:%`}`,
      )
    )[0]?.n ?? 0,
  );

/** Order-free fingerprint of the message rows: ids, channels, bodies, threads, times and flags. */
const checksumOf = async (db: Ctx["db"]) =>
  (
    await rowsOf<{ sum: string; n: string }>(
      db,
      sql`select count(*) as n, coalesce(sum(hashtext(concat_ws('|', id, channel_id, client_id, body,
        thread_root_id, also_to_channel, created_at, edited_at, pinned_at, mentions_channel))::bigint), 0) as sum
        from messages where client_id like ${`${SOURCE_KEY}:%`}`,
    )
  ).map((row) => `${row.n}:${row.sum}`)[0] ?? "";

async function benchImport(file: string, messages: number): Promise<ImportResult> {
  const fresh = await freshPostgres();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  try {
    await fresh.database.migrate();
    const config = loadConfig({}, { dataDir, logLevel: "silent" });
    const base: Ctx = { db: fresh.database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(base);
    const ctx: ActorCtx = actingAs(base, actorOf(demo.people.staff));
    await checkpoint(fresh.database);

    (globalThis as { gc?: () => void }).gc?.();
    const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
    const memory = memorySampler();
    const runFailed = (run: { status: string; error: string | null }, phase: string) => {
      if (run.error || (phase === "survey" ? run.status !== "ready" : run.status !== "imported"))
        throw new Error(`the ${phase} ended ${run.status}: ${run.error ?? ""}`);
    };
    let start = performance.now();
    const run = await createRun(ctx, {
      source: "slack",
      filename: path.basename(file),
      filePath: file,
      unknownPeople: "placeholder",
    });
    const surveyed = await surveyRun(ctx, run.id, progressLine("survey"));
    runFailed(surveyed, "survey");
    const surveySeconds = (performance.now() - start) / 1000;
    const surveyMemory = memory.phase();

    start = performance.now();
    await claimRun(ctx, run.id);
    const imported = await importRun(ctx, run.id, progressLine("import"));
    runFailed(imported, "import");
    const importSeconds = (performance.now() - start) / 1000;
    const importMemory = memory.phase();
    memory.stop();

    const written = await importedCount(ctx);
    const counted = async (table: string) =>
      Number((await rowsOf<{ n: string }>(ctx.db, sql.raw(`select count(*) as n from ${table}`)))[0]?.n ?? 0);
    const result: ImportResult = {
      messages,
      surveySeconds,
      importSeconds,
      rssBefore,
      heapBefore,
      survey: surveyMemory,
      import: importMemory,
      written,
      surveyTotal: surveyed.total,
      reactions: await counted("message_reactions"),
      mentions: await counted("message_mentions"),
      checksum: await checksumOf(ctx.db),
    };
    if (REIMPORT) {
      console.error("  importing the same export again…");
      start = performance.now();
      const again = await createRun(ctx, {
        source: "slack",
        filename: path.basename(file),
        filePath: file,
        unknownPeople: "placeholder",
      });
      runFailed(await surveyRun(ctx, again.id), "survey");
      await claimRun(ctx, again.id);
      runFailed(await importRun(ctx, again.id), "import");
      result.reimport = {
        seconds: (performance.now() - start) / 1000,
        written: (await importedCount(ctx)) - written,
      };
    }
    return result;
  } finally {
    await fresh.database.close();
    await fresh.drop();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The ceiling: the same message rows, made from the zip as the importer makes them, COPYed

const MESSAGE_COLUMNS =
  "id, channel_id, author_id, client_id, body, thread_root_id, also_to_channel, created_at, edited_at, pinned_at, pinned_by, mentions_channel";
const NOTICES = new Set([
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
]);

const dateOfTs = (ts: string | number | undefined) => new Date(Math.round(Number(ts ?? 0) * 1000));
const csvText = (text: string) => `"${text.replaceAll('"', '""')}"`;

type SlackMessage = {
  subtype?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  edited?: { ts?: string };
  files?: { id: string; name?: string; title?: string; url_private?: string; permalink?: string }[];
};

/**
 * The export's message rows as COPY's CSV, in the importer's order (channel by channel, day by day,
 * by ts) with its ids and bodies; authors are stand-in ids (author_id has no foreign key). Written to
 * a file, so the COPY times the database alone. Returns the channels' rows and the row count.
 */
async function copyRowsFile(zipFile: string, out: string) {
  const zip = await openZip(zipFile, "Slack workspace export");
  const users =
    await zip.json<{ id: string; is_bot?: boolean; real_name?: string; profile?: { email?: string } }[]>(
      "users.json",
    );
  const channels = await zip.json<{ id: string; name: string; created: number }[]>("channels.json");
  const people = new Map(
    users.map((u) => [
      u.id,
      { email: u.is_bot ? null : (u.profile?.email?.toLowerCase() ?? null), name: u.real_name ?? u.id },
    ]),
  );
  const slugOf = new Map(channels.map((c) => [c.id, slugify(c.name)]));
  const days = new Map<string, string[]>();
  for (const entry of zip.entries) {
    const match = /^(.+)\/\d{4}-\d{2}-\d{2}\.json$/.exec(entry.name);
    if (match?.[1]) days.set(match[1], [...(days.get(match[1]) ?? []), entry.name]);
  }
  const stream = fs.createWriteStream(out);
  let chunk = "";
  let rows = 0;
  const flush = async () => {
    if (!stream.write(chunk)) await once(stream, "drain");
    chunk = "";
  };
  const channelRows: { id: string; slug: string; createdAt: Date }[] = [];
  for (const channel of channels) {
    const createdAt = dateOfTs(channel.created);
    const id = importedId(SOURCE_KEY, `channel:${channel.id}`, createdAt);
    channelRows.push({ id, slug: slugOf.get(channel.id) ?? channel.name, createdAt });
    const messageId = (ts: string) => importedId(SOURCE_KEY, `message:${channel.id}:${ts}`, dateOfTs(ts));
    const roots = new Set<string>();
    for (const file of (days.get(channel.name) ?? []).sort()) {
      const day = await zip.json<SlackMessage[]>(file);
      day.sort((a, b) => Number(a.ts) - Number(b.ts));
      for (const m of day) {
        if (NOTICES.has(m.subtype ?? "")) continue;
        const isReply = Boolean(m.thread_ts && m.thread_ts !== m.ts && roots.has(m.thread_ts));
        if (!isReply) roots.add(m.ts);
        const converted = mrkdwnToMarkdown(
          m.text ?? "",
          (slackId) => people.get(slackId),
          (slackId) => slugOf.get(slackId),
        );
        const bot = m.subtype === "bot_message" || (!m.user && m.bot_id);
        let body = converted.markdown;
        if (m.subtype === "me_message") body = `_${body}_`;
        if (bot) body = `**${m.username || "A bot"}**: ${body}`;
        const links = (m.files ?? []).map((f) => {
          const name = f.name || f.title || f.id;
          const url = f.permalink || f.url_private;
          return url ? `📎 [${name}](${url})` : `📎 ${name}`;
        });
        if (links.length > 0) body = [body, ...links].filter(Boolean).join("\n");
        if (!body.trim()) body = "_(an empty message)_";
        const author = importedId(SOURCE_KEY, `person:${bot ? "bot" : m.user}`, new Date(0));
        chunk += `${[
          messageId(m.ts),
          id,
          author,
          csvText(`${SOURCE_KEY}:${channel.id}:${m.ts}`),
          csvText(body),
          isReply ? messageId(m.thread_ts ?? "") : "",
          isReply && m.subtype === "thread_broadcast" ? "t" : "f",
          dateOfTs(m.ts).toISOString(),
          m.edited?.ts ? dateOfTs(m.edited.ts).toISOString() : "",
          "",
          "",
          converted.mentionsChannel ? "t" : "f",
        ].join(",")}\n`;
        rows++;
        if (chunk.length > 1 << 20) await flush();
      }
    }
  }
  await flush();
  stream.end();
  await once(stream, "finish");
  zip.close();
  return { channelRows, rows };
}

async function benchCopy(zipFile: string) {
  const csv = path.join(os.tmpdir(), `convene-bench-slack-copy-${process.pid}.csv`);
  const fresh = await freshPostgres();
  try {
    let start = performance.now();
    const { channelRows, rows } = await copyRowsFile(zipFile, csv);
    const prepareSeconds = (performance.now() - start) / 1000;
    await fresh.database.migrate();
    for (const c of channelRows)
      await fresh.database.db.execute(sql`insert into channels (id, slug, name, kind, created_at)
        values (${c.id}, ${c.slug}, ${c.slug}, 'public', ${c.createdAt.toISOString()})`);
    await checkpoint(fresh.database);
    const driver = driverOf(fresh.database);
    if (!(driver instanceof pg.Pool)) throw new Error("the COPY ceiling needs PostgreSQL");
    const client = await driver.connect();
    start = performance.now();
    try {
      await pipeline(
        fs.createReadStream(csv, { highWaterMark: 1 << 20 }),
        client.query(copyFrom(`copy messages (${MESSAGE_COLUMNS}) from stdin with (format csv)`)),
      );
    } finally {
      client.release();
    }
    const copySeconds = (performance.now() - start) / 1000;
    return { rows, prepareSeconds, copySeconds, checksum: await checksumOf(fresh.database.db) };
  } finally {
    await fresh.database.close();
    await fresh.drop();
    await fsp.rm(csv, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Run and print

type Row = { name: string; seconds?: number; rate?: string; rss?: string; heap?: string; ofCopy?: string };
const rows: Row[] = [];
const notes: string[] = [];
const grown = (peak: number, before: number) => {
  const growth = mb(peak - before);
  return `${mb(peak).toFixed(0)} (${growth < 0 ? "-" : "+"}${Math.abs(growth).toFixed(0)})`;
};

const version = await (async () => {
  const client = new pg.Client({
    connectionString: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  });
  await client.connect();
  const answer = await client.query<{ server_version: string }>("show server_version");
  await client.end();
  return answer.rows[0]?.server_version ?? "";
})();

const sizes = TENTH ? [Math.max(1, Math.round(MESSAGES / 10)), MESSAGES] : [MESSAGES];
const exports = [];
for (const messages of sizes) {
  const generated = await exportFor(messages);
  exports.push(generated);
  rows.push({
    name: `generate: ${thousands(messages)} messages, ${thousands(generated.plan.dayFiles)} day files (≤ ${generated.plan.largestDay}), ${mb(generated.bytes).toFixed(0)} MB`,
    ...(generated.seconds === null
      ? { rate: "cached" }
      : { seconds: generated.seconds, rate: `${thousands(messages / generated.seconds)} msgs/s` }),
  });
}

if (process.argv.includes("--generate-only")) {
  for (const generated of exports) console.log(generated.file);
  process.exit(0);
}

const imports: ImportResult[] = [];
for (const [index, generated] of exports.entries()) {
  const messages = sizes[index] as number;
  console.error(`Importing ${thousands(messages)} messages…`);
  imports.push(await benchImport(generated.file, messages));
}
const main = imports.at(-1) as ImportResult;
console.error("COPY of the same rows…");
const copy = await benchCopy((exports.at(-1) as { file: string }).file);
const copyRate = copy.rows / copy.copySeconds;

for (const r of imports) {
  const label = imports.length > 1 ? ` (${thousands(r.messages)})` : "";
  rows.push(
    {
      name: `survey (dry run)${label}`,
      seconds: r.surveySeconds,
      rate: `${thousands(r.surveyTotal / r.surveySeconds)} msgs/s`,
      rss: grown(r.survey.rss, r.rssBefore),
      heap: r.survey.liveHeap === null ? "–" : grown(r.survey.liveHeap, r.heapBefore),
    },
    {
      name: `import${label}`,
      seconds: r.importSeconds,
      rate: `${thousands(r.written / r.importSeconds)} msgs/s`,
      rss: grown(r.import.rss, r.rssBefore),
      heap: r.import.liveHeap === null ? "–" : grown(r.import.liveHeap, r.heapBefore),
      // The tenth's rate is not set against the full COPY: its fixed costs (200 channels) weigh more.
      ...(r === main ? { ofCopy: `${((100 * r.written) / r.importSeconds / copyRate).toFixed(0)}%` } : {}),
    },
  );
  if (r.reimport)
    rows.push({
      name: `import again${label}: ${thousands(r.reimport.written)} new messages`,
      seconds: r.reimport.seconds,
      rate: `${thousands(r.surveyTotal / r.reimport.seconds)} msgs/s`,
    });
}
rows.push({
  name: `ceiling: COPY of the same ${thousands(copy.rows)} message rows`,
  seconds: copy.copySeconds,
  rate: `${thousands(copyRate)} rows/s`,
  ofCopy: "100%",
});

console.log(
  `\nSlack import benchmark (PostgreSQL ${version}, ${os.cpus().length} cores; the import in this process)\n`,
);
console.log(
  `${"measurement".padEnd(58)} ${"seconds".padStart(8)} ${"rate".padStart(16)} ${"peak RSS MB".padStart(13)} ${"live heap MB".padStart(13)} ${"of COPY".padStart(8)}`,
);
for (const r of rows)
  console.log(
    `${r.name.padEnd(58)} ${(r.seconds === undefined ? "" : r.seconds.toFixed(1)).padStart(8)} ${(r.rate ?? "").padStart(16)} ${(r.rss ?? "").padStart(13)} ${(r.heap ?? "").padStart(13)} ${(r.ofCopy ?? "").padStart(8)}`,
  );

const checks = [
  ...imports.map((r) => ({
    what: `imported messages = the export's (${thousands(r.messages)})`,
    ok: r.written === r.messages && r.surveyTotal === r.messages,
    detail: `${thousands(r.written)} written, ${thousands(r.surveyTotal)} surveyed`,
  })),
  ...imports
    .filter((r) => r.reimport)
    .map((r) => ({
      what: `a second import of the same export writes nothing (${thousands(r.messages)})`,
      ok: r.reimport?.written === 0,
      detail: `${thousands(r.reimport?.written ?? 0)} new`,
    })),
  {
    what: "the COPY rows are the imported rows (ids, channels, bodies, threads, times)",
    ok: copy.checksum === main.checksum,
    detail: copy.checksum === main.checksum ? "same fingerprint" : `${copy.checksum} vs ${main.checksum}`,
  },
];
console.log("");
for (const check of checks) console.log(`${check.ok ? "ok  " : "FAIL"} ${check.what}: ${check.detail}`);
console.log(
  [
    "",
    "rate = messages written (or surveyed) / seconds; of COPY = the import's rate as a share of COPY's.",
    `peak RSS = this process's, sampled every ${RSS_EVERY_MS} ms (growth over the ${mb(main.rssBefore).toFixed(0)} MB before the survey);`,
    `live heap = the largest heap left after a full collection (growth over the ${mb(main.heapBefore).toFixed(0)} MB before): what the work holds, without garbage not yet collected.`,
  ].join("\n"),
);
notes.push(
  `The import also wrote ${thousands(main.reactions)} reactions and ${thousands(main.mentions)} mentions (COPY writes message rows only); the COPY rows took ${copy.prepareSeconds.toFixed(1)} s to make from the zip, outside its timing.`,
);
for (const note of notes) console.log(note);
if (checks.some((check) => !check.ok)) process.exitCode = 1;
