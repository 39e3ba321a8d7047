import type { SQL } from "drizzle-orm";
import type { Db } from "./client.js";

/** The rows a raw statement answers, typed by the caller (PGlite and node-postgres both give `rows`). */
export async function rowsOf<T>(db: Db, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}
