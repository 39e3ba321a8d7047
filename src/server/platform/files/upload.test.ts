/**
 * The upload size limit holds while a file streams: an upload over MAX_UPLOAD_MB is refused with 413
 * naming the field, and neither a `files` row nor any bytes of it stay behind, on either file store.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { startS3Server, type TestS3 } from "../../testing/s3.js";
import { files } from "./schema.js";

/** 64 KiB: small enough that a 1 MiB upload crosses it many chunks before its end. */
const LIMIT_BYTES = 64 * 1024;

/** Every entry under a directory, relative to it, hidden ones included; none when it does not exist. */
async function entriesUnder(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true }).catch(() => [] as string[]);
  return entries.map((entry) => entry.split(path.sep).join("/")).sort();
}

/** Every key in the bucket, `incoming/` ones included. */
async function keysIn(s3: TestS3): Promise<string[]> {
  const { region, endpoint, credentials, forcePathStyle } = s3.fileStore;
  const client = new S3Client({ region, endpoint, credentials, forcePathStyle });
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, ...(token ? { ContinuationToken: token } : {}) }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ""));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  client.destroy();
  return keys.sort();
}

type StoreUnderTest = {
  name: string;
  start: () => Promise<{
    community: TestCommunity;
    stored: () => Promise<string[]>;
    stop: () => Promise<void>;
  }>;
  /** What a stream in flight is kept under until its content address is known. */
  temporary: RegExp;
};

const storesUnderTest: StoreUnderTest[] = [
  {
    name: "the local disk",
    start: async () => {
      const community = await startTestCommunity({ maxUploadBytes: LIMIT_BYTES });
      return {
        community,
        stored: () => entriesUnder(path.join(community.config.dataDir, "files")),
        stop: () => community.close(),
      };
    },
    temporary: /(^|\/)\.incoming-/,
  },
  {
    name: "S3-compatible object storage",
    start: async () => {
      const s3 = await startS3Server();
      const community = await startTestCommunity({ maxUploadBytes: LIMIT_BYTES, fileStore: s3.fileStore });
      return {
        community,
        stored: () => keysIn(s3),
        stop: async () => {
          await community.close();
          await s3.stop();
        },
      };
    },
    temporary: /^incoming\//,
  },
];

describe.each(storesUnderTest)("the upload size limit on $name", ({ start, temporary }) => {
  let running: Awaited<ReturnType<StoreUnderTest["start"]>>;

  beforeAll(async () => {
    running = await start();
  }, 300_000);
  afterAll(async () => {
    await running?.stop();
  }, 300_000);

  it("refuses a file over the limit mid-stream with 413 naming the field, and keeps no row and no bytes of it", async () => {
    const { community, stored } = running;
    const member = await community.signIn("member@northwind.example");
    const created = await member.post("/api/desk/tickets", {
      type: "support_question",
      subject: "A log too large to attach",
      description: "The whole log is attached.",
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/desk/tickets/${created.json().id}/attachments`;

    const rowsBefore = await community.db.select({ id: files.id }).from(files);
    const storedBefore = await stored();

    const over = await member.upload(url, {
      filename: "huge.log",
      contentType: "text/plain",
      data: Buffer.alloc(16 * LIMIT_BYTES, "too large\n"),
    });
    expect(over.statusCode, over.body).toBe(413);
    expect(over.json().error).toMatchObject({
      code: "payload_too_large",
      fields: { file: "At most 64 KB per file." },
    });

    expect(await community.db.select({ id: files.id }).from(files)).toEqual(rowsBefore);
    const storedAfter = await stored();
    expect(storedAfter.filter((entry) => temporary.test(entry))).toEqual([]);
    expect(storedAfter).toEqual(storedBefore);
    const ticket = (await member.get(`/api/desk/tickets/${created.json().id}`)).json();
    expect(ticket.attachments).toEqual([]);

    // The limit refused this file, not every file: one at the limit is taken and stored.
    const atLimit = await member.upload(url, {
      filename: "fits.log",
      contentType: "text/plain",
      data: Buffer.alloc(LIMIT_BYTES, "fits\n"),
    });
    expect(atLimit.statusCode, atLimit.body).toBe(201);
    expect((await stored()).filter((entry) => temporary.test(entry))).toEqual([]);
    expect(await community.db.select({ id: files.id }).from(files)).toHaveLength(rowsBefore.length + 1);
  });
});
