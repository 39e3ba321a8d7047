import { spawn } from "node:child_process";
import { BackupProblem } from "./archive.js";

/**
 * Runs pg_dump or pg_restore on a database URL. The password goes in PGPASSWORD rather than on the
 * command line, where every local user would see it in the process list.
 */
export async function runPostgresTool(tool: "pg_dump" | "pg_restore", databaseUrl: string, args: string[]) {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  const child = spawn(tool, [...args, `--dbname=${url.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new BackupProblem(`${tool} was not found on PATH; install PostgreSQL's client tools.`)
          : error,
      ),
    );
    child.once("exit", resolve);
  });
  if (code !== 0)
    throw new BackupProblem(`${tool} failed (exit ${code}): ${Buffer.concat(stderr).toString().trim()}`);
}

/** The URL as it may be shown: without its password. */
export function displayUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = "***";
  return url.toString();
}
