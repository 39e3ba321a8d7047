import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type DemoServer = { baseUrl: string; stop: () => Promise<void> };

/** A port nothing listens on now, for a spec that starts a server of its own beside the run's. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess, log: () => string): Promise<void> {
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

/**
 * Starts the real server the way a person would (`convene start --demo`, serving the built web app)
 * on a throwaway data folder; `stop` ends it and removes the folder.
 */
export async function startDemoServer(
  port: number,
  /** Settings beyond the demo's, e.g. SMTP_URL for a spec that reads the mail it sends. */
  settings: Record<string, string> = {},
): Promise<DemoServer> {
  const baseUrl = `http://localhost:${port}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-demo-"));
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
      ...settings,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, server, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop };
}
