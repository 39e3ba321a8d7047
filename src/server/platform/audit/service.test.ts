import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../db/schema.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { recordAudit, verifyAuditChain } from "./service.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community.close());

describe("the audit log", () => {
  it("chains every row to the previous one, so an untouched log verifies", async () => {
    await recordAudit(community.ctx, {
      action: "test.first",
      details: { b: 2, a: [1, { z: true, y: null }] },
    });
    await recordAudit(community.ctx, { action: "test.second" });
    const verdict = await verifyAuditChain(community.db, community.config);
    expect(verdict).toMatchObject({ intact: true });
    expect(verdict.rows).toBeGreaterThan(2);
  });

  it("keeps the chain intact under concurrent appends", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        community.db.transaction((tx) =>
          recordAudit({ ...community.ctx, db: tx as never }, { action: `test.parallel.${i}` }),
        ),
      ),
    );
    expect(await verifyAuditChain(community.db, community.config)).toMatchObject({ intact: true });
  });

  it("detects a row whose content was edited afterwards", async () => {
    const [target] = await community.db.select().from(auditLog).where(eq(auditLog.action, "test.first"));
    if (!target) throw new Error("seeded audit row missing");
    await community.db
      .update(auditLog)
      .set({ details: { b: 3 } })
      .where(eq(auditLog.id, target.id));
    expect(await verifyAuditChain(community.db, community.config)).toMatchObject({
      intact: false,
      brokenAtId: target.id,
    });
    await community.db.update(auditLog).set({ details: target.details }).where(eq(auditLog.id, target.id));
    expect(await verifyAuditChain(community.db, community.config)).toMatchObject({ intact: true });
  });

  it("detects a deleted row by the broken link in the next one", async () => {
    const [second] = await community.db.select().from(auditLog).where(eq(auditLog.action, "test.second"));
    if (!second) throw new Error("seeded audit row missing");
    await community.db.execute(sql`delete from audit_log where id = ${second.id}`);
    const verdict = await verifyAuditChain(community.db, community.config);
    expect(verdict.intact).toBe(false);
    if (!verdict.intact) expect(verdict.brokenAtId).toBeGreaterThan(second.id);
  });

  it("shows staff the chain verdict with the entries, filtered by action", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const response = await staff.get("/api/admin/audit?action=auth.signed_in");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.chain.intact).toBe(false);
    expect(body.entries.length).toBeGreaterThan(0);
    expect(body.entries.every((e: { action: string }) => e.action === "auth.signed_in")).toBe(true);
    expect(body.entries[0]).toMatchObject({ actorEmail: "staff@vendor.example", ip: expect.any(String) });
  });
});
