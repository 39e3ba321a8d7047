import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { createBackup } from "./backup.js";
import { restoreBackup } from "./restore.js";

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `convene backup <archive>` and `convene restore <archive>`. */
export function backupCommands(program: Command): void {
  program
    .command("backup")
    .description(
      "copy the database, uploaded files and generated secrets into one archive, also while Convene runs",
    )
    .argument("<archive>", "file to write, e.g. convene-2026-12-06.tar")
    .action(async (archive: string) => {
      const manifest = await createBackup(loadConfig(), path.resolve(archive));
      const files =
        manifest.files.store === "local"
          ? `${manifest.files.count} files (${megabytes(manifest.files.bytes)})`
          : "no files (they live in the S3 bucket; back it up with the bucket's versioning or replication)";
      console.log(
        `Backed up ${manifest.database === "pglite" ? "the embedded database" : "PostgreSQL"} at migration ${manifest.migrationLevel}, ${files} and ${manifest.secrets.length} secrets to ${archive}.`,
      );
    });
  program
    .command("restore")
    .description("restore an archive of `convene backup` into an empty DATA_DIR (and empty DATABASE_URL)")
    .argument("<archive>", "file written by `convene backup`")
    .option("--force", "replace the database, files and secrets already there")
    .action(async (archive: string, options: { force?: boolean }) => {
      const manifest = await restoreBackup(loadConfig(), path.resolve(archive), {
        force: options.force ?? false,
      });
      console.log(
        `Restored the backup of ${manifest.createdAt} (Convene ${manifest.appVersion}, migration ${manifest.migrationLevel}, ${manifest.files.count} files). The next \`convene start\` applies any newer migrations.`,
      );
    });
}
