import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type TestS3 } from "../../testing/s3.js";
import { FileMissingError, type FileStore } from "./file-store.js";
import { LocalFileStore } from "./local-store.js";
import { S3FileStore } from "./s3-store.js";
import { checkFileStore } from "./stores.js";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

let s3: TestS3;
let dataDir: string;
const stores: Record<string, () => FileStore> = {
  "the local disk": () => new LocalFileStore(dataDir),
  "S3-compatible object storage": () => new S3FileStore(s3.fileStore),
};

beforeAll(async () => {
  s3 = await startS3Server();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-files-"));
});
afterAll(async () => {
  await s3?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe.each(Object.entries(stores))("the file store on %s", (_name, makeStore) => {
  it("stores a stream under its sha256 and gives the bytes back whole", async () => {
    const store = makeStore();
    const chunks = ["first line\n", "second line\n", "third"];
    const blob = await store.put(Readable.from(chunks.map((chunk) => Buffer.from(chunk))));
    expect(blob).toEqual({ sha256: sha256(chunks.join("")), size: chunks.join("").length });
    expect(await text(await store.get(blob.sha256))).toBe(chunks.join(""));
    expect(await store.head(blob.sha256)).toEqual({ size: blob.size });
    expect(await store.exists(blob.sha256)).toBe(true);
  });

  it("gives back one range of bytes, both ends included", async () => {
    const store = makeStore();
    const blob = await store.put(Buffer.from("0123456789abcdef"));
    expect(await text(await store.get(blob.sha256, { start: 3, end: 7 }))).toBe("34567");
    expect(await text(await store.get(blob.sha256, { start: 15, end: 15 }))).toBe("f");
  });

  it("keeps the same bytes once, whoever stores them twice", async () => {
    const store = makeStore();
    const first = await store.put(Buffer.from("twice"));
    const second = await store.put(Readable.from([Buffer.from("tw"), Buffer.from("ice")]));
    expect(second).toEqual(first);
    expect(await text(await store.get(first.sha256))).toBe("twice");
  });

  it("stores a large stream in parts without changing a byte", async () => {
    const store = makeStore();
    // Over 5 MB: the S3 upload becomes a multipart upload.
    const data = Buffer.alloc(6 * 1024 * 1024 + 17, "convene");
    const blob = await store.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    expect(blob).toEqual({ sha256: sha256(data), size: data.length });
    const back = Buffer.concat(await (await store.get(blob.sha256)).toArray());
    expect(sha256(back)).toBe(blob.sha256);
  });

  it("says a hash it holds nothing for is missing, and deletes what it holds", async () => {
    const store = makeStore();
    const absent = sha256("never stored");
    expect(await store.head(absent)).toBeNull();
    expect(await store.exists(absent)).toBe(false);
    await expect(store.get(absent)).rejects.toBeInstanceOf(FileMissingError);
    const blob = await store.put(Buffer.from("to be deleted"));
    await store.delete(blob.sha256);
    expect(await store.exists(blob.sha256)).toBe(false);
    await store.delete(blob.sha256);
  });

  it("keeps nothing of a stream that fails half-way", async () => {
    const store = makeStore();
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from("half of a file that never ");
        throw new Error("the client went away");
      })(),
    );
    await expect(store.put(failing)).rejects.toThrow("the client went away");
    expect(await store.exists(sha256("half of a file that never "))).toBe(false);
  });

  it("refuses a stream that failed before the store began to read it, and the process carries on", async () => {
    const store = makeStore();
    const failedEarly = new Readable({ read() {} });
    failedEarly.destroy(new Error("refused before the first byte"));
    await expect(store.put(failedEarly)).rejects.toThrow("refused before the first byte");
  });

  it("passes its readiness check when reachable", async () => {
    await expect(checkFileStore(makeStore())).resolves.toBeUndefined();
  });
});

describe("the readiness check", () => {
  it("names the bucket when it does not exist", async () => {
    const store = new S3FileStore({ ...s3.fileStore, bucket: "no-such-bucket" });
    await expect(checkFileStore(store)).rejects.toThrow(
      `The file store (S3 bucket no-such-bucket at ${s3.endpoint}) is unreachable: the bucket no-such-bucket does not exist.`,
    );
  });

  it("names the endpoint when nothing answers there", async () => {
    const store = new S3FileStore({ ...s3.fileStore, endpoint: "http://127.0.0.1:9" });
    await expect(checkFileStore(store)).rejects.toThrow(
      "The file store (S3 bucket convene-files at http://127.0.0.1:9) is unreachable",
    );
  });

  it("says when the local directory cannot be written", async () => {
    const file = path.join(dataDir, "not-a-directory");
    await fs.writeFile(file, "");
    await expect(checkFileStore(new LocalFileStore(file))).rejects.toThrow(
      `The file store (DATA_DIR/files at ${path.join(file, "files")}) is unreachable`,
    );
  });
});
