/**
 * What the database benchmarks share: a fresh PGlite or PostgreSQL database per run, the driver
 * under drizzle (for COPY), the `--pglite` / `--postgres` switches and number formatting.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server a fresh
 *     convene_bench_<random> database is created on and dropped from)
 */
import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, openDatabase } from "../src/server/db/client.js";

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
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** The driver under drizzle: a pg pool or the PGlite instance. */
export const driverOf = (database: Database) =>
  (database.db as unknown as { $client: pg.Pool | PGlite }).$client;
