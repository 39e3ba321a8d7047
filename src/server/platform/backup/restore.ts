import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type { Config } from "../../config.js";
import { dataDirOwner, openDatabase } from "../../db/client.js";
import { blobOfKey, type FileStore } from "../files/file-store.js";
import { filesDir } from "../files/local-store.js";
import { fileStoreFor } from "../files/stores.js";
import { startProgress } from "../progress.js";
import {
  type ArchiveSource,
  BackupProblem,
  databaseEntry,
  FILES_PREFIX,
  type Manifest,
  openArchive,
  readAll,
  SECRETS_PREFIX,
} from "./archive.js";
import { listSecrets } from "./backup.js";
import { knownMigrations } from "./migrations.js";
import { displayUrl, runPostgresTool } from "./postgres-tools.js";

const kindName = { pglite: "the embedded database (PGlite)", postgres: "PostgreSQL" } as const;

/** Schemas PostgreSQL itself keeps; every other one is the application's. */
const SYSTEM_SCHEMAS = "nspname not like 'pg\\_%' and nspname <> 'information_schema'";

/**
 * What the target already holds, one phrase each; empty when a restore may go ahead. A restore over
 * an installation in use would mix two communities' data, so it needs --force.
 */
async function existingContents(config: Config): Promise<string[]> {
  const found: string[] = [];
  if (config.databaseUrl) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ tables: number }>(
        `select count(*)::int as tables from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and ${SYSTEM_SCHEMAS}`,
      );
      const tables = rows[0]?.tables ?? 0;
      if (tables > 0) found.push(`${tables} tables in the database ${displayUrl(config.databaseUrl)}`);
    } finally {
      await client.end();
    }
  } else {
    const database = path.join(config.dataDir, "pglite");
    if ((await fs.readdir(database).catch(() => [])).length > 0) found.push(`a database in ${database}`);
  }
  // A bucket may hold files already (the old installation's, kept while its database was lost): the same
  // address holds the same bytes, so they neither block a restore nor are removed by --force.
  if (config.fileStore.kind === "local") {
    const store = fileStoreFor(config);
    let files = 0;
    for await (const _blob of store.list()) files += 1;
    if (files > 0) found.push(`${files} uploaded files in ${store.description}`);
  }
  const secrets = await listSecrets(config.dataDir);
  if (secrets.length > 0) found.push(`secrets in ${config.dataDir} (${secrets.join(", ")})`);
  return found;
}

/** Empties the target for --force: the application's schemas, the embedded database, files and secrets. */
async function clearTarget(config: Config): Promise<void> {
  if (config.databaseUrl) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `select nspname as name from pg_namespace where ${SYSTEM_SCHEMAS}`,
      );
      for (const { name } of rows) await client.query(`drop schema ${pg.escapeIdentifier(name)} cascade`);
      await client.query("create schema public");
    } finally {
      await client.end();
    }
  } else {
    await fs.rm(path.join(config.dataDir, "pglite"), { recursive: true, force: true });
  }
  await fs.rm(filesDir(config.dataDir), { recursive: true, force: true });
  for (const secret of await listSecrets(config.dataDir)) await fs.rm(path.join(config.dataDir, secret));
}

/** Refuses an archive this installation cannot take, before anything is changed. */
function checkArchive(source: string, manifest: Manifest, config: Config): void {
  const known = knownMigrations();
  if (manifest.migrationLevel > known.length)
    throw new BackupProblem(
      `${source} holds a database at migration ${manifest.migrationLevel} (${manifest.latestMigration ?? "unknown"}), made by Convene ${manifest.appVersion}; this Convene knows ${known.length} migrations. Restore it with that version or a newer one.`,
    );
  const target = config.databaseUrl ? "postgres" : "pglite";
  if (manifest.database !== target)
    throw new BackupProblem(
      `${source} holds ${kindName[manifest.database]}, but this installation is configured for ${kindName[target]}. ${
        manifest.database === "pglite" ? "Unset DATABASE_URL" : "Set DATABASE_URL to an empty database"
      } to restore it.`,
    );
}

/**
 * Puts a stored file back into the file store, refusing bytes whose hash differs from their name. A
 * file the store holds already (a bucket kept from before) is the same bytes and is left as it is.
 * `restored` holds the addresses this restore wrote, so damaged bytes that happen to hash to one of
 * them are not removed with the damage.
 */
async function restoreFile(store: FileStore, entry: ArchiveSource, restored: Set<string>): Promise<void> {
  const sha256 = blobOfKey(entry.header.name.slice(FILES_PREFIX.length));
  if (!sha256) throw new BackupProblem(`The archive holds an unexpected entry ${entry.header.name}.`);
  if (await store.exists(sha256)) {
    await finished(Readable.from(entry).resume());
    restored.add(sha256);
    return;
  }
  const stored = await store.put(Readable.from(entry));
  if (stored.sha256 !== sha256) {
    if (!restored.has(stored.sha256)) await store.delete(stored.sha256);
    throw new BackupProblem(`The archive's copy of ${entry.header.name} is damaged (its hash differs).`);
  }
  restored.add(sha256);
}

async function restoreDatabase(config: Config, entry: ArchiveSource): Promise<void> {
  if (config.databaseUrl) {
    const dumpFile = path.join(config.dataDir, `.restore-${process.pid}.dump`);
    try {
      await pipeline(Readable.from(entry), createWriteStream(dumpFile, { mode: 0o600 }));
      // One transaction: a failed restore leaves the database as empty as it was.
      await runPostgresTool("pg_restore", config.databaseUrl, [
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        dumpFile,
      ]);
    } finally {
      await fs.rm(dumpFile, { force: true });
    }
    return;
  }
  const dump = await readAll(entry);
  const database = await openDatabase({
    dataDir: config.dataDir,
    loadDataDir: new Blob([new Uint8Array(dump)]),
  });
  await database.close();
}

/**
 * Restores an archive of `convene backup` into an empty installation (DATA_DIR and, on PostgreSQL,
 * the database), or over a used one with `force`. Migrations newer than the archive are left to the
 * next `convene start` or `convene migrate`, which applies them as on any upgrade.
 */
export async function restoreBackup(
  config: Config,
  source: string,
  options: { force: boolean },
): Promise<Manifest> {
  const archive = await openArchive(source);
  const progress = await startProgress("Restore", { step: "database" });
  try {
    const { manifest } = archive;
    checkArchive(source, manifest, config);
    const owner = config.databaseUrl ? null : dataDirOwner(config.dataDir);
    if (owner !== null)
      throw new BackupProblem(
        `Convene (pid ${owner}) is running on ${config.dataDir}; stop it before restoring.`,
      );
    const existing = await existingContents(config);
    if (existing.length > 0) {
      if (!options.force)
        throw new BackupProblem(
          `The target is not empty: it holds ${existing.join("; ")}. Restore into an empty DATA_DIR${
            config.databaseUrl ? " and database" : ""
          }, or add --force to replace what is there.`,
        );
      await clearTarget(config);
    }
    await fs.mkdir(config.dataDir, { recursive: true });
    const store = fileStoreFor(config);
    const restored = new Set<string>();
    let restoredFiles = 0;
    for (;;) {
      const next = await archive.entries.next();
      if (next.done) break;
      const entry = next.value;
      const name = entry.header.name;
      if (name === databaseEntry(manifest.database)) {
        progress.update(0, 1, { step: "database" });
        await restoreDatabase(config, entry);
        progress.update(1, 1, { step: "database" });
      } else if (name.startsWith(SECRETS_PREFIX)) {
        const secret = path.basename(name);
        await fs.writeFile(path.join(config.dataDir, secret), await readAll(entry), { mode: 0o600 });
      } else if (name.startsWith(FILES_PREFIX)) {
        await restoreFile(store, entry, restored);
        restoredFiles += 1;
        progress.update(restoredFiles, manifest.files.count, { step: "files" });
      } else {
        throw new BackupProblem(`The archive holds an unexpected entry ${name}.`);
      }
    }
    if (restoredFiles !== manifest.files.count)
      throw new BackupProblem(
        `The archive is incomplete: it lists ${manifest.files.count} files but holds ${restoredFiles}.`,
      );
    return manifest;
  } finally {
    progress.stop();
    archive.close();
  }
}
