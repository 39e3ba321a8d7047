import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Where a `convene` process finds its database: a DATA_DIR, and a PostgreSQL URL or none (PGlite);
 * `env` adds settings (a file store in a bucket, say).
 */
export type ConveneTarget = { dataDir: string; databaseUrl?: string; env?: Record<string, string> };

export const conveneEnvironment = ({ dataDir, databaseUrl, env }: ConveneTarget): NodeJS.ProcessEnv => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl ?? "",
  LOG_LEVEL: "silent",
  ...env,
});

/** Runs the real `convene` binary to its end; a failure is an exit code, not a thrown error. */
export async function runConvene(target: ConveneTarget, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/convene.js", ...args], {
      env: conveneEnvironment(target),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Seeds the demo community through the real CLI with `env`, failing with the CLI's output if it fails. */
export async function seedDemo(env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(process.execPath, ["bin/convene.js", "seed", "--demo"], { env });
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    throw new Error(`convene seed --demo exited ${failed.code}:\n${failed.stdout}${failed.stderr}`);
  }
}
