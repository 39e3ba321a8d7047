import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";

/** Inclusive byte positions, as an HTTP Range header counts them. */
export type ByteRange = { start: number; end: number };

/** What `put` stored: the content address (sha256 in hex) and the length in bytes. */
export type StoredBlob = { sha256: string; size: number };

/**
 * Where uploaded files' bytes live, content-addressed by sha256: the same bytes twice are kept once.
 * Rows in `files` say who uploaded what under which name; this store only knows hashes.
 */
export interface FileStore {
  /** Says where, for messages: "DATA_DIR/files at /srv/data/files", "S3 bucket x at https://…". */
  readonly description: string;
  /**
   * Streams bytes in while hashing them, to a temporary name first and then to their content
   * address, so a failed or refused stream (the source errors) leaves nothing behind.
   */
  put(content: Readable | Buffer): Promise<StoredBlob>;
  /** The bytes (or one range of them); throws FileMissingError when there are none under the hash. */
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  /** The stored length, or null when nothing is stored under the hash. */
  head(sha256: string): Promise<{ size: number } | null>;
  exists(sha256: string): Promise<boolean>;
  /** Removes the bytes; nothing to remove is not an error. */
  delete(sha256: string): Promise<void>;
  /** Throws when the store cannot be written to or reached right now. */
  check(): Promise<void>;
  /** Every stored file, by content address (uploads still being written are not listed). */
  list(): AsyncIterable<StoredBlob>;
}

/** A content key (`ab/ab12…`) as both stores name their files; anything else in the store is not one. */
export function blobOfKey(key: string): string | null {
  const match = /^([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  return match?.[2]?.startsWith(match[1] ?? "") ? match[2] : null;
}

export class FileMissingError extends Error {
  constructor(
    readonly sha256: string,
    where: string,
  ) {
    super(`No bytes for ${sha256} in ${where}.`);
    this.name = "FileMissingError";
  }
}

/** The key of a file in either store: a two-character fan-out directory keeps listings short. */
export const contentKey = (sha256: string) => `${sha256.slice(0, 2)}/${sha256}`;

/**
 * The bytes to store, as one stream. A store awaits (a directory, a bucket) before it starts reading,
 * and a stream that fails meanwhile (an upload over the size limit ends that way) would raise an error
 * nobody listens to, which ends the process. The listener added here only keeps it from being
 * unheard: the failure stays on the stream (`errored`), and the pipeline that reads it rejects with it.
 */
export function readableSource(content: Readable | Buffer): Readable {
  if (Buffer.isBuffer(content)) return Readable.from([content]);
  content.on("error", () => {});
  return content;
}

/** A pass-through that hashes and counts what flows through it; read `blob()` once it has ended. */
export function hashingStream(): { stream: Transform; blob: () => StoredBlob } {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  let digest: string | null = null;
  return {
    stream,
    blob: () => {
      digest ??= hash.digest("hex");
      return { sha256: digest, size };
    },
  };
}
