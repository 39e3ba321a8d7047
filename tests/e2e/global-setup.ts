import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

const port = Number(process.env.E2E_PORT ?? 3917);
const baseUrl = `http://localhost:${port}`;

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

async function waitForHealth(server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Convene exited early:\n${log()}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Convene did not answer /api/health within 90 s:\n${log()}`);
}

/** Starts the real server the way a person would (`convene start --demo`) on a throwaway data folder. */
export default async function setup(project: TestProject) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-e2e-"));
  let output = "";
  const server = spawn(process.execPath, ["bin/convene.js", "start", "--demo", "--port", String(port)], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
      SMTP_URL: "",
      // Every spec signs in several people from this one address; the per-address limit is for
      // password guessing, not for a browser test run.
      SIGN_IN_ATTEMPTS_PER_IP: "1000",
      // Any free port for group mail, so runs side by side (and a demo on 2525) do not collide.
      GROUP_SMTP_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await waitForHealth(server, () => output);
  project.provide("baseUrl", baseUrl);
  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
