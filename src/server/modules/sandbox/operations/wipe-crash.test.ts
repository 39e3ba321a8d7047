import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { count, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { DEAD_CLIENT_CHECK_MS, openDatabase } from "../../../db/client.js";
import { auditLog, sandboxWipes, volunteers } from "../../../db/schema.js";
import type { Ctx } from "../../../platform/context.js";
import { sessionLockHeld } from "../../../platform/session-lock.js";
import { conveneEnvironment, runConvene } from "../../../testing/cli.js";
import { newPostgresTestDatabase } from "../../../testing/harness.js";
import { ABANDONED_WIPE_ERROR, WIPE_FAILED, WIPE_RUNNER_LOCK } from "./wipe-liveness.js";
import { assertNotResetting } from "./wipe-state.js";

/**
 * A wipe whose process is killed: the real `convene sandbox wipe --now` is stopped with SIGKILL in the
 * middle of writing the baseline, on this run's database (the embedded one in a directory of its own,
 * or a fresh PostgreSQL database when TEST_DATABASE_URL is set). Its transaction rolls back; what is
 * checked is that nothing is left blocking the sandbox afterwards.
 */
const BASELINE_VOLUNTEERS = 20_000;

let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase = async () => {};

const target = () => ({ dataDir, databaseUrl });
const convene = (...args: string[]) => runConvene(target(), ...args);

/** Starts a wipe and kills its process with SIGKILL once its progress shows it writing the new baseline. */
async function killWipeMidway(): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, ["bin/convene.js", "sandbox", "wipe", "--now"], {
    env: conveneEnvironment(target()),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    // The progress lines go to stderr: kill once some, not all, of the new baseline's volunteers are written.
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const [, done, total] = / (\d+)\/(\d+) volunteers/.exec(output) ?? [];
      if (Number(done) > 0 && Number(done) < Number(total)) {
        child.kill("SIGKILL");
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`the wipe ended before it could be killed:\n${output}`)));
  });
  expect(await exited).toBe("SIGKILL");
}

/** Opens this run's database in the test process, as the restarted server would. */
async function withDatabase<T>(work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const config = loadConfig({}, { dataDir, databaseUrl, logLevel: "silent" });
  const database = await openDatabase(config);
  try {
    return await work({ db: database.db, config, actor: null, ip: null });
  } finally {
    await database.close();
  }
}

/**
 * PostgreSQL ends a killed client's session when its next connection check finds the socket closed
 * (every DEAD_CLIENT_CHECK_MS while a statement runs); until then the runner's lock is rightly held.
 * On PGlite the lock died with the process.
 */
async function runnerSessionEnded(ctx: Ctx): Promise<void> {
  const deadline = Date.now() + 30 * DEAD_CLIENT_CHECK_MS;
  for (;;) {
    const result = (await ctx.db.execute(
      sql`select ${sessionLockHeld(WIPE_RUNNER_LOCK)} as held`,
    )) as unknown as {
      rows: { held: boolean }[];
    };
    if (!result.rows[0]?.held) return;
    if (Date.now() > deadline) throw new Error("the killed wipe's database session never ended");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const volunteerCount = async (ctx: Ctx) =>
  Number(
    (await ctx.db.select({ n: count() }).from(volunteers).where(isNull(volunteers.removedAt)))[0]?.n ?? 0,
  );

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-wipe-crash-"));
  const postgres = await newPostgresTestDatabase();
  if (postgres) {
    databaseUrl = postgres.url;
    dropDatabase = postgres.drop;
  }
  const staff = await convene("admin", "create-staff", "--email", "ops@vendor.example", "--name", "Ops");
  expect(staff.code, staff.stderr).toBe(0);
  const seeded = await convene(
    "sandbox",
    "seed",
    "--volunteers",
    String(BASELINE_VOLUNTEERS),
    "--studies",
    "0",
  );
  expect(seeded.code, seeded.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await dropDatabase();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe(`a wipe whose process is killed (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, {
  timeout: 300_000,
}, () => {
  it("leaves the data as it was, the wipe failed with the reason, the sandbox open and a new wipe possible", async () => {
    await killWipeMidway();

    await withDatabase(async (ctx) => {
      await runnerSessionEnded(ctx);
      // Killed while it ran: the claim had committed, the baseline had not.
      const [killed] = await ctx.db.select().from(sandboxWipes);
      expect(killed?.status).toBe("running");
      // The transaction rolled back: the baseline seeded before is all there.
      expect(await volunteerCount(ctx)).toBe(BASELINE_VOLUNTEERS);
      // The first sandbox request after the restart finds the wipe abandoned and goes through.
      await expect(assertNotResetting(ctx)).resolves.toBeUndefined();
      const [wipe] = await ctx.db.select().from(sandboxWipes);
      expect(wipe).toMatchObject({ status: "failed", error: ABANDONED_WIPE_ERROR });
      const [audited] = await ctx.db.select().from(auditLog).where(eq(auditLog.action, WIPE_FAILED));
      expect(audited?.targetId).toBe(wipe?.id);
    });

    const again = await convene("sandbox", "wipe", "--now");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`the baseline has ${BASELINE_VOLUNTEERS} volunteers`);
  });
});
