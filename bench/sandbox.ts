/**
 * The sandbox baseline at scale: seeding 100,000 volunteers and 500 studies
 * against a plain COPY of the same volunteer rows (the ceiling), a three-filter volunteer search over
 * them against the same query as raw SQL (the floor), and a 50,000-row CSV import. Each database is
 * fresh (the demo community, then the measurements) and is measured in the same run, so the ratios
 * hold on a busy machine even when the absolute numbers do not.
 *
 *   npm run bench:sandbox                 PGlite, then PostgreSQL
 *   npm run bench:sandbox -- --pglite     PGlite only (--postgres: PostgreSQL only)
 *   BENCH_VOLUNTEERS=100000 BENCH_STUDIES=500 BENCH_SEARCHES=200 BENCH_IMPORT_ROWS=50000
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh
 *     convene_bench_<random> database is created on and dropped from)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { uuidv7 } from "uuidv7";
import { loadConfig } from "../src/server/config.js";
import type { Database } from "../src/server/db/client.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { actorOf } from "../src/server/modules/accounts/users.js";
import { asSeeder } from "../src/server/modules/sandbox/access/index.js";
import { recruitmentStatuses } from "../src/server/modules/sandbox/clinical/contracts/volunteers.js";
import { listVolunteers } from "../src/server/modules/sandbox/clinical/index.js";
import {
  createSfc32Randomizer,
  generateVolunteers,
  prepareVolunteerImport,
  type SyntheticVolunteer,
  seedSandboxBaseline,
} from "../src/server/modules/sandbox/data/index.js";
import { type Actor, actingAs, type Ctx } from "../src/server/platform/context.js";
import { driverOf, type Fresh, freshPglite, freshPostgres, only, thousands } from "./support.js";

const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 100_000);
const STUDIES = Number(process.env.BENCH_STUDIES ?? 500);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const SEED = 20260101;

type Row = {
  database: string;
  name: string;
  seconds?: number;
  rate?: string;
  p50?: number;
  p95?: number;
  ratio?: number;
};

// ---------------------------------------------------------------------------------------------
// Measurements

const volunteerColumns =
  "id, display_id, first_name, last_name, sex, date_of_birth, email, phone, region, height_cm, weight_kg, bmi, smoker, recruitment_status, medical_history, organisation_id, created_by";

function csvCell(value: string | number | boolean | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The volunteer rows as COPY's CSV, the same values the seeder writes. */
function volunteersCsv(rows: SyntheticVolunteer[], actor: Actor): string {
  return rows
    .map((v) =>
      [
        uuidv7(),
        v.displayId,
        v.firstName,
        v.lastName,
        v.sex,
        v.dateOfBirth,
        v.email,
        v.phone,
        v.region,
        v.heightCm,
        v.weightKg,
        v.bmi,
        v.smoker,
        v.recruitmentStatus,
        v.medicalHistory,
        actor.organisationId,
        actor.id,
      ]
        .map(csvCell)
        .join(","),
    )
    .join("\n");
}

/** Seconds to COPY the rows into an empty copy of the volunteers table (indexes and defaults included). */
async function copyCeiling(database: Database, csv: string): Promise<number> {
  await database.db.execute(sql`create table volunteers_copy (like volunteers including all)`);
  const statement = `copy volunteers_copy (${volunteerColumns}) from stdin with (format csv)`;
  const start = performance.now();
  const driver = driverOf(database);
  if (driver instanceof pg.Pool) {
    const client = await driver.connect();
    try {
      await pipeline(
        async function* () {
          yield csv;
        },
        client.query(copyFrom(statement)),
      );
    } finally {
      client.release();
    }
  } else {
    await driver.query(statement.replace("from stdin", "from '/dev/blob'"), [], { blob: new Blob([csv]) });
  }
  const seconds = (performance.now() - start) / 1000;
  await database.db.execute(sql`drop table volunteers_copy`);
  return seconds;
}

function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
    p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0,
  };
}

type Search = {
  status: (typeof recruitmentStatuses)[number];
  ageMin: number;
  ageMax: number;
  bmiMin: number;
  bmiMax: number;
};

/** Varied filters, the same in every run: a status, an age band of 8-25 years, a BMI band of 2-8. */
function searches(count: number): Search[] {
  const random = createSfc32Randomizer(SEED);
  const int = (min: number, max: number) => min + Math.floor(random.next() * (max - min + 1));
  return Array.from({ length: count }, () => {
    const ageMin = int(18, 60);
    const bmiMin = int(17, 32);
    return {
      status: recruitmentStatuses[int(0, recruitmentStatuses.length - 1)] as Search["status"],
      ageMin,
      ageMax: ageMin + int(8, 25),
      bmiMin,
      bmiMax: bmiMin + int(2, 8),
    };
  });
}

/** The latest date of birth of someone `years` old today (the service's rule, without 29 February). */
const bornBy = (years: number) => {
  const today = new Date();
  return `${today.getUTCFullYear() - years}-${today.toISOString().slice(5, 10).replace("02-29", "02-28")}`;
};

async function timeEach<T>(
  inputs: T[],
  run: (input: T) => Promise<unknown>,
): Promise<{ p50: number; p95: number }> {
  for (const input of inputs.slice(0, 5)) await run(input);
  const samples: number[] = [];
  for (const input of inputs) {
    const start = performance.now();
    await run(input);
    samples.push(performance.now() - start);
  }
  return percentiles(samples);
}

/** The search the volunteer list runs, as two raw statements: the count and the first page. */
function rawSearch(database: Database, s: Search) {
  const where = sql`removed_at is null and recruitment_status = ${s.status}
    and date_of_birth <= ${bornBy(s.ageMin)} and date_of_birth > ${bornBy(s.ageMax + 1)}
    and bmi >= ${s.bmiMin} and bmi <= ${s.bmiMax}`;
  return Promise.all([
    database.db.execute(sql`select count(*) from volunteers where ${where}`),
    database.db.execute(
      sql`select * from volunteers where ${where} order by created_at desc, id desc limit 51`,
    ),
  ]);
}

function importCsv(count: number): Buffer {
  const rows = generateVolunteers({ count, seed: SEED + 1, startIndex: VOLUNTEERS });
  const header =
    "first_name,last_name,sex,date_of_birth,email,phone,region,height_cm,weight_kg,smoker,recruitment_status,medical_history";
  const lines = rows.map((v) =>
    [
      v.firstName,
      v.lastName,
      v.sex,
      v.dateOfBirth,
      v.email,
      v.phone,
      v.region,
      v.heightCm,
      v.weightKg,
      v.smoker ? "yes" : "no",
      v.recruitmentStatus,
      v.medicalHistory,
    ]
      .map(csvCell)
      .join(","),
  );
  return Buffer.from(`${header}\n${lines.join("\n")}\n`);
}

async function benchDatabase(fresh: Fresh): Promise<{ rows: Row[]; notes: string[] }> {
  const { database, label } = fresh;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    await database.migrate();
    const config = loadConfig({}, { dataDir, logLevel: "silent" });
    const base: Ctx = { db: database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(base);
    const staff = asSeeder(actorOf(demo.people.staff));
    const ctx = actingAs(base, staff);

    const seeded = await seedSandboxBaseline(ctx, {
      volunteers: VOLUNTEERS,
      studies: STUDIES,
      seed: SEED,
    });
    const seedSeconds = seeded.timings.totalMs / 1000;
    const written = seeded.volunteers.inserted + seeded.studies.inserted + seeded.enrolments;
    const copySeconds = await copyCeiling(
      database,
      volunteersCsv(generateVolunteers({ count: VOLUNTEERS, seed: SEED }), staff),
    );
    rows.push(
      {
        database: label,
        name: `seed: ${thousands(VOLUNTEERS)} volunteers + ${STUDIES} studies`,
        seconds: seedSeconds,
        rate: `${thousands(written / seedSeconds)} records/s`,
        ratio: seedSeconds / copySeconds,
      },
      {
        database: label,
        name: `ceiling: COPY of the ${thousands(VOLUNTEERS)} volunteer rows`,
        seconds: copySeconds,
        rate: `${thousands(VOLUNTEERS / copySeconds)} rows/s`,
        ratio: 1,
      },
    );
    const t = seeded.timings;
    notes.push(
      `${label} seed: ${thousands(seeded.volunteers.inserted)} volunteers, ${seeded.studies.inserted} studies, ${thousands(seeded.designRecords)} epochs/cohorts/events, ${thousands(seeded.enrolments)} enrolments, ${thousands(seeded.auditRows)} audit rows; PHI guard ${(t.guardMs / 1000).toFixed(1)} s, generating ${(t.generateMs / 1000).toFixed(1)} s, waiting for the database ${(t.databaseMs / 1000).toFixed(1)} s (the guard runs while the previous batch is written).`,
    );

    const filters = searches(SEARCHES);
    const service = await timeEach(filters, (s) => listVolunteers(ctx, s));
    const raw = await timeEach(filters, (s) => rawSearch(database, s));
    rows.push(
      {
        database: label,
        name: "search: status + age + BMI (listVolunteers)",
        ...service,
        ratio: service.p50 / raw.p50,
      },
      { database: label, name: "floor: the same count and page as raw SQL", ...raw, ratio: 1 },
    );

    const file = { filename: "bench-volunteers.csv", data: importCsv(IMPORT_ROWS) };
    const start = performance.now();
    const prepared = await prepareVolunteerImport(ctx, file, { skipInvalid: true });
    const report = await prepared.run();
    const importSeconds = (performance.now() - start) / 1000;
    rows.push({
      database: label,
      name: `import: ${thousands(IMPORT_ROWS)}-row CSV (${thousands(report.imported)} imported)`,
      seconds: importSeconds,
      rate: `${thousands(report.imported / importSeconds)} rows/s`,
    });
    if (report.status !== "completed" || report.refused > 0)
      notes.push(`${label} import: ${report.status}, ${report.refused} rows refused.`);
  } finally {
    await database.close();
    await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

// ---------------------------------------------------------------------------------------------
// Run and print

const all: Row[] = [];
const notes: string[] = [];
for (const fresh of [only !== "postgres" && freshPglite, only !== "pglite" && freshPostgres]) {
  if (!fresh) continue;
  const result = await benchDatabase(await fresh());
  all.push(...result.rows);
  notes.push(...result.notes);
}

const cell = (value: number | undefined, digits: number, width: number) =>
  (value === undefined ? "" : value.toFixed(digits)).padStart(width);
console.log(`\nSandbox baseline benchmark (${os.cpus().length} cores)\n`);
console.log(
  `${"database".padEnd(11)} ${"measurement".padEnd(52)} ${"seconds".padStart(8)} ${"rate".padStart(18)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}  x ceiling/floor`,
);
for (const r of all)
  console.log(
    `${r.database.padEnd(11)} ${r.name.padEnd(52)} ${cell(r.seconds, 2, 8)} ${(r.rate ?? "").padStart(18)} ${cell(r.p50, 2, 8)} ${cell(r.p95, 2, 8)}  ${cell(r.ratio, 1, 6)}`,
  );
console.log(
  "\nceiling = COPY into an empty copy of the volunteers table (same indexes); floor = the search's SQL without the service.",
);
for (const note of notes) console.log(note);
