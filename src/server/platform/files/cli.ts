import type { Command } from "commander";
import { type Config, loadConfig } from "../../config.js";
import { startProgress } from "../progress.js";
import { LocalFileStore } from "./local-store.js";
import { fileStoreFor } from "./stores.js";

export type CopySummary = { copied: number; skipped: number; corrupt: string[]; bytes: number };

/**
 * Copies every file of the local store (DATA_DIR/files) into the configured S3 bucket, skipping
 * those already there; a file whose bytes no longer match its name is reported, not copied.
 */
export async function copyLocalFilesToS3(config: Config): Promise<CopySummary> {
  if (config.fileStore.kind !== "s3")
    throw new Error("Set FILE_STORE=s3 and the S3_* variables: they name the bucket to copy into.");
  const local = new LocalFileStore(config.dataDir);
  const target = fileStoreFor(config);
  const blobs = [];
  for await (const blob of local.list()) blobs.push(blob);
  const summary: CopySummary = { copied: 0, skipped: 0, corrupt: [], bytes: 0 };
  const progress = await startProgress("Copying files", { file: "" });
  try {
    for (const [index, blob] of blobs.entries()) {
      progress.update(index, blobs.length, { file: blob.sha256.slice(0, 12) });
      if (await target.exists(blob.sha256)) {
        summary.skipped += 1;
        continue;
      }
      const stored = await target.put(await local.get(blob.sha256));
      if (stored.sha256 !== blob.sha256) {
        summary.corrupt.push(blob.sha256);
        continue;
      }
      summary.copied += 1;
      summary.bytes += stored.size;
    }
    progress.update(blobs.length, blobs.length, { file: "" });
  } finally {
    progress.stop();
  }
  return summary;
}

/** `convene files copy-to-s3`. */
export function fileCommands(program: Command): void {
  const files = program.command("files").description("uploaded files and where their bytes live");
  files
    .command("copy-to-s3")
    .description("copy DATA_DIR/files into the S3 bucket FILE_STORE=s3 names, skipping what is there")
    .action(async () => {
      const summary = await copyLocalFilesToS3(loadConfig());
      console.log(
        `Copied ${summary.copied} files (${summary.bytes} bytes); ${summary.skipped} were already in the bucket.`,
      );
      if (summary.corrupt.length > 0) {
        console.error(`Not copied, their bytes do not match their names: ${summary.corrupt.join(", ")}`);
        process.exitCode = 1;
      }
    });
}
