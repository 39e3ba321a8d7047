import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConvene } from "../testing/cli.js";
import { DataDirInUse, openDatabase } from "./client.js";

let dataDir: string;

/** The real `convene migrate` on this test's directory: another process opening the same database. */
const migrateInAnotherProcess = () => runConvene({ dataDir }, "migrate");

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-lock-"));
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

describe("the embedded database's directory", { timeout: 120_000 }, () => {
  it("is refused to a second process while one has it open, and free again once it is closed", async () => {
    const database = await openDatabase({ dataDir });
    try {
      const refused = await migrateInAnotherProcess();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("is open in another Convene process");
    } finally {
      await database.close();
    }
    expect((await migrateInAnotherProcess()).code).toBe(0);
  });

  it("is taken over from a process that died without closing it", async () => {
    // A process id that was real and is gone: a child that has exited.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await fs.writeFile(path.join(dataDir, "pglite.lock"), String(gone));
    const database = await openDatabase({ dataDir });
    await database.close();
  });

  it("names the directory and the way out in the error", async () => {
    await fs.writeFile(path.join(dataDir, "pglite.lock"), String(process.ppid));
    await expect(openDatabase({ dataDir })).rejects.toThrow(DataDirInUse);
    await fs.rm(path.join(dataDir, "pglite.lock"));
  });
});
