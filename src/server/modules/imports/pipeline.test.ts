import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRecords, importRuns, messages } from "../../db/schema.js";
import { actingAs } from "../../platform/context.js";
import { runConvene } from "../../testing/cli.js";
import { slackExportEntries, writeSlackExport } from "../../testing/exports.js";
import { newPostgresTestDatabase, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { writeZip } from "../../testing/zip.js";
import { actorOf } from "../accounts/index.js";
import { claimRun, createRun, importRun, surveyRun } from "./pipeline.js";

describe("an import stopped half way", () => {
  let community: TestCommunity;
  beforeAll(async () => {
    community = await startTestCommunity();
  });
  afterAll(() => community?.close());

  it("fails saying why, keeps what it wrote, and resumes where it stopped without writing anything twice", async () => {
    const staff = asStaff(community);
    const filePath = await writeSlackExport("resume");
    const run = await createRun(staff, {
      source: "slack",
      filename: "slack.zip",
      filePath,
      unknownPeople: "placeholder",
    });
    expect((await surveyRun(staff, run.id)).status).toBe("ready");

    // The export changes under the run: a later conversation's day file breaks.
    const broken = { ...slackExportEntries(), "northwind-private/2024-03-02.json": "[{ not json" };
    await writeZip(filePath, broken);
    await claimRun(staff, run.id);
    const failed = await importRun(staff, run.id);
    expect(failed).toMatchObject({ status: "failed", finished: ["C01", "C02"] });
    expect(failed.error).toContain("northwind-private/2024-03-02.json");
    const written = await messageCount(community);

    await writeZip(filePath, slackExportEntries());
    await claimRun(staff, run.id);
    const resumed = await importRun(staff, run.id);
    expect(resumed).toMatchObject({ status: "imported", done: 8, finished: ["C01", "C02", "G01", "D01"] });
    expect(await messageCount(community)).toBe(written + 2);
    await expect(claimRun(staff, run.id)).rejects.toThrow(/is imported/);
    const records = await community.db
      .select({ n: count() })
      .from(importRecords)
      .where(eq(importRecords.runId, run.id));
    expect(records[0]?.n).toBeGreaterThan(0);
  });

  it("reads as interrupted once it has not moved for minutes (its server stopped), and can be started again", async () => {
    const staff = asStaff(community);
    const run = await createRun(staff, {
      source: "slack",
      filename: "slack.zip",
      filePath: await writeSlackExport("stale"),
      unknownPeople: "skip",
    });
    const stopped = { status: "importing" as const, updatedAt: new Date(Date.now() - 10 * 60 * 1000) };
    await community.db.update(importRuns).set(stopped).where(eq(importRuns.id, run.id));
    // Cut off in its dry run: there is no report to import from.
    await expect(claimRun(staff, run.id)).rejects.toThrow(/dry run did not finish/);
    await surveyRun(staff, run.id);
    await community.db.update(importRuns).set(stopped).where(eq(importRuns.id, run.id));
    expect((await claimRun(staff, run.id)).status).toBe("importing");
    expect((await importRun(staff, run.id)).status).toBe("imported");
  });
});

const asStaff = (community: TestCommunity) => actingAs(community.ctx, actorOf(community.demo.people.staff));

const messageCount = async (community: TestCommunity) =>
  (await community.db.select({ n: count() }).from(messages))[0]?.n ?? 0;

describe("convene import", () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  const convene = (...args: string[]) => runConvene({ dataDir, databaseUrl }, ...args);

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-import-"));
    const postgres = await newPostgresTestDatabase();
    if (postgres) {
      databaseUrl = postgres.url;
      dropDatabase = postgres.drop;
    }
    const staff = await convene("admin", "create-staff", "--email", "ops@vendor.example", "--name", "Ops");
    expect(staff.code, staff.stderr).toBe(0);
  });
  afterAll(async () => {
    await dropDatabase();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("prints the dry run's report and writes nothing with --dry-run, then imports with progress", async () => {
    const file = await writeSlackExport("cli");
    const dry = await convene("import", "slack", file, "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/messages\s+8/);
    expect(dry.stdout).toContain("people: 0 matched to accounts, 2 placeholders to make");
    expect(dry.stdout).toContain("Dry run: nothing was written.");

    const imported = await convene("import", "slack", file);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("Import 8/8");
    expect(imported.stdout).toMatch(/Imported 8 items in/);
  });

  it("refuses a file that is not the export, a missing file and an unknown choice, with a failing exit code", async () => {
    const notAZip = path.join(dataDir, "notes.txt");
    await fs.writeFile(notAZip, "hello");
    const refused = await convene("import", "slack", notAZip);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("file: This is not a Slack workspace export (a zip file).");
    expect((await convene("import", "slack", path.join(dataDir, "missing.zip"))).code).toBe(2);
    expect((await convene("import", "basecamp", notAZip, "--unknown-people", "maybe")).stderr).toContain(
      "--unknown-people: choose placeholder or skip.",
    );
  });
});
