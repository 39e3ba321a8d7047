/**
 * Group mail at scale: inbound mail accepted per second over real SMTP into one
 * group, and the fan-out of one message to a group of 5,000 members — the publishing transaction that
 * queues 5,000 mails, then the Mailer handing them to a local smtp-server sink — next to the bare rate
 * of that sink in the same run (nodemailer straight to it, no database).
 *
 *   npm run bench:mail                 PGlite, then PostgreSQL
 *   npm run bench:mail -- --pglite     PGlite only (--postgres: PostgreSQL only)
 *   BENCH_INBOUND=300 BENCH_MEMBERS=5000, BENCH_DATABASE_URL (see bench/support.ts)
 */
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { type Config, loadConfig } from "../src/server/config.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { actorOf } from "../src/server/modules/accounts/users.js";
import { createGroup } from "../src/server/modules/groups/groups.js";
import { GroupMailListener } from "../src/server/modules/groups/inbound.js";
import { joinGroup } from "../src/server/modules/groups/members.js";
import { startTopic } from "../src/server/modules/groups/topics.js";
import { actingAs, type Ctx } from "../src/server/platform/context.js";
import { Mailer } from "../src/server/platform/mail/service.js";
import { type Fresh, freshPglite, freshPostgres, only, thousands } from "./support.js";

const INBOUND = Number(process.env.BENCH_INBOUND ?? 300);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 5_000);
/** Concurrent SMTP connections of the sending clients (inbound, and the bare sink's pool). */
const CONNECTIONS = 5;

type Row = { database: string; name: string; count: number; seconds: number };

/** An SMTP server that reads every message and throws it away, counting what it was handed. */
async function startSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    // Like any sink on a private network: no reverse DNS lookup of each connecting client.
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** The bare sink: nodemailer hands it `count` messages, either over a pool in parallel or one by one. */
async function bareSink(port: number, count: number, parallel: boolean): Promise<number> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: parallel ? CONNECTIONS : 1,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const mail = (i: number) => ({
    from: "bench@convene.localhost",
    to: `member-${i}@bench.example`,
    subject: "[Bench] Fan-out",
    text: "A message of about the size of a group post.\n".repeat(8),
  });
  const start = process.hrtime.bigint();
  if (parallel) await Promise.all(Array.from({ length: count }, (_, i) => transport.sendMail(mail(i))));
  else for (let i = 0; i < count; i++) await transport.sendMail(mail(i));
  const elapsed = seconds(start);
  transport.close();
  return elapsed;
}

/** MEMBERS people of the demo's Fabrikam organisation in the group, written set-based. */
async function seedMembers(ctx: Ctx, groupId: string, organisationId: string): Promise<void> {
  await ctx.db.execute(sql`
    insert into users (id, email, name, password_hash, organisation_id)
    select gen_random_uuid(), 'bench-' || n || '@fabrikam.example', 'Bench Member ' || n, 'not-a-password-hash', ${organisationId}
    from generate_series(1, ${MEMBERS}) as n`);
  await ctx.db.execute(sql`
    insert into group_members (group_id, user_id, role, status, delivery, joined_at)
    select ${groupId}, id, 'member', 'active', 'all', now() from users where email like 'bench-%@fabrikam.example'`);
}

async function benchDatabase(fresh: Fresh, sinkPort: number, sink: () => number): Promise<Row[]> {
  const { database, label } = fresh;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-mail-"));
  try {
    await database.migrate();
    const base = loadConfig({}, { dataDir, logLevel: "silent" });
    const config: Config = { ...base, groupMailBurst: 1_000_000, groupMailPerMinute: 1_000_000 };
    const ctx: Ctx = { db: database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(ctx);
    const owner = actorOf(demo.people.northwindMember);
    const rows: Row[] = [];

    // Inbound: a group of the demo people, every one taking every message (so each post also queues mail).
    await createGroup(actingAs(ctx, owner), { handle: "bench-in", name: "Bench in" });
    for (const key of ["contosoMember", "northwindPharmacist", "fabrikamDev", "northwindAdmin"] as const) {
      await joinGroup(actingAs(ctx, actorOf(demo.people[key])), "bench-in");
    }
    const listener = new GroupMailListener({ db: database.db, config });
    const inboundPort = await listener.listen(0, "127.0.0.1");
    const client = nodemailer.createTransport({
      host: "127.0.0.1",
      port: inboundPort,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: CONNECTIONS,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    let start = process.hrtime.bigint();
    const replies = await Promise.all(
      Array.from({ length: INBOUND }, (_, i) =>
        client.sendMail({
          from: owner.email,
          to: `bench-in@${config.mailDomain}`,
          subject: `Inbound ${i}`,
          text: `Inbound message ${i} about #logistics.\n`.repeat(4),
        }),
      ),
    );
    rows.push({
      database: label,
      name: `inbound SMTP -> topic (group of 5, ${CONNECTIONS} connections)`,
      count: replies.length,
      seconds: seconds(start),
    });
    client.close();
    await listener.close();
    await database.db.execute(sql`delete from mail_outbox`);

    // Fan-out: one message to MEMBERS members.
    const big = await createGroup(actingAs(ctx, owner), { handle: "bench-out", name: "Bench out" });
    await seedMembers(ctx, big.id, demo.organisations.fabrikam.id);
    for (const [variant, smtpUrl] of [
      ["SMTP_URL ?pool=true", `smtp://127.0.0.1:${sinkPort}?pool=true`],
      ["SMTP_URL, a connection a mail", `smtp://127.0.0.1:${sinkPort}`],
    ] as const) {
      const mailer = new Mailer(database.db, { ...config, smtpUrl });
      const before = sink();
      start = process.hrtime.bigint();
      await startTopic(actingAs(ctx, owner), big.id, {
        subject: `Fan-out ${variant}`,
        body: "Hello all. #bench",
        source: "web",
      });
      const queued = seconds(start);
      const [{ n } = { n: 0 }] = (
        (await database.db.execute(
          sql`select count(*)::int as n from mail_outbox where status = 'pending'`,
        )) as unknown as {
          rows: { n: number }[];
        }
      ).rows;
      const handOff = process.hrtime.bigint();
      await mailer.flush();
      const delivered = sink() - before;
      rows.push(
        { database: label, name: "fan-out: publish, queue one mail per member", count: n, seconds: queued },
        {
          database: label,
          name: `fan-out: Mailer -> sink, ${variant}`,
          count: delivered,
          seconds: seconds(handOff),
        },
        {
          database: label,
          name: `fan-out: post -> last at sink, ${variant}`,
          count: delivered,
          seconds: seconds(start),
        },
      );
      await mailer.stop();
    }
    return rows;
  } finally {
    await database.close();
    await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const sink = await startSink();
const all: Row[] = [];
for (const parallel of [true, false]) {
  all.push({
    database: "-",
    name: `bare sink: nodemailer ${parallel ? `pool of ${CONNECTIONS}, in parallel` : "one connection, one by one"}`,
    count: MEMBERS,
    seconds: await bareSink(sink.port, MEMBERS, parallel),
  });
}
for (const fresh of [only !== "postgres" && freshPglite, only !== "pglite" && freshPostgres]) {
  if (!fresh) continue;
  all.push(...(await benchDatabase(await fresh(), sink.port, sink.received)));
}
await sink.close();

console.log(`\nGroup mail benchmark (${os.cpus().length} cores)\n`);
console.log(
  `${"database".padEnd(11)} ${"measurement".padEnd(62)} ${"count".padStart(7)} ${"seconds".padStart(8)} ${"per s".padStart(8)}`,
);
for (const r of all)
  console.log(
    `${r.database.padEnd(11)} ${r.name.padEnd(62)} ${thousands(r.count).padStart(7)} ${r.seconds.toFixed(2).padStart(8)} ${thousands(r.count / r.seconds).padStart(8)}`,
  );
console.log(
  "\nThe sink reads and discards every message; 'bare sink' rows are nodemailer sending to it with no database.",
);
