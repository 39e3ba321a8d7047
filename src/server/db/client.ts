import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.js";

export type Schema = typeof schema;
/** A database or a transaction: services take this so they compose inside a caller's transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = "pglite" | "postgres";

/** Subscribes to a NOTIFY channel; resolves to the function that unsubscribes. */
export type Listen = (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;

export type Database = {
  db: Db;
  /**
   * For the event hub's reads: on PostgreSQL its own small pool, so delivering events never waits
   * behind request transactions queued for the main pool. On PGlite the same connection.
   */
  eventsDb: Db;
  kind: DatabaseKind;
  migrate: () => Promise<void>;
  listen: Listen;
  close: () => Promise<void>;
};

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would be handed to other queries).
 * A lost connection is reopened with backoff; `onNotify("")` after a reconnect lets the listener
 * catch up on anything it missed while it was away.
 */
function listenOnPostgres(connectionString: string): { listen: Listen; close: () => Promise<void> } {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | null = null;
  let closed = false;
  let connecting: Promise<pg.Client> | null = null;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
        const candidate = new pg.Client({ connectionString });
        try {
          await candidate.connect();
          candidate.on("notification", (message) => {
            for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? "");
          });
          candidate.on("error", () => {
            client = null;
            connecting = null;
            void candidate.end().catch(() => undefined);
            if (!closed) {
              void connect().then(() => {
                for (const set of handlers.values()) for (const handler of set) handler("");
              });
            }
          });
          for (const channel of handlers.keys())
            await candidate.query(`listen ${pg.escapeIdentifier(channel)}`);
          client = candidate;
          return candidate;
        } catch (error) {
          await candidate.end().catch(() => undefined);
          if (closed) throw error;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    })();
    return connecting;
  };

  return {
    async listen(channel, onNotify) {
      const set = handlers.get(channel) ?? new Set();
      const isNew = !handlers.has(channel);
      handlers.set(channel, set);
      set.add(onNotify);
      const connection = client ?? (await connect());
      if (isNew) await connection.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        set.delete(onNotify);
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

/** How often PostgreSQL checks that the process holding an own connection is still there. */
export const DEAD_CLIENT_CHECK_MS = 1000;

/** The pool behind each PostgreSQL `Db`, so a caller can hold one connection of it for a while. */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * Runs `work` on one connection held for its whole duration (a session-level lock taken on it stays
 * with it, and ends with it when the process dies). On PGlite, whose only connection is always the
 * same, that is the database itself.
 */
export async function withOwnConnection<T>(db: Db, work: (connection: Db) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) return work(db);
  const client = await pool.connect();
  try {
    // A long statement does not read its socket: without this check PostgreSQL finishes it (keeping
    // the session and its locks) before noticing that the process holding the connection was killed.
    await client.query(`set client_connection_check_interval = '${DEAD_CLIENT_CHECK_MS}ms'`);
    const result = await work(drizzleNodePg(client, { schema }) as unknown as Db);
    await client.query("reset client_connection_check_interval");
    client.release();
    return result;
  } catch (error) {
    // Closed rather than reused: nothing the failed work held on it (a lock) outlives the failure.
    client.release(true);
    throw error;
  }
}

const migrationsFolder = path.resolve(import.meta.dirname, "../../../migrations");

/** Raised when the embedded database is already open in another process. */
export class DataDirInUse extends Error {}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * PGlite is PostgreSQL inside this process, with no guard of its own against a second process: two
 * that write the same directory corrupt it. A lock file holding the owner's process id keeps the
 * second one out; the file of a process that died (killed, crashed) is taken over. Answers the release.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(fs.readFileSync(lockFile, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner))
        throw new DataDirInUse(
          `The embedded database in ${dataDir} is open in another Convene process (pid ${owner}). Stop it first, or run several processes on PostgreSQL (DATABASE_URL).`,
        );
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirInUse(`The embedded database in ${dataDir} could not be locked; try again.`);
}

/**
 * Opens PostgreSQL when a URL is given, otherwise the embedded PGlite in `dataDir`
 * (or in memory when `dataDir` is "memory://"). Both speak the same SQL dialect.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and the next query opens a new one.
    pool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    pools.set(db, pool);
    const listener = listenOnPostgres(options.databaseUrl);
    const eventsPool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    eventsPool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
    return {
      db,
      eventsDb: drizzleNodePg(eventsPool, { schema }) as unknown as Db,
      kind: "postgres",
      migrate: () => migrateNodePg(drizzleNodePg(pool, { schema }), { migrationsFolder }),
      listen: listener.listen,
      close: async () => {
        await listener.close();
        await eventsPool.end();
        await pool.end();
      },
    };
  }
  const inMemory = options.dataDir === "memory://";
  if (!inMemory) fs.mkdirSync(options.dataDir, { recursive: true });
  const release = inMemory ? () => {} : lockDataDir(options.dataDir);
  const client = new PGlite(inMemory ? undefined : path.join(options.dataDir, "pglite"));
  try {
    await client.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const pgliteDb = drizzlePglite(client, { schema });
  return {
    db: pgliteDb as unknown as Db,
    eventsDb: pgliteDb as unknown as Db,
    kind: "pglite",
    migrate: () => migratePglite(pgliteDb, { migrationsFolder }),
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
