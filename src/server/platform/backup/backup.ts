import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config.js";
import { dataDirOwner, openDatabase } from "../../db/client.js";
import { version } from "../../version.js";
import { contentKey, type StoredBlob } from "../files/file-store.js";
import { fileStoreFor } from "../files/stores.js";
import { startProgress } from "../progress.js";
import {
  ARCHIVE_FORMAT,
  type ArchiveEntry,
  BackupProblem,
  databaseEntry,
  FILES_PREFIX,
  type Manifest,
  SECRETS_PREFIX,
  writeArchive,
} from "./archive.js";
import { requestDatabaseDump } from "./control-socket.js";
import { knownMigrations, migrationLevel } from "./migrations.js";
import { runPostgresTool } from "./postgres-tools.js";

/** Files in DATA_DIR that belong to the running process, not to the installation. */
const PROCESS_FILES = new Set(["pglite.lock", "control.sock"]);

/** The secrets generated into DATA_DIR (regular files at its top level, see platform/secrets.ts). */
export async function listSecrets(dataDir: string): Promise<string[]> {
  const entries = await fs.readdir(dataDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isFile() && !PROCESS_FILES.has(entry.name) && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Copies the embedded database: through the running server when one holds DATA_DIR (its copy is
 * taken between transactions), otherwise by opening it here (the lock keeps a server from starting
 * meanwhile).
 */
async function dumpEmbedded(dataDir: string, dumpFile: string): Promise<number> {
  const owner = dataDirOwner(dataDir);
  if (owner !== null) {
    const { dump, migrationLevel: level } = await requestDatabaseDump(dataDir, owner);
    await fs.writeFile(dumpFile, dump, { mode: 0o600 });
    return level;
  }
  const exists = await fs.stat(path.join(dataDir, "pglite", "PG_VERSION")).then(
    () => true,
    () => false,
  );
  if (!exists) throw new BackupProblem(`There is no embedded database in ${dataDir} to back up.`);
  const database = await openDatabase({ dataDir });
  try {
    const level = await migrationLevel(database.db);
    const dump = await database.dumpDataDir?.();
    if (!dump) throw new Error("the embedded database gave no copy");
    await fs.writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return level;
  } finally {
    await database.close();
  }
}

/**
 * Copies PostgreSQL with pg_dump: one consistent snapshot (its own REPEATABLE READ transaction) that
 * blocks no writer, in the custom format that pg_restore reads, compressed, and restorable by an
 * operator with PostgreSQL's own tools alone. pg_dump must be at least the server's major version.
 */
async function dumpPostgres(databaseUrl: string, dumpFile: string): Promise<number> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let level: number;
  try {
    const table = await client.query<{ present: boolean }>(
      "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
    );
    level = table.rows[0]?.present
      ? ((
          await client.query<{ level: number }>(
            "select count(*)::int as level from drizzle.__drizzle_migrations",
          )
        ).rows[0]?.level ?? 0)
      : 0;
  } finally {
    await client.end();
  }
  await runPostgresTool("pg_dump", databaseUrl, [
    "--format=custom",
    "--no-owner",
    "--no-privileges",
    `--file=${dumpFile}`,
  ]);
  return level;
}

/**
 * Writes one archive holding the database, the uploaded files (from DATA_DIR or the bucket, wherever
 * the file store keeps them) and the generated secrets. The database is copied first and the files
 * after: files are content-addressed and never change, so every file the copied database refers to is
 * there unless deleted meanwhile.
 */
export async function createBackup(config: Config, target: string): Promise<Manifest> {
  const kind = config.databaseUrl ? "postgres" : "pglite";
  const dumpFile = `${target}.database-${process.pid}.tmp`;
  const progress = await startProgress("Backup", { step: "database" });
  try {
    progress.update(0, 1, { step: "database" });
    const level = config.databaseUrl
      ? await dumpPostgres(config.databaseUrl, dumpFile)
      : await dumpEmbedded(config.dataDir, dumpFile);
    progress.update(1, 1, { step: "database" });
    const store = fileStoreFor(config);
    const stored: StoredBlob[] = [];
    for await (const blob of store.list()) stored.push(blob);
    const secrets = await listSecrets(config.dataDir);
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      appVersion: version,
      migrationLevel: level,
      latestMigration: knownMigrations()[level - 1] ?? null,
      database: kind,
      createdAt: new Date().toISOString(),
      files: {
        store: config.fileStore.kind,
        count: stored.length,
        bytes: stored.reduce((sum, file) => sum + file.size, 0),
      },
      secrets,
    };
    const { size } = await fs.stat(dumpFile);
    async function* entries(): AsyncGenerator<ArchiveEntry> {
      yield { name: databaseEntry(kind), path: dumpFile, size };
      for (const name of secrets)
        yield { name: `${SECRETS_PREFIX}${name}`, data: await fs.readFile(path.join(config.dataDir, name)) };
      for (const [index, file] of stored.entries()) {
        progress.update(index, stored.length, { step: "files" });
        yield {
          name: `${FILES_PREFIX}${contentKey(file.sha256)}`,
          size: file.size,
          open: () => store.get(file.sha256),
        };
      }
      progress.update(stored.length, stored.length, { step: "files" });
    }
    await writeArchive(target, manifest, entries());
    return manifest;
  } catch (error) {
    await fs.rm(target, { force: true });
    throw error;
  } finally {
    progress.stop();
    await fs.rm(dumpFile, { force: true });
  }
}
