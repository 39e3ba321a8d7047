import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sandboxAgreementAcceptances } from "../../../db/schema.js";
import { actingAs } from "../../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { DEMO_AGREEMENT_TITLE } from "../demo.js";
import { requireSandboxAccess } from "./access.js";

type Agreement = { id: string; version: number; title: string; bodyHtml: string; acceptedAt: string | null };

let community: TestCommunity;
let staff: Client;
let member: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  member = await community.signIn("member@northwind.example");
});
afterAll(() => community?.close());

const actor = (key: keyof TestCommunity["demo"]["people"]) => {
  const person = community.demo.people[key];
  return {
    id: person.id,
    email: person.email,
    name: person.name,
    organisationId: person.organisationId,
    isStaff: person.isStaff,
    isOrgAdmin: person.isOrgAdmin,
  };
};

async function current(client: Client): Promise<Agreement> {
  const response = await client.get("/api/sandbox/agreement");
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function publishNewVersion(title = "Access and Use Agreement, revised"): Promise<Agreement> {
  const draft = await staff.post("/api/admin/sandbox/agreements", { title, body: "Still **no** PHI." });
  expect(draft.statusCode, draft.body).toBe(201);
  const published = await staff.post(`/api/admin/sandbox/agreements/${draft.json().id}/publish`);
  expect(published.statusCode, published.body).toBe(200);
  return published.json();
}

async function gate(key: keyof TestCommunity["demo"]["people"]) {
  try {
    return await requireSandboxAccess(actingAs(community.ctx, actor(key)));
  } catch (error) {
    return { error: (error as { code: string }).code, message: (error as Error).message };
  }
}

describe("the demo agreement", () => {
  it("is version 1, rendered, covering every point, and nobody has accepted it", async () => {
    const agreement = await current(member);
    expect(agreement).toMatchObject({ version: 1, title: DEMO_AGREEMENT_TITLE, acceptedAt: null });
    for (const point of [
      /service-level agreement/,
      /product team owns and maintains/,
      /existing customers and development partners/,
      /PHI/,
      /obfuscated/,
      /Frequent deployments/,
      /unreleased, incomplete or not yet tested/,
      /changed or wiped at any time/,
      /respectful of a shared instance/,
      /ask the service desk/,
    ])
      expect(agreement.bodyHtml).toMatch(point);
    expect(agreement.bodyHtml).toContain("<strong>");
    const rows = await community.db.select().from(sandboxAgreementAcceptances);
    expect(rows).toEqual([]);
  });
});

describe("the gate", () => {
  it("refuses a signed-in person who is not a sandbox user with forbidden and who to ask", async () => {
    // Everyone in the demo but staff is a sandbox user; remove the Fabrikam developer to test it.
    const removal = await staff.delete(`/api/sandbox/users/${community.demo.people.fabrikamDev.id}`);
    // Staff have not accepted yet, so even staff are stopped by the agreement first.
    expect(removal.statusCode).toBe(403);
    expect(removal.json().error.code).toBe("agreement_required");
    await staff.post("/api/sandbox/agreement/accept", { agreementId: (await current(staff)).id });
    expect(
      (await staff.delete(`/api/sandbox/users/${community.demo.people.fabrikamDev.id}`)).statusCode,
    ).toBe(204);
    const verdict = await gate("fabrikamDev");
    expect(verdict).toMatchObject({ error: "forbidden" });
    expect((verdict as { message: string }).message).toMatch(/Ask your organisation's admin/);
  });

  it("stops a sandbox user who has not accepted with agreement_required, and lets them in once they do", async () => {
    const before = await gate("northwindMember");
    expect(before).toMatchObject({ error: "agreement_required" });
    expect((before as { message: string }).message).toMatch(/Access and Use Agreement/);
    const agreement = await current(member);
    const accepted = await member.post(
      "/api/sandbox/agreement/accept",
      { agreementId: agreement.id },
      { "user-agent": "Vitest browser" },
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().acceptedAt).not.toBeNull();
    expect(await gate("northwindMember")).toEqual({ role: "investigator" });
    expect((await member.get("/api/sandbox/status")).json()).toEqual({
      isSandboxUser: true,
      role: "investigator",
      agreement: { id: agreement.id, version: agreement.version },
      accepted: true,
      canManageUsers: false,
    });
  });

  it("lets staff in with full rights once they accept", async () => {
    expect(await gate("staff")).toEqual({ role: "staff" });
  });

  it("asks everyone, staff included, to accept again when a new version is published", async () => {
    const next = await publishNewVersion();
    expect(next.version).toBeGreaterThan(1);
    expect(await gate("northwindMember")).toMatchObject({ error: "agreement_required" });
    expect(await gate("staff")).toMatchObject({ error: "agreement_required" });
    const status = (await member.get("/api/sandbox/status")).json();
    expect(status).toMatchObject({ accepted: false, agreement: { id: next.id, version: next.version } });
    expect((await member.post("/api/sandbox/agreement/accept", { agreementId: next.id })).statusCode).toBe(
      200,
    );
    expect(await gate("northwindMember")).toEqual({ role: "investigator" });
  });
});

describe("accepting", () => {
  it("refuses an old version with 409", async () => {
    const versions = (await staff.get("/api/admin/sandbox/agreements")).json().versions as Agreement[];
    const old = versions.find((v) => v.version === 1);
    const response = await member.post("/api/sandbox/agreement/accept", { agreementId: old?.id });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("conflict");
  });

  it("is idempotent: the first acceptance stands and is audited once", async () => {
    const agreement = await current(member);
    const first = agreement.acceptedAt;
    const again = await member.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
    expect(again.json().acceptedAt).toBe(first);
    const rows = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sandbox.agreement_accepted"), eq(auditLog.targetId, agreement.id)));
    expect(rows.filter((row) => row.actorId === community.demo.people.northwindMember.id)).toHaveLength(1);
  });

  it("names the field when the id is missing or malformed", async () => {
    const response = await member.post("/api/sandbox/agreement/accept", { agreementId: "nope" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.agreementId).toBeTruthy();
  });
});

describe("staff edit and publish versions", () => {
  it("lists acceptances with person, organisation, time and address", async () => {
    const agreement = await current(member);
    const response = await staff.get(`/api/admin/sandbox/agreements/${agreement.id}/acceptances`);
    expect(response.statusCode).toBe(200);
    const [row] = response.json().acceptances;
    expect(row).toMatchObject({
      person: { email: "member@northwind.example", name: "Ned Member" },
      organisation: { name: "Northwind Research Unit" },
      ip: "127.0.0.1",
    });
    expect(row.acceptedAt).toMatch(/Z$/);
  });

  it("edits a draft, refuses to edit a published version, and audits publishing", async () => {
    const draft = (
      await staff.post("/api/admin/sandbox/agreements", { title: "Draft", body: "Text" })
    ).json();
    expect(draft).toMatchObject({ status: "draft", current: false, publishedAt: null });
    const edited = await staff.patch(`/api/admin/sandbox/agreements/${draft.id}`, { body: "New *text*" });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().bodyHtml).toContain("<em>text</em>");
    const published = (await staff.post(`/api/admin/sandbox/agreements/${draft.id}/publish`)).json();
    expect(published).toMatchObject({ status: "published", current: true });
    const again = await staff.patch(`/api/admin/sandbox/agreements/${draft.id}`, { title: "Changed" });
    expect(again.statusCode).toBe(409);
    expect((await staff.post(`/api/admin/sandbox/agreements/${draft.id}/publish`)).statusCode).toBe(409);
    const audit = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sandbox.agreement_published"), eq(auditLog.targetId, draft.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorEmail).toBe("staff@vendor.example");
  });

  it("refuses to publish a draft older than the version in force", async () => {
    const older = (
      await staff.post("/api/admin/sandbox/agreements", { title: "Older", body: "Text" })
    ).json();
    await publishNewVersion("Newer");
    const response = await staff.post(`/api/admin/sandbox/agreements/${older.id}/publish`);
    expect(response.statusCode).toBe(409);
  });

  it("names the bad fields of a draft", async () => {
    const response = await staff.post("/api/admin/sandbox/agreements", { title: " ", body: "" });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(["body", "title"]);
  });

  it("keeps the editor to staff", async () => {
    expect((await member.get("/api/admin/sandbox/agreements")).statusCode).toBe(403);
    expect((await member.post("/api/admin/sandbox/agreements", { title: "x", body: "y" })).statusCode).toBe(
      403,
    );
  });
});
