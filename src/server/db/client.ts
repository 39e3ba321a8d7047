import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Client as PostgresClient, Pool as PostgresPool } from "pg";
import { loadOnce } from "../platform/load-once.js";
import { projectPath } from "../platform/project-files.js";
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
  /**
   * The embedded database's data directory as a gzipped tarball, taken while no query or transaction
   * runs (a backup of a running server); null on PostgreSQL, which `pg_dump` copies instead.
   */
  dumpDataDir: (() => Promise<Blob>) | null;
  close: () => Promise<void>;
};

/**
 * Each database's driver is loaded only when that database is opened: a server on PostgreSQL never
 * holds PGlite (PostgreSQL compiled to WebAssembly), and one on PGlite never holds node-postgres.
 */
const loadPostgresDriver = loadOnce(async () => {
  const [{ default: pg }, { drizzle }] = await Promise.all([
    import("pg"),
    import("drizzle-orm/node-postgres"),
  ]);
  return { pg, drizzle };
});
const loadPgliteDriver = loadOnce(async () => {
  const [{ PGlite }, { drizzle }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
  ]);
  return { PGlite, drizzle };
});
type PostgresDriver = Awaited<ReturnType<typeof loadPostgresDriver>>;

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would be handed to other queries).
 * A lost connection is reopened with backoff; `onNotify("")` after a reconnect lets the listener
 * catch up on anything it missed while it was away.
 */
function listenOnPostgres(
  { pg }: PostgresDriver,
  connectionString: string,
): { listen: Listen; close: () => Promise<void> } {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: PostgresClient | null = null;
  let closed = false;
  let connecting: Promise<PostgresClient> | null = null;
  // One LISTEN at a time: a client runs one query at a time, and the workers start together.
  let listening: Promise<unknown> = Promise.resolve();

  const connect = (): Promise<PostgresClient> => {
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
      if (isNew) {
        const listened = listening.then(() => connection.query(`listen ${pg.escapeIdentifier(channel)}`));
        listening = listened.catch(() => undefined);
        await listened;
      }
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
const pools = new WeakMap<Db, PostgresPool>();

/** Connections of the pool behind a PostgreSQL `Db` (for metrics); null on PGlite, which has no pool. */
export function poolUse(db: Db): { total: number; idle: number; waiting: number } | null {
  const pool = pools.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/**
 * Runs `work` on one connection held for its whole duration (a session-level lock taken on it stays
 * with it, and ends with it when the process dies). On PGlite, whose only connection is always the
 * same, that is the database itself.
 */
export async function withOwnConnection<T>(db: Db, work: (connection: Db) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) return work(db);
  const { drizzle } = await loadPostgresDriver();
  const client = await pool.connect();
  try {
    // A long statement does not read its socket: without this check PostgreSQL finishes it (keeping
    // the session and its locks) before noticing that the process holding the connection was killed.
    await client.query(`set client_connection_check_interval = '${DEAD_CLIENT_CHECK_MS}ms'`);
    const result = await work(drizzle(client, { schema }) as unknown as Db);
    await client.query("reset client_connection_check_interval");
    client.release();
    return result;
  } catch (error) {
    // Closed rather than reused: nothing the failed work held on it (a lock) outlives the failure.
    client.release(true);
    throw error;
  }
}

const migrationsFolder = projectPath("migrations");

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

/** The live process holding the embedded database in `dataDir`, or null when none does. */
export function dataDirOwner(dataDir: string): number | null {
  let owner: number;
  try {
    owner = Number(fs.readFileSync(path.join(dataDir, "pglite.lock"), "utf8").trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner) ? owner : null;
}

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
      const owner = dataDirOwner(dataDir);
      if (owner !== null)
        throw new DataDirInUse(
          `The embedded database in ${dataDir} is open in another Convene process (pid ${owner}). Stop it first, or run several processes on PostgreSQL (DATABASE_URL).`,
        );
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirInUse(`The embedded database in ${dataDir} could not be locked; try again.`);
}

/**
 * The planner's cost of reading a page out of order, against 4 by default, which models a spinning
 * disk. With 4, searches (`npm run bench:search`) intersected an author's few thousand messages with a
 * broad word's whole posting list in the text index (80 ms) rather than reading the author's newest
 * messages by their index and checking the words on those (under 5 ms); 1.1 is what PostgreSQL's
 * documentation suggests when the data is on SSD or mostly cached. An operator's own setting in the
 * database URL (`?options=-c random_page_cost=…`) takes precedence.
 */
const RANDOM_PAGE_COST = 1.1;

/**
 * The embedded database's memory, sized for a small community: PostgreSQL's defaults (160 MB of shared
 * buffers as PGlite sets them, 64 MB for index builds) are a server's, and PGlite holds every page it
 * touches for the life of the process. A small community's data fits in these; a large one belongs on
 * PostgreSQL. Passed at start rather than written to postgresql.conf, which PGlite would replace whole.
 */
const PGLITE_MEMORY_SETTINGS = {
  shared_buffers: "16MB",
  wal_buffers: "1MB",
  temp_buffers: "2MB",
  maintenance_work_mem: "16MB",
};

/**
 * Makes a fresh embedded database in `directory` in a short-lived child process. Creating one runs a
 * second PostgreSQL instance (initdb) and moves the new cluster between the two as a tarball: some
 * 300 MB at the peak, and the allocator keeps most of what is freed for the life of the process (a
 * server that created its database held 100 MB more than one that opened it). The child gives it all
 * back when it exits; the server then opens the database as it does on every later start.
 */
async function createPgliteDirectory(directory: string, startParams: string[]): Promise<void> {
  const script = `
    const { PGlite } = require(process.argv[1]);
    const database = new PGlite(process.argv[2], { startParams: JSON.parse(process.argv[3]) });
    database.waitReady.then(() => database.close()).then(
      () => process.exit(0),
      (error) => { console.error(error instanceof Error ? error.message : String(error)); process.exit(1); },
    );`;
  const pglite = createRequire(projectPath("package.json")).resolve("@electric-sql/pglite");
  const child = spawn(process.execPath, ["-e", script, pglite, directory, JSON.stringify(startParams)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`Creating the embedded database in ${directory} failed: ${stderr.trim()}`);
}

/**
 * The migrations' buffers (and a restore's tarball) are garbage once the database is ready; the
 * process's heap is small, so the garbage collector might not reclaim them for hours. Collected once,
 * when the database is ready; `--expose-gc` is set for this process only for that.
 */
function collectStartupGarbage() {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/**
 * Opens PostgreSQL when a URL is given, otherwise the embedded PGlite in `dataDir`
 * (or in memory when `dataDir` is "memory://"). Both speak the same SQL dialect.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  /** A tarball from `dumpDataDir` to create the embedded database from (a restore). */
  loadDataDir?: Blob;
}): Promise<Database> {
  if (options.databaseUrl) {
    const driver = await loadPostgresDriver();
    const { pg, drizzle } = driver;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // A connection idle for ten seconds (the driver's default) is closed, and the next burst of
      // requests pays for new backends with cold catalog caches, which showed as the slowest requests
      // of a busy community: the pool keeps what it opened for five minutes.
      idleTimeoutMillis: 300_000,
      options: `-c random_page_cost=${RANDOM_PAGE_COST}`,
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and the next query opens a new one.
    pool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
    const db = drizzle(pool, { schema }) as unknown as Db;
    pools.set(db, pool);
    const listener = listenOnPostgres(driver, options.databaseUrl);
    const eventsPool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    eventsPool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
    return {
      db,
      eventsDb: drizzle(eventsPool, { schema }) as unknown as Db,
      kind: "postgres",
      migrate: async () => {
        const { migrate } = await import("drizzle-orm/node-postgres/migrator");
        await migrate(drizzle(pool, { schema }), { migrationsFolder });
      },
      listen: listener.listen,
      dumpDataDir: null,
      close: async () => {
        await listener.close();
        await eventsPool.end();
        await pool.end();
      },
    };
  }
  const { PGlite, drizzle } = await loadPgliteDriver();
  const inMemory = options.dataDir === "memory://";
  if (!inMemory) fs.mkdirSync(options.dataDir, { recursive: true });
  const release = inMemory ? () => {} : lockDataDir(options.dataDir);
  const directory = path.join(options.dataDir, "pglite");
  const startParams = [
    ...PGlite.defaultStartParams,
    ...Object.entries(PGLITE_MEMORY_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
  ];
  let client: PGlite;
  try {
    if (!inMemory && !options.loadDataDir && !fs.existsSync(path.join(directory, "PG_VERSION")))
      await createPgliteDirectory(directory, startParams);
    client = new PGlite(inMemory ? undefined : directory, {
      startParams,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    await client.waitReady;
    await client.exec(`set random_page_cost = ${RANDOM_PAGE_COST}`);
  } catch (error) {
    release();
    throw error;
  }
  const pgliteDb = drizzle(client, { schema });
  return {
    db: pgliteDb as unknown as Db,
    eventsDb: pgliteDb as unknown as Db,
    kind: "pglite",
    migrate: async () => {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      await migrate(pgliteDb, { migrationsFolder });
      collectStartupGarbage();
    },
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    // `dumpDataDir` waits only for the statement under way; taken under the transaction lock too, no
    // transaction is half done in the copy. The checkpoint leaves the restored copy little log to replay.
    dumpDataDir: async () => {
      await client.exec("checkpoint");
      return client._runExclusiveTransaction(() => client.dumpDataDir("gzip"));
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
