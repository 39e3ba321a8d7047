import { randomUUID } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type ByteRange,
  blobOfKey,
  contentKey,
  FileMissingError,
  type FileStore,
  hashingStream,
  readableSource,
  type StoredBlob,
} from "./file-store.js";

/** Where the local store keeps its bytes: DATA_DIR/files/<first two hex>/<sha256>. */
export function filesDir(dataDir: string): string {
  return path.join(dataDir, "files");
}

/** Bytes on this machine's disk, laid out as Convene always has, so existing data keeps working. */
export class LocalFileStore implements FileStore {
  readonly directory: string;
  readonly description: string;

  constructor(dataDir: string) {
    this.directory = filesDir(dataDir);
    this.description = `DATA_DIR/files at ${this.directory}`;
  }

  pathOf(sha256: string): string {
    return path.join(this.directory, ...contentKey(sha256).split("/"));
  }

  async put(content: Readable | Buffer): Promise<StoredBlob> {
    const source = readableSource(content);
    await fs.mkdir(this.directory, { recursive: true });
    // Hidden in the top directory: never mistaken for a stored file by a listing of the fan-out.
    const temporary = path.join(this.directory, `.incoming-${randomUUID()}`);
    const hashing = hashingStream();
    try {
      await pipeline(source, hashing.stream, createWriteStream(temporary, { flags: "wx" }));
      const blob = hashing.blob();
      const target = this.pathOf(blob.sha256);
      await fs.mkdir(path.dirname(target), { recursive: true });
      // Same name, same bytes: replacing an existing copy of them changes nothing a reader sees.
      await fs.rename(temporary, target);
      return blob;
    } finally {
      await fs.rm(temporary, { force: true });
    }
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    const handle = await fs.open(this.pathOf(sha256), "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new FileMissingError(sha256, this.description);
      throw error;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async head(sha256: string): Promise<{ size: number } | null> {
    const stat = await fs.stat(this.pathOf(sha256)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    return stat ? { size: stat.size } : null;
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.head(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true });
  }

  async check(): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true });
    await fs.access(this.directory, constants.R_OK | constants.W_OK);
  }

  /** Every stored file's hash and size, for copying the store elsewhere. */
  async *list(): AsyncGenerator<StoredBlob> {
    const fanOut = await fs.readdir(this.directory, { withFileTypes: true }).catch(() => []);
    for (const entry of fanOut) {
      if (!entry.isDirectory() || !/^[0-9a-f]{2}$/.test(entry.name)) continue;
      for (const name of await fs.readdir(path.join(this.directory, entry.name))) {
        if (!blobOfKey(`${entry.name}/${name}`)) continue;
        const stat = await fs.stat(path.join(this.directory, entry.name, name));
        if (stat.isFile()) yield { sha256: name, size: stat.size };
      }
    }
  }
}
