/**
 * @channel at scale: a community of 10,000 members, one of them posts `@channel` in a private channel
 * of 5,000. Posting it writes the message (the @channel a flag on it, not a mention row per member),
 * one notification per member and the events (the message, the mention badges, "your inbox
 * changed") in one transaction. The floor is a plain `INSERT … SELECT` of the same notification rows
 * from the channel's members, in one transaction, on the same database in the same run, so the ratio
 * holds on a busy machine.
 *
 *   npm run bench:notifications                     PGlite; PostgreSQL too when a server is named
 *   npm run bench:notifications -- --postgres       PostgreSQL only (--pglite: PGlite only)
 *   BENCH_MEMBERS=10000 BENCH_CHANNEL=5000 BENCH_ROUNDS=5
 *   BENCH_DATABASE_URL (or TEST_DATABASE_URL, DATABASE_URL): the server a fresh database is made on
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, count, eq, gt, sql } from "drizzle-orm";
import { loadConfig } from "../src/server/config.js";
import { users } from "../src/server/db/schema.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { actorOf } from "../src/server/modules/accounts/users.js";
import { postMessage } from "../src/server/modules/chat/messages.js";
import { channelMembers, channels, messageMentions } from "../src/server/modules/chat/schema.js";
import { actingAs, type Ctx } from "../src/server/platform/context.js";
import { events } from "../src/server/platform/events/schema.js";
import { notifications } from "../src/server/platform/notifications/schema.js";

const postgresServer =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (postgresServer) process.env.BENCH_DATABASE_URL = postgresServer;
// Read after BENCH_DATABASE_URL is settled: support.ts takes the server from it when loaded.
const { freshPglite, freshPostgres, only, thousands } = await import("./support.js");
type Fresh = Awaited<ReturnType<typeof freshPglite>>;

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const IN_CHANNEL = Math.min(Number(process.env.BENCH_CHANNEL ?? 5_000), MEMBERS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Row = { database: string; name: string; ms: number; rows: number; ratio: number };

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;

async function benchDatabase(fresh: Fresh): Promise<Row[]> {
  const { database, label } = fresh;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  try {
    await database.migrate();
    const config = loadConfig({}, { dataDir, logLevel: "silent" });
    const base: Ctx = { db: database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(base);
    const author = actorOf(demo.people.northwindAdmin);

    const memberIds: string[] = [];
    for (let start = 0; start < MEMBERS; start += 1000) {
      const rows = await database.db
        .insert(users)
        .values(
          Array.from({ length: Math.min(1000, MEMBERS - start) }, (_, k) => ({
            email: `bench-${start + k}@northwind.example`,
            name: `Bench Person ${start + k}`,
            // Nobody signs in: the post is made in server code as the author.
            passwordHash: "unused",
            organisationId: demo.organisations.northwind.id,
          })),
        )
        .returning({ id: users.id });
      memberIds.push(...rows.map((row) => row.id));
    }
    const [channel] = await database.db
      .insert(channels)
      .values({ slug: "bench-everyone", name: "bench-everyone", kind: "private", createdBy: author.id })
      .returning();
    if (!channel) throw new Error("channel row was not written");
    await database.db.execute(sql`
      insert into ${channelMembers} (channel_id, user_id)
      select ${channel.id}, id from unnest(${`{${[author.id, ...memberIds.slice(0, IN_CHANNEL - 1)].join(",")}}`}::uuid[]) as m(id)`);

    const rowsNow = async () => {
      const [n] = await database.db.select({ n: count() }).from(notifications);
      return n?.n ?? 0;
    };
    const ctx = actingAs(base, author);
    const post = async () => {
      const [lastEvent] = await database.db
        .select({ id: sql<number>`coalesce(max(${events.id}), 0)` })
        .from(events);
      const before = await rowsNow();
      const start = performance.now();
      const { message } = await postMessage(ctx, channel.id, {
        clientId: randomUUID(),
        body: "@channel the 2.4.1 release is out: please update before Monday's dosing.",
      });
      const ms = performance.now() - start;
      const written = (await rowsNow()) - before;
      const [mentions] = await database.db
        .select({ n: count() })
        .from(messageMentions)
        .where(eq(messageMentions.messageId, message.id));
      const [eventRows] = await database.db
        .select({ n: count() })
        .from(events)
        .where(and(gt(events.id, Number(lastEvent?.id ?? 0))));
      return { ms, notifications: written, mentions: mentions?.n ?? 0, events: eventRows?.n ?? 0 };
    };
    const floor = async () => {
      const before = await rowsNow();
      const fakeMessage = randomUUID();
      const start = performance.now();
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into ${notifications}
            (id, user_id, kind, item_type, item_id, item_title, url, excerpt, actor_id, actor_name, email_due_at)
          select gen_random_uuid(), user_id, 'chat.channel', 'chat_message', ${fakeMessage}, '#bench-everyone',
            ${`/chat/${channel.id}?message=${fakeMessage}`},
            'the 2.4.1 release is out: please update before Monday''s dosing.', ${author.id}, ${author.name}, null
          from ${channelMembers} where channel_id = ${channel.id} and user_id <> ${author.id}`);
      });
      return { ms: performance.now() - start, rows: (await rowsNow()) - before };
    };

    // One of each first: plans, caches and the JIT settle before anything is timed.
    await post();
    await floor();
    const posts: Awaited<ReturnType<typeof post>>[] = [];
    const floors: Awaited<ReturnType<typeof floor>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      posts.push(await post());
      floors.push(await floor());
    }
    const postMs = median(posts.map((p) => p.ms));
    const floorMs = median(floors.map((f) => f.ms));
    const last = posts.at(-1);
    const floorRows = floors.at(-1)?.rows ?? 0;
    if (!last || last.notifications !== floorRows)
      throw new Error(`the post wrote ${last?.notifications} notifications, the floor ${floorRows}`);
    return [
      {
        database: label,
        name: `post @channel (${thousands(last.mentions)} mention rows, ${last.events} events)`,
        ms: postMs,
        rows: last.notifications,
        ratio: postMs / floorMs,
      },
      {
        database: label,
        name: "floor: INSERT … SELECT of the same rows",
        ms: floorMs,
        rows: floorRows,
        ratio: 1,
      },
    ];
  } finally {
    await database.close();
    await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const all: Row[] = [];
const runs = [
  only !== "postgres" && freshPglite,
  only !== "pglite" && (only === "postgres" || postgresServer) && freshPostgres,
];
for (const fresh of runs) if (fresh) all.push(...(await benchDatabase(await fresh())));

console.log(
  `\n@channel benchmark: ${thousands(MEMBERS)} members, ${thousands(IN_CHANNEL)} in the channel, median of ${ROUNDS} (${os.cpus().length} cores)\n`,
);
console.log(
  `${"database".padEnd(11)} ${"measurement".padEnd(52)} ${"ms".padStart(8)} ${"rows".padStart(7)}  x floor`,
);
for (const r of all)
  console.log(
    `${r.database.padEnd(11)} ${r.name.padEnd(52)} ${r.ms.toFixed(1).padStart(8)} ${thousands(r.rows).padStart(7)}  ${r.ratio.toFixed(2).padStart(6)}`,
  );
console.log(
  "\nrows = notification rows written; the post also writes the message (its @channel is a flag on it:" +
    " the badges need no mention row per member) and its events, the inbox-changed one naming every" +
    " recipient. floor = those notification rows alone, INSERT … SELECT from the channel's members in" +
    " one transaction.",
);
