import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import type { FileStoreConfig } from "../config.js";
import { freePort } from "./ports.js";

export type TestS3 = {
  endpoint: string;
  bucket: string;
  /** The FILE_STORE=s3 settings that reach this server. */
  fileStore: Extract<FileStoreConfig, { kind: "s3" }>;
  /** The same, as the environment of a `convene` process. */
  env: Record<string, string>;
  stop: () => Promise<void>;
};

/**
 * A real S3-protocol server (s3rver, objects on a temporary directory) with one empty bucket,
 * listening on 127.0.0.1 on a free port (see TEST_PORTS); `stop` closes it and removes its files.
 */
export async function startS3Server(bucket = "convene-files"): Promise<TestS3> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "convene-s3-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const server = new S3rver({
      address: "127.0.0.1",
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    // Another process may take the port between the probe and the listen.
    const listening = await server.run().catch((error: unknown) => {
      if (attempt >= 5) throw error;
      return null;
    });
    if (!listening) continue;
    const endpoint = `http://127.0.0.1:${listening.port}`;
    const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
    return {
      endpoint,
      bucket,
      fileStore: { kind: "s3", endpoint, region: "us-east-1", bucket, credentials, forcePathStyle: true },
      env: {
        FILE_STORE: "s3",
        S3_ENDPOINT: endpoint,
        S3_REGION: "us-east-1",
        S3_BUCKET: bucket,
        S3_ACCESS_KEY_ID: credentials.accessKeyId,
        S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      },
      stop: async () => {
        await server.close();
        await fs.rm(directory, { recursive: true, force: true });
      },
    };
  }
}
