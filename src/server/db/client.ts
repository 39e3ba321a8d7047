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

const migrationsFolder = path.resolve(import.meta.dirname, "../../../migrations");

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
  const client = new PGlite(inMemory ? undefined : path.join(options.dataDir, "pglite"));
  await client.waitReady;
  const pgliteDb = drizzlePglite(client, { schema });
  return {
    db: pgliteDb as unknown as Db,
    eventsDb: pgliteDb as unknown as Db,
    kind: "pglite",
    migrate: () => migratePglite(pgliteDb, { migrationsFolder }),
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
}
