import { createReadStream, createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Header } from "tar-stream";
import { z } from "zod";
import type { DatabaseKind } from "../../db/client.js";

/** Raised when an archive or its target is not what a backup or restore can work with; a person's to fix. */
export class BackupProblem extends Error {}

/** Bumped when the archive's layout changes in a way an older `convene restore` cannot read. */
export const ARCHIVE_FORMAT = 1;

export const MANIFEST_ENTRY = "manifest.json";
/** The database as `dumpDataDir` wrote it (embedded) or as `pg_dump --format=custom` did (PostgreSQL). */
export const databaseEntry = (kind: DatabaseKind) =>
  kind === "pglite" ? "database/pglite.tar.gz" : "database/postgres.dump";
/** Secrets generated into DATA_DIR (audit key, link signing keys): without them old links and the audit chain break. */
export const SECRETS_PREFIX = "secrets/";
/** Uploaded files by content address, as DATA_DIR/files holds them: files/ab/ab12…. */
export const FILES_PREFIX = "files/";

export const manifestSchema = z.object({
  format: z.number().int(),
  appVersion: z.string(),
  /** Migrations applied to the database when it was copied: a restore refuses a database newer than its code. */
  migrationLevel: z.number().int().min(0),
  latestMigration: z.string().nullable(),
  database: z.enum(["pglite", "postgres"]),
  createdAt: z.string(),
  files: z.object({
    /**
     * "local": the files are in the archive. "s3": they live in the bucket, which the archive does
     * not copy (the bucket's own versioning or replication backs them up); `count` is then what the
     * database refers to.
     */
    store: z.enum(["local", "s3"]),
    count: z.number().int().min(0),
    bytes: z.number().int().min(0),
  }),
  secrets: z.array(z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * One entry of an archive being written: its bytes in memory, a file on disk, or a stream opened when
 * its turn comes (a stored upload), each streamed in.
 */
export type ArchiveEntry = { name: string; mode?: number } & (
  | { data: Buffer }
  | { path: string; size: number }
  | { open: () => Promise<Readable>; size: number }
);

/**
 * Writes a tar archive, manifest first so a restore can refuse an archive before reading the rest.
 * Plain tar, not gzipped: the database dumps are compressed already and uploads mostly are.
 */
export async function writeArchive(
  target: string,
  manifest: Manifest,
  entries: AsyncIterable<ArchiveEntry> | Iterable<ArchiveEntry>,
): Promise<void> {
  const { pack: packer } = await import("tar-stream");
  const pack = packer();
  const written = pipeline(pack, createWriteStream(target, { mode: 0o600 }));
  const add = (entry: ArchiveEntry) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      const mode = entry.mode ?? 0o600;
      if ("data" in entry) {
        pack.entry({ name: entry.name, mode, size: entry.data.length }, entry.data, done);
        return;
      }
      const sink = pack.entry({ name: entry.name, mode, size: entry.size }, done);
      const source = "path" in entry ? Promise.resolve(createReadStream(entry.path)) : entry.open();
      source.then((bytes) => bytes.on("error", reject).pipe(sink), reject);
    });
  try {
    await add({ name: MANIFEST_ENTRY, data: Buffer.from(JSON.stringify(manifest, null, 2)) });
    for await (const entry of entries) await add(entry);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
  }
  await written;
}

/** An entry read from an archive: its header, and its bytes as a stream. */
export type ArchiveSource = AsyncIterable<unknown> & { header: Header };

export type ArchiveReader = {
  manifest: Manifest;
  /** Each entry after the manifest once; its stream must be consumed before the next is read. */
  entries: AsyncIterator<ArchiveSource>;
  close: () => void;
};

/** Opens an archive and reads its manifest, refusing a file that is not a Convene backup. */
export async function openArchive(source: string): Promise<ArchiveReader> {
  const extract = (await import("tar-stream")).extract();
  const input = createReadStream(source);
  input.on("error", (error) => extract.destroy(error));
  input.pipe(extract);
  const entries = extract[Symbol.asyncIterator]() as AsyncIterator<ArchiveSource>;
  const close = () => {
    input.destroy();
    extract.destroy();
  };
  try {
    const first = await entries.next();
    if (first.done || first.value.header.name !== MANIFEST_ENTRY)
      throw new BackupProblem(`${source} is not a Convene backup: it does not begin with ${MANIFEST_ENTRY}.`);
    const parsed = manifestSchema.safeParse(JSON.parse((await readAll(first.value)).toString("utf8")));
    if (!parsed.success) throw new BackupProblem(`${source} has a manifest this version cannot read.`);
    if (parsed.data.format > ARCHIVE_FORMAT)
      throw new BackupProblem(
        `${source} is in archive format ${parsed.data.format}; this version of Convene reads up to ${ARCHIVE_FORMAT}. Restore it with a newer Convene.`,
      );
    return { manifest: parsed.data, entries, close };
  } catch (error) {
    close();
    if (error instanceof SyntaxError || (error as Error).message?.includes("header"))
      throw new BackupProblem(`${source} is not a Convene backup.`);
    throw error;
  }
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
