import { createHash } from "node:crypto";
import { asc, eq, gt, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../../db/schema.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { recordAudit, verifyAuditChain, writeCheckpoint } from "./service.js";

/**
 * Someone with write access to the database but not to DATA_DIR (or AUDIT_SECRET) tampers with the
 * log; each test starts from a fresh community with a checkpoint written after some activity.
 */
let community: TestCommunity | undefined;

async function freshCommunityWithCheckpoint(): Promise<TestCommunity> {
  await community?.close();
  community = await startTestCommunity();
  for (let i = 0; i < 5; i++) await recordAudit(community.ctx, { action: "test.activity", details: { i } });
  expect(await writeCheckpoint(community.db, community.config)).not.toBeNull();
  return community;
}
afterAll(() => community?.close());

/** The attacker's best effort without the key: plain SHA-256 over the row, as the chain once was. */
function attackerHash(row: typeof auditLog.$inferSelect): string {
  const { id: _id, hash: _hash, keyed: _keyed, ...fields } = row;
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object")
      return `{${Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
        .join(",")}}`;
    return JSON.stringify(value ?? null);
  };
  return createHash("sha256")
    .update(canonical({ ...fields, at: fields.at.toISOString() }))
    .digest("hex");
}

describe("the keyed, anchored audit chain", () => {
  let c: TestCommunity;
  beforeEach(async () => {
    c = await freshCommunityWithCheckpoint();
  });

  it("verifies an untouched log against its checkpoint", async () => {
    // The server anchors the chain when it starts, and the test once more after its activity.
    const verdict = await verifyAuditChain(c.db, c.config);
    expect(verdict.intact).toBe(true);
    expect(verdict.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it("detects an edited row", async () => {
    const [row] = await c.db.select().from(auditLog).where(eq(auditLog.action, "test.activity")).limit(1);
    if (!row) throw new Error("no activity row");
    await c.db
      .update(auditLog)
      .set({ details: { i: 99 } })
      .where(eq(auditLog.id, row.id));
    expect(await verifyAuditChain(c.db, c.config)).toMatchObject({ intact: false, brokenAtId: row.id });
  });

  it("detects an edited row whose hash and every later hash were recomputed", async () => {
    const rows = await c.db.select().from(auditLog).orderBy(asc(auditLog.id));
    const target = rows.find((row) => row.action === "test.activity");
    if (!target) throw new Error("no activity row");
    let prevHash = rows[rows.indexOf(target) - 1]?.hash ?? "0".repeat(64);
    for (const row of rows.slice(rows.indexOf(target))) {
      const changed = { ...row, prevHash, details: row.id === target.id ? { i: 99 } : row.details };
      const hash = attackerHash(changed);
      await c.db
        .update(auditLog)
        .set({ details: changed.details, prevHash, hash })
        .where(eq(auditLog.id, row.id));
      prevHash = hash;
    }
    expect(await verifyAuditChain(c.db, c.config)).toMatchObject({ intact: false, brokenAtId: target.id });
    // Marking the rewritten rows as written before the key existed does not help either.
    await c.db.update(auditLog).set({ keyed: false });
    const unkeyed = await verifyAuditChain(c.db, c.config);
    expect(unkeyed.intact).toBe(false);
  });

  it("detects deleted newest rows", async () => {
    const [newest] = await c.db.select().from(auditLog).orderBy(sql`${auditLog.id} desc`).limit(2);
    if (!newest) throw new Error("no rows");
    await c.db.delete(auditLog).where(gt(auditLog.id, newest.id - 2));
    const verdict = await verifyAuditChain(c.db, c.config);
    expect(verdict).toMatchObject({ intact: false });
    if (!verdict.intact) expect(verdict.problem).toMatch(/deleted or rewritten/);
  });

  it("detects a truncated log", async () => {
    await c.db.execute(sql`truncate table audit_log`);
    const verdict = await verifyAuditChain(c.db, c.config);
    expect(verdict).toMatchObject({ intact: false, rows: 0 });
  });

  it("refuses a forged checkpoint", async () => {
    const { promises: fs } = await import("node:fs");
    const file = `${c.config.dataDir}/audit-checkpoints.jsonl`;
    const [line] = (await fs.readFile(file, "utf8")).trim().split("\n");
    const forged = { ...JSON.parse(line ?? "{}"), rows: 1 };
    await fs.appendFile(file, `${JSON.stringify(forged)}\n`);
    expect(await verifyAuditChain(c.db, c.config)).toMatchObject({ intact: false });
  });
});
