/**
 * A wipe at scale: a sandbox holding 100,000 volunteers, 500 studies and their
 * enrolments is wiped back to its baseline (the same options, so the same rows come back), next to the
 * floor: a plain TRUNCATE of the same tables and a COPY of exactly the rows the wipe wrote, in one
 * transaction. Both on the same fresh database in the same run, so the ratio holds on a busy machine.
 *
 *   npm run bench:wipe                 PGlite, then PostgreSQL
 *   npm run bench:wipe -- --pglite     PGlite only (--postgres: PostgreSQL only)
 *   BENCH_VOLUNTEERS=100000 BENCH_STUDIES=500, BENCH_DATABASE_URL (see bench/support.ts)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { loadConfig } from "../src/server/config.js";
import type { Database } from "../src/server/db/client.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { actorOf } from "../src/server/modules/accounts/users.js";
import { asSeeder } from "../src/server/modules/sandbox/access/index.js";
import { seedSandboxBaseline } from "../src/server/modules/sandbox/data/index.js";
import {
  rememberBaseline,
  WIPE_CONFIRMATION,
  WipeRunner,
  wipeNow,
} from "../src/server/modules/sandbox/operations/index.js";
import { actingAs, type Ctx } from "../src/server/platform/context.js";
import { driverOf, type Fresh, freshPglite, freshPostgres, only, thousands } from "./support.js";

const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 100_000);
const STUDIES = Number(process.env.BENCH_STUDIES ?? 500);
const SEED = 20260101;

/** The tables a wipe empties and refills, parents before children (the order COPY must load them). */
const TABLES = [
  "studies",
  "study_epochs",
  "study_cohorts",
  "study_events",
  "volunteers",
  "enrolments",
  "volunteer_imports",
  "pharmacy_products",
  "pharmacy_lots",
  "pharmacy_containers",
  "pharmacy_dispensations",
  "sandbox_audit",
];

type Row = { database: string; name: string; seconds: number; rows: number; ratio: number };

/** Every row of the tables as COPY's CSV: what the floor loads back. */
async function snapshot(database: Database): Promise<Map<string, string>> {
  const driver = driverOf(database);
  const csv = new Map<string, string>();
  for (const table of TABLES) {
    const statement = `copy ${table} to stdout with (format csv)`;
    if (driver instanceof pg.Pool) {
      const client = await driver.connect();
      try {
        const chunks: Buffer[] = [];
        const stream = client.query(copyTo(statement));
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        csv.set(table, Buffer.concat(chunks).toString("utf8"));
      } finally {
        client.release();
      }
    } else {
      const result = await driver.query(statement.replace("to stdout", "to '/dev/blob'"));
      csv.set(table, result.blob ? await result.blob.text() : "");
    }
  }
  return csv;
}

/** Seconds to TRUNCATE the tables and COPY the snapshot back, in one transaction. */
async function truncateAndCopy(database: Database, csv: Map<string, string>): Promise<number> {
  const driver = driverOf(database);
  const truncate = `truncate table ${TABLES.join(", ")}`;
  const start = performance.now();
  if (driver instanceof pg.Pool) {
    const client = await driver.connect();
    try {
      await client.query("begin");
      await client.query(truncate);
      for (const table of TABLES) {
        const data = csv.get(table) ?? "";
        if (!data) continue;
        await pipeline(
          async function* () {
            yield data;
          },
          client.query(copyFrom(`copy ${table} from stdin with (format csv)`)),
        );
      }
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw error;
    } finally {
      client.release();
    }
  } else {
    await (driver as PGlite).transaction(async (tx) => {
      await tx.query(truncate);
      for (const table of TABLES) {
        const data = csv.get(table) ?? "";
        if (data)
          await tx.query(`copy ${table} from '/dev/blob' with (format csv)`, [], { blob: new Blob([data]) });
      }
    });
  }
  return (performance.now() - start) / 1000;
}

async function benchDatabase(fresh: Fresh): Promise<{ rows: Row[]; notes: string[] }> {
  const { database, label } = fresh;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  try {
    await database.migrate();
    const config = loadConfig({}, { dataDir, logLevel: "silent" });
    const base: Ctx = { db: database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(base);
    const person = actorOf(demo.people.staff);
    const staff = asSeeder(person);
    const baseline = { volunteers: VOLUNTEERS, studies: STUDIES, seed: SEED };
    const seeded = await seedSandboxBaseline(actingAs(base, staff), baseline);
    const remembering = performance.now();
    await rememberBaseline(actingAs(base, staff), baseline);
    const rememberSeconds = (performance.now() - remembering) / 1000;

    await wipeNow(actingAs(base, person), {
      confirmation: WIPE_CONFIRMATION,
      message: "Benchmark.",
    });
    const outcome = await new WipeRunner(database.db, config).runDueWipes();
    if (outcome?.status !== "completed" || !("removed" in outcome))
      throw new Error(`the wipe did not reset the built-in environment: ${JSON.stringify(outcome)}`);
    const removed = Object.values(outcome.removed).reduce((sum, n) => sum + n, 0);

    const csv = await snapshot(database);
    const copied = [...csv.values()].reduce((sum, text) => sum + (text ? text.split("\n").length - 1 : 0), 0);
    const floorSeconds = await truncateAndCopy(database, csv);
    return {
      rows: [
        {
          database: label,
          name: `wipe to baseline (${thousands(removed)} rows out, ${thousands(copied)} in)`,
          seconds: outcome.seconds,
          rows: copied,
          ratio: outcome.seconds / floorSeconds,
        },
        {
          database: label,
          name: "floor: TRUNCATE + COPY of the same rows",
          seconds: floorSeconds,
          rows: copied,
          ratio: 1,
        },
      ],
      notes: [
        `${label}: before the wipe ${thousands(seeded.volunteers.inserted + 200)} volunteers, ${seeded.studies.inserted + 2} studies, ${thousands(seeded.enrolments)} enrolments; the wipe wrote back ${thousands(outcome.restored.volunteers)} volunteers, ${outcome.restored.studies} studies, ${thousands(outcome.restored.enrolments)} enrolments with their design and audit rows (seeding them took ${(seeded.timings.totalMs / 1000).toFixed(1)} s the first time; remembering them, which keeps the payload a wipe loads, ${rememberSeconds.toFixed(1)} s).`,
      ],
    };
  } finally {
    await database.close();
    await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const all: Row[] = [];
const notes: string[] = [];
for (const fresh of [only !== "postgres" && freshPglite, only !== "pglite" && freshPostgres]) {
  if (!fresh) continue;
  const result = await benchDatabase(await fresh());
  all.push(...result.rows);
  notes.push(...result.notes);
}

console.log(`\nSandbox wipe benchmark (${os.cpus().length} cores)\n`);
console.log(
  `${"database".padEnd(11)} ${"measurement".padEnd(52)} ${"seconds".padStart(8)} ${"rows".padStart(9)}  x floor`,
);
for (const r of all)
  console.log(
    `${r.database.padEnd(11)} ${r.name.padEnd(52)} ${r.seconds.toFixed(2).padStart(8)} ${thousands(r.rows).padStart(9)}  ${r.ratio.toFixed(1).padStart(6)}`,
  );
console.log(
  "\nfloor = TRUNCATE of the wiped tables and COPY of exactly the rows the wipe wrote, in one transaction.",
);
for (const note of notes) console.log(note);
