/**
 * `convene backup` then `convene restore` into a fresh place gives back every table's rows, the
 * uploaded files' bytes and the generated secrets: on the embedded database (copied through the
 * control socket of a real running `convene start`) and on PostgreSQL (only with TEST_DATABASE_URL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { type Db, openDatabase } from "../../db/client.js";
import { type ConveneTarget, conveneEnvironment, runConvene } from "../../testing/cli.js";
import { newPostgresTestDatabase } from "../../testing/harness.js";
import { startS3Server } from "../../testing/s3.js";
import { LocalFileStore } from "../files/local-store.js";
import { S3FileStore } from "../files/s3-store.js";
import { storeFile } from "../files/store.js";
import { ARCHIVE_FORMAT, type Manifest, writeArchive } from "./archive.js";

const repoRoot = path.resolve(import.meta.dirname, "../../../..");
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function temporaryDir(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `convene-${name}-`));
  cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const attachment = Buffer.from("Build 4.2 crashed while exporting the study report.\n");

/** Seeds the demo with the real CLI and uploads one file; answers the stored file's content address. */
async function seedWithUpload(target: ConveneTarget): Promise<string> {
  const seeded = await runConvene(target, "seed", "--demo");
  expect(seeded.code, seeded.stderr).toBe(0);
  const config = loadConfig(conveneEnvironment(target));
  const database = await openDatabase(config);
  try {
    const stored = await storeFile(
      { db: database.db, config, actor: null, ip: null },
      { filename: "crash.log", contentType: "text/plain", data: attachment, field: "file" },
    );
    return stored.sha256;
  } finally {
    await database.close();
  }
}

/** Rows in every table of the application's schemas (drizzle's migration record included). */
async function rowCounts(target: ConveneTarget): Promise<Record<string, number>> {
  const database = await openDatabase(target);
  try {
    const db: Db = database.db;
    const tables = (await db.execute(
      sql`select schemaname || '.' || tablename as name from pg_tables
          where schemaname not like 'pg\\_%' and schemaname <> 'information_schema' order by 1`,
    )) as unknown as { rows: { name: string }[] };
    const counts: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const result = (await db.execute(sql.raw(`select count(*)::int as n from ${name}`))) as unknown as {
        rows: { n: number }[];
      };
      counts[name] = result.rows[0]?.n ?? 0;
    }
    return counts;
  } finally {
    await database.close();
  }
}

/** `convene start` as its own OS process, answering /api/health. */
async function startServer(target: ConveneTarget, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["bin/convene.js", "start", "--no-demo", "--port", String(port)], {
    cwd: repoRoot,
    env: { ...conveneEnvironment(target), HOST: "127.0.0.1" },
    stdio: "pipe",
  });
  const log: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  for (const deadline = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`convene start exited:\n${log.join("")}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return child;
    if (Date.now() > deadline) throw new Error(`convene start did not answer:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Seeding the demo and starting real processes is slow on a busy two-core machine.
describe("backing up and restoring an installation", { timeout: 900_000 }, () => {
  it("restores a backup of the embedded database taken while `convene start` runs", async () => {
    const source = { dataDir: await temporaryDir("backup-source") };
    const sha256 = await seedWithUpload(source);
    const server = await startServer(source, 36301);
    const archive = path.join(await temporaryDir("backup-archive"), "convene.tar");
    const backup = await runConvene(source, "backup", archive);
    expect(backup.code, backup.stderr).toBe(0);
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;

    const restored = { dataDir: await temporaryDir("backup-restored") };
    const restore = await runConvene(restored, "restore", archive);
    expect(restore.code, restore.stderr).toBe(0);
    expect((await runConvene(restored, "migrate")).code).toBe(0);

    const counts = await rowCounts(restored);
    expect(counts["public.files"]).toBeGreaterThan(0);
    expect(counts).toEqual(await rowCounts(source));
    expect(await fs.readFile(new LocalFileStore(restored.dataDir).pathOf(sha256))).toEqual(attachment);
    expect(await fs.readFile(path.join(restored.dataDir, "audit.secret"), "utf8")).toBe(
      await fs.readFile(path.join(source.dataDir, "audit.secret"), "utf8"),
    );

    const again = await runConvene(restored, "restore", archive);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a database in ${path.join(restored.dataDir, "pglite")}`);
    expect(again.stderr).toContain("--force");
    expect((await runConvene(restored, "restore", "--force", archive)).code).toBe(0);
    expect(await rowCounts(restored)).toEqual(counts);
  });

  it("carries the files of a bucket into the archive and restores them into another bucket", async () => {
    const sourceBucket = await startS3Server("backup-source");
    const restoredBucket = await startS3Server("backup-restored");
    cleanup.push(sourceBucket.stop, restoredBucket.stop);
    const source = { dataDir: await temporaryDir("backup-s3-source"), env: sourceBucket.env };
    const sha256 = await seedWithUpload(source);
    const archive = path.join(await temporaryDir("backup-s3-archive"), "convene.tar");
    const backup = await runConvene(source, "backup", archive);
    expect(backup.code, backup.stderr).toBe(0);

    const restored = { dataDir: await temporaryDir("backup-s3-restored"), env: restoredBucket.env };
    const restore = await runConvene(restored, "restore", archive);
    expect(restore.code, restore.stderr).toBe(0);
    const bucket = new S3FileStore(restoredBucket.fileStore);
    expect(await text(await bucket.get(sha256))).toBe(attachment.toString());
    expect(await fs.readdir(restored.dataDir)).not.toContain("files");

    // Restoring into the bucket of the installation it came from: its files are already there.
    const intoSourceBucket = { dataDir: await temporaryDir("backup-s3-again"), env: sourceBucket.env };
    const again = await runConvene(intoSourceBucket, "restore", archive);
    expect(again.code, again.stderr).toBe(0);
  });

  it("refuses an archive from a newer migration level, naming both levels", async () => {
    const archive = path.join(await temporaryDir("backup-newer"), "newer.tar");
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      appVersion: "9.9.9",
      migrationLevel: 999,
      latestMigration: "0998_from_the_future",
      database: "pglite",
      createdAt: new Date().toISOString(),
      files: { store: "local", count: 0, bytes: 0 },
      secrets: [],
    };
    await writeArchive(archive, manifest, []);
    const target = { dataDir: await temporaryDir("backup-newer-target") };
    const restore = await runConvene(target, "restore", archive);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain("migration 999 (0998_from_the_future)");
    expect(await fs.readdir(target.dataDir)).toEqual([]);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("restores a PostgreSQL backup into another database", async () => {
    const sourceDatabase = await newPostgresTestDatabase();
    const restoredDatabase = await newPostgresTestDatabase();
    if (!sourceDatabase || !restoredDatabase) throw new Error("TEST_DATABASE_URL is set");
    cleanup.push(sourceDatabase.drop, restoredDatabase.drop);
    const source = { dataDir: await temporaryDir("backup-pg-source"), databaseUrl: sourceDatabase.url };
    const sha256 = await seedWithUpload(source);
    const archive = path.join(await temporaryDir("backup-pg-archive"), "convene.tar");
    const backup = await runConvene(source, "backup", archive);
    expect(backup.code, backup.stderr).toBe(0);

    const restored = { dataDir: await temporaryDir("backup-pg-restored"), databaseUrl: restoredDatabase.url };
    const restore = await runConvene(restored, "restore", archive);
    expect(restore.code, restore.stderr).toBe(0);
    expect((await runConvene(restored, "migrate")).code).toBe(0);
    expect(await rowCounts(restored)).toEqual(await rowCounts(source));
    expect(await fs.readFile(new LocalFileStore(restored.dataDir).pathOf(sha256))).toEqual(attachment);

    const again = await runConvene(restored, "restore", archive);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("tables in the database");
  });
});
