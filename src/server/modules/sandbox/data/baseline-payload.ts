/**
 * The baseline as a ready payload: the rows `seedSandboxBaseline` writes into empty tables, kept in the
 * database (sandbox_baseline_payloads and their chunks) so a wipe loads them instead of generating
 * and guarding 100,000 volunteers again.
 *
 * - Made from guarded rows only: the payload is captured from tables the baseline has just written in
 *   the same transaction (a wipe's emptied tables, or private temporary copies when the baseline is
 *   remembered), and nothing else writes it.
 * - Server-side both ways: captured with `insert ... select json_agg(...)` and loaded with
 *   `insert ... select ... from json_populate_recordset(...)`, so on PostgreSQL no row travels to the
 *   app and back, and PGlite and PostgreSQL share one path.
 * - What a wipe stamps on its own rows is left out and supplied at load: who created the records (the
 *   wipe's actor and their organisation), when (the column defaults: the transaction's now()), and the
 *   audit rows' numbers (their sequence). Record ids are kept, so a wipe brings back the same ids.
 * - Keyed by what the rows depend on (options, owning organisations, the release, the tables'
 *   columns): a payload made for anything else is not used; the wipe regenerates and keeps a new one.
 * - In the database, not DATA_DIR: every node of a PostgreSQL deployment sees the same one, and a
 *   backup and its restore carry it with the data it belongs to.
 */
import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../../platform/context.js";
import { version } from "../../../version.js";
import {
  type BaselineOptions,
  type BaselineProgress,
  baselineOwners,
  requireBaselineSeeder,
  seedSandboxBaseline,
  validateBaselineOptions,
} from "./baseline.js";
import { BULK_BATCH } from "./bulk-write.js";

/** Bumped when the way rows are captured or loaded changes, so older payloads are made again. */
const PAYLOAD_FORMAT = 1;

type Step = "studies" | "volunteers" | "enrolments";

/** What a wipe writes into the columns it stamps: who writes the baseline (the wipe's actor). */
const STAMPS: Record<string, (actor: Actor) => SQL> = {
  created_by: (actor) => sql`${actor.id}::uuid`,
  organisation_id: (actor) => sql`${actor.organisationId}::uuid`,
  actor_id: (actor) => sql`${actor.id}::uuid`,
  actor_email: (actor) => sql`${actor.email}`,
};

/** Filled by the column's default when a wipe writes the row: the time, and the audit row's number. */
const DEFAULTED = ["created_at", "updated_at", "at"];

/**
 * The tables of the baseline in the order they are written (parents first). `stamped`: the columns
 * the wipe fills in (STAMPS, or their defaults); `step`: the progress a table's rows count towards.
 */
const TABLES: { table: string; recordType: string; stamped: string[]; step: Step | null }[] = [
  { table: "studies", recordType: "study", stamped: ["created_by"], step: "studies" },
  { table: "study_epochs", recordType: "study_epoch", stamped: [], step: null },
  { table: "study_cohorts", recordType: "study_cohort", stamped: [], step: null },
  { table: "study_events", recordType: "study_event", stamped: [], step: null },
  {
    table: "volunteers",
    recordType: "volunteer",
    stamped: ["organisation_id", "created_by"],
    step: "volunteers",
  },
  { table: "enrolments", recordType: "enrolment", stamped: ["created_by"], step: "enrolments" },
];
const AUDIT = { table: "sandbox_audit", stamped: ["id", "actor_id", "actor_email"] };

type Part = { table: string; stamped: string[]; recordFilter: SQL; step: Step | null };

/**
 * Each table followed by its audit rows (part 2i is table i, part 2i + 1 its audit rows), so the
 * audit trail is numbered in the same order as a generated baseline's.
 */
const PARTS: Part[] = TABLES.flatMap(({ table, recordType, stamped, step }) => [
  { table, stamped, recordFilter: sql`true`, step },
  { ...AUDIT, recordFilter: sql`t.record_type = ${recordType}`, step: null },
]);

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The columns a payload carries for each table: all of them but those a wipe stamps. */
async function payloadColumns(db: Db): Promise<Record<string, string[]>> {
  const columns: Record<string, string[]> = {};
  for (const { table, stamped } of [...TABLES, AUDIT]) {
    const result = (await db.execute(sql`
      select attname as name from pg_attribute
      where attrelid = ${table}::regclass and attnum > 0 and not attisdropped
      order by attnum`)) as unknown as { rows: { name: string }[] };
    const skipped = new Set([...stamped, ...DEFAULTED]);
    columns[table] = result.rows.map((row) => row.name).filter((name) => !skipped.has(name));
  }
  return columns;
}

/** What a payload must have been made for to stand for this baseline now. */
async function payloadKey(
  db: Db,
  options: BaselineOptions,
): Promise<{ key: string; columns: Record<string, string[]> }> {
  const columns = await payloadColumns(db);
  const owners = await baselineOwners(db);
  const made = { format: PAYLOAD_FORMAT, version, options, owners, columns };
  return { key: createHash("sha256").update(JSON.stringify(made)).digest("base64url"), columns };
}

/** Replaces any payload with the rows the baseline tables (as the statement sees them) hold now. */
async function capturePayload(db: Db, key: string, columns: Record<string, string[]>): Promise<void> {
  await db.execute(sql`delete from sandbox_baseline_payloads`);
  const counted = (await db.execute(sql`
    select (select count(*) from studies)::int as studies,
      (select count(*) from volunteers)::int as volunteers,
      (select count(*) from enrolments)::int as enrolments`)) as unknown as {
    rows: { studies: number; volunteers: number; enrolments: number }[];
  };
  const counts = counted.rows[0] ?? { studies: 0, volunteers: 0, enrolments: 0 };
  await db.execute(sql`
    insert into sandbox_baseline_payloads (key, studies, volunteers, enrolments)
    values (${key}, ${counts.studies}, ${counts.volunteers}, ${counts.enrolments})`);
  for (const [part, { table, recordFilter }] of PARTS.entries()) {
    const fields = (columns[table] ?? []).map((name) => `t.${quoted(name)}`).join(", ");
    // Rows in the order they were written (UUIDv7 ids and the audit sequence are both time-ordered).
    await db.execute(sql`
      insert into sandbox_baseline_payload_chunks (key, part, chunk, table_name, row_count, rows)
      select ${key}, ${part}, chunk, ${table}, count(*)::int, json_agg(r order by position)
      from (
        select row_number() over (order by t.id) as position,
          (row_number() over (order by t.id) - 1) / ${BULK_BATCH} as chunk,
          (select r from (select ${sql.raw(fields)}) r) as r
        from ${sql.raw(table)} t where ${recordFilter}
      ) numbered
      group by chunk`);
  }
}

/**
 * Writes the baseline for `options` into private temporary copies of its tables and keeps it as the
 * payload, unless the one kept already stands for it. The live tables are not touched: what a seed
 * left there (rows that existed before it, say) is not what a wipe restores. The copies shadow the
 * tables by name for this transaction only (PostgreSQL looks in the session's temporary schema
 * first), so the baseline is written by the very code a wipe runs; they are dropped before it ends.
 */
export async function storeBaselinePayload(ctx: ActorCtx, options: BaselineOptions): Promise<void> {
  validateBaselineOptions(options);
  await requireBaselineSeeder(ctx);
  await inTransaction(ctx, async (tx) => {
    const { key, columns } = await payloadKey(tx.db, options);
    const [kept] = (
      (await tx.db.execute(sql`select key from sandbox_baseline_payloads where key = ${key}`)) as unknown as {
        rows: { key: string }[];
      }
    ).rows;
    if (kept) return;
    const tables = [...TABLES, AUDIT].map(({ table }) => table);
    for (const table of tables)
      await tx.db.execute(
        sql.raw(
          `create temporary table ${table} (like public.${table} including defaults including indexes) on commit drop`,
        ),
      );
    await seedSandboxBaseline(tx, options);
    await capturePayload(tx.db, key, columns);
    await tx.db.execute(sql.raw(`drop table ${tables.map((table) => `pg_temp.${table}`).join(", ")}`));
  });
}

export type RestoredBaseline = {
  volunteers: number;
  studies: number;
  enrolments: number;
  /** Whether the rows came from the kept payload (else they were generated, and a payload kept). */
  fromPayload: boolean;
};

/**
 * Writes the baseline into the emptied tables, in the caller's transaction: from the kept payload when
 * there is one for these options, else generated (and guarded) as `convene sandbox seed` does, then
 * kept as the payload for the next wipe.
 */
export async function restoreBaseline(
  ctx: ActorCtx,
  options: BaselineOptions,
  onProgress: BaselineProgress = () => {},
): Promise<RestoredBaseline> {
  validateBaselineOptions(options);
  await requireBaselineSeeder(ctx);
  const { db, actor } = ctx;
  const { key, columns } = await payloadKey(db, options);
  // Shared: a payload replaced meanwhile (a seed on another node) waits for this transaction's end.
  const [payload] = (
    (await db.execute(sql`
      select studies, volunteers, enrolments from sandbox_baseline_payloads where key = ${key} for share`)) as unknown as {
      rows: { studies: number; volunteers: number; enrolments: number }[];
    }
  ).rows;
  if (!payload) {
    const seeded = await seedSandboxBaseline(ctx, options, onProgress);
    await capturePayload(db, key, columns);
    return {
      volunteers: seeded.volunteers.inserted,
      studies: seeded.studies.inserted,
      enrolments: seeded.enrolments,
      fromPayload: false,
    };
  }

  const chunks = (
    (await db.execute(sql`
      select part, chunk, row_count as "rowCount" from sandbox_baseline_payload_chunks
      where key = ${key} order by part, chunk`)) as unknown as {
      rows: { part: number; chunk: number; rowCount: number }[];
    }
  ).rows;
  const total = payload.studies + payload.volunteers + payload.enrolments;
  let done = 0;
  for (const { part, chunk, rowCount } of chunks) {
    const { table, stamped, step } = PARTS[part] as Part;
    const fields = columns[table] ?? [];
    // The audit row's number comes from its sequence: a stamp with no value, like the times.
    const stamps = stamped.flatMap((name) => {
      const value = STAMPS[name];
      return value ? [[name, value(actor)] as const] : [];
    });
    const names = [...fields, ...stamps.map(([name]) => name)].map(quoted).join(", ");
    const values = sql.join(
      [...fields.map((name) => sql.raw(`r.${quoted(name)}`)), ...stamps.map(([, value]) => value)],
      sql`, `,
    );
    await db.execute(sql`
      insert into ${sql.raw(table)} (${sql.raw(names)})
      select ${values}
      from sandbox_baseline_payload_chunks p, json_populate_recordset(null::${sql.raw(table)}, p.rows) r
      where p.key = ${key} and p.part = ${part} and p.chunk = ${chunk}`);
    if (step) {
      done += rowCount;
      onProgress(done, total, step);
    }
    // As while generating: PGlite runs in this thread, so between chunks a server answers its other
    // requests (a sandbox route's 503 while wiping) instead of waiting.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    volunteers: payload.volunteers,
    studies: payload.studies,
    enrolments: payload.enrolments,
    fromPayload: true,
  };
}
