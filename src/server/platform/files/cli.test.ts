import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { runConvene } from "../../testing/cli.js";
import { startS3Server, type TestS3 } from "../../testing/s3.js";
import { LocalFileStore } from "./local-store.js";
import { S3FileStore } from "./s3-store.js";

let s3: TestS3;
let dataDir: string;

beforeAll(async () => {
  s3 = await startS3Server();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-copy-"));
});
afterAll(async () => {
  await s3?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("convene files copy-to-s3", () => {
  it("copies the local store into the bucket, skipping what is already there", async () => {
    const local = new LocalFileStore(dataDir);
    const bucket = new S3FileStore(s3.fileStore);
    const first = await local.put(Buffer.from("first file"));
    const second = await local.put(Buffer.from("second file"));
    await bucket.put(Buffer.from("second file"));

    const { copyLocalFilesToS3 } = await import("./cli.js");
    const config = { ...loadConfig({ DATA_DIR: dataDir, ...s3.env }) };
    const summary = await copyLocalFilesToS3(config);
    expect(summary).toEqual({ copied: 1, skipped: 1, corrupt: [], bytes: "first file".length });
    expect(await text(await bucket.get(first.sha256))).toBe("first file");
    expect(await bucket.exists(second.sha256)).toBe(true);
  });

  it("runs as a command that prints its summary, and refuses without FILE_STORE=s3", async () => {
    const again = await runConvene({ dataDir }, "files", "copy-to-s3");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Set FILE_STORE=s3");
  });
});
