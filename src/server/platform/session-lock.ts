import { type SQL, sql } from "drizzle-orm";
import { type Db, withOwnConnection } from "../db/client.js";
import type { AdvisoryLockKey } from "./advisory-locks.js";

/**
 * Session-level advisory locks: held by a process for as long as its work runs, on a connection of its
 * own. PostgreSQL ends such a lock with its connection, so a process that is killed frees it at once,
 * and another process can tell "still running somewhere" from "abandoned" without waiting for a timeout.
 * Keys come from ADVISORY_LOCKS, where transaction locks take theirs too.
 */
export type SessionLockKey = AdvisoryLockKey;

/**
 * The locks this process holds, per database: PostgreSQL lets one session take a lock again, and on
 * PGlite every caller in the process shares the one session, so the process keeps count itself.
 */
const heldHere = new WeakMap<Db, Set<SessionLockKey>>();

/**
 * Runs `work` on the lock's own connection while this process holds the lock; answers null at once,
 * without running it, when another process (or other work in this one) holds it.
 */
export async function withSessionLock<T>(
  db: Db,
  key: SessionLockKey,
  work: (connection: Db) => Promise<T>,
): Promise<{ value: T } | null> {
  const held = heldHere.get(db) ?? new Set();
  heldHere.set(db, held);
  if (held.has(key)) return null;
  held.add(key);
  try {
    return await lockOnOwnConnection(db, key, work);
  } finally {
    held.delete(key);
  }
}

function lockOnOwnConnection<T>(
  db: Db,
  key: SessionLockKey,
  work: (connection: Db) => Promise<T>,
): Promise<{ value: T } | null> {
  return withOwnConnection(db, async (connection) => {
    const result = (await connection.execute(
      sql`select pg_try_advisory_lock(${key}) as acquired`,
    )) as unknown as {
      rows: { acquired: boolean }[];
    };
    if (!result.rows[0]?.acquired) return null;
    try {
      return { value: await work(connection) };
    } finally {
      await connection.execute(sql`select pg_advisory_unlock(${key})`);
    }
  });
}

/** A condition true while some live session of this database holds the lock. */
export const sessionLockHeld = (key: SessionLockKey): SQL => sql`exists (
  select 1 from pg_locks
  where locktype = 'advisory' and granted and objsubid = 1
    and database = (select oid from pg_database where datname = current_database())
    and classid::bigint = ${Math.floor(key / 2 ** 32)} and objid::bigint = ${key % 2 ** 32}
)`;
