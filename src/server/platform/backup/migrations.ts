import fs from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { projectPath } from "../project-files.js";

const journalFile = projectPath("migrations", "meta", "_journal.json");

/** The migrations this version of Convene ships, oldest first (drizzle's journal). */
export function knownMigrations(): string[] {
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  return journal.entries.map((entry) => entry.tag);
}

/** How many migrations the database has applied (drizzle applies them in order and records each). */
export async function migrationLevel(db: Db): Promise<number> {
  // Both drivers answer raw SQL with `rows`.
  const table = (await db.execute(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  )) as unknown as { rows: { present: boolean }[] };
  if (!table.rows[0]?.present) return 0;
  const applied = (await db.execute(
    sql`select count(*)::int as level from drizzle.__drizzle_migrations`,
  )) as unknown as { rows: { level: number }[] };
  return applied.rows[0]?.level ?? 0;
}
