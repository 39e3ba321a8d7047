import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sandboxUsers } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";

type SandboxUser = { id: string; email: string; role: string; organisation: { name: string } };

let community: TestCommunity;
let staff: Client;
let admin: Client;
let member: Client;
let readOnly: Client;
let colleagueId: string;

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  community = await startTestCommunity();
  const colleague = await createUser(community.ctx, {
    email: "colleague@northwind.example",
    name: "Cole League",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  colleagueId = colleague.id;
  staff = await community.signIn("staff@vendor.example");
  admin = await community.signIn("admin@northwind.example");
  member = await community.signIn("member@northwind.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, admin, member, readOnly]) await accept(client);
});
afterAll(() => community?.close());

const auditRows = (action: string, targetId: string) =>
  community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));

describe("who sees the list", () => {
  it("shows staff everyone and an org admin their organisation's people only", async () => {
    const all = (await staff.get("/api/sandbox/users")).json().users as SandboxUser[];
    expect(all.map((u) => u.email).sort()).toEqual([
      "admin@northwind.example",
      "dev@fabrikam.example",
      "member@contoso.example",
      "member@northwind.example",
      "pharmacist@northwind.example",
    ]);
    const response = await admin.get("/api/sandbox/users");
    expect(response.statusCode).toBe(200);
    const body = response.json() as { users: SandboxUser[]; candidates: { email: string }[] };
    expect(body.users.map((u) => u.email).sort()).toEqual([
      "admin@northwind.example",
      "member@northwind.example",
      "pharmacist@northwind.example",
    ]);
    expect(body.candidates.map((c) => c.email)).toEqual(["colleague@northwind.example"]);
  });

  it("refuses plain and read-only members with forbidden", async () => {
    for (const client of [member, readOnly]) {
      const response = await client.get("/api/sandbox/users");
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
      const add = await client.post("/api/sandbox/users", { userId: colleagueId, role: "investigator" });
      expect(add.statusCode).toBe(403);
    }
  });
});

describe("an org admin", () => {
  it("adds a colleague from their own organisation, audited", async () => {
    const response = await admin.post("/api/sandbox/users", { userId: colleagueId, role: "pharmacist" });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      id: colleagueId,
      email: "colleague@northwind.example",
      role: "pharmacist",
      organisation: { name: "Northwind Research Unit" },
    });
    const [audit] = await auditRows("sandbox.user_added", colleagueId);
    expect(audit).toMatchObject({ actorEmail: "admin@northwind.example", details: { role: "pharmacist" } });
    const again = await admin.post("/api/sandbox/users", { userId: colleagueId, role: "pharmacist" });
    expect(again.statusCode).toBe(409);
  });

  it("cannot add, change or remove another organisation's person: they are not found", async () => {
    const contoso = community.demo.people.contosoMember.id;
    expect((await admin.post("/api/sandbox/users", { userId: contoso, role: "recruiter" })).statusCode).toBe(
      404,
    );
    expect((await admin.patch(`/api/sandbox/users/${contoso}`, { role: "recruiter" })).statusCode).toBe(404);
    expect((await admin.delete(`/api/sandbox/users/${contoso}`)).statusCode).toBe(404);
  });

  it("changes a role and removes a colleague, keeping the row, both audited", async () => {
    const changed = await admin.patch(`/api/sandbox/users/${colleagueId}`, { role: "recruiter" });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().role).toBe("recruiter");
    expect(await auditRows("sandbox.role_changed", colleagueId)).toHaveLength(1);
    expect((await admin.delete(`/api/sandbox/users/${colleagueId}`)).statusCode).toBe(204);
    expect(await auditRows("sandbox.user_removed", colleagueId)).toHaveLength(1);
    const [row] = await community.db.select().from(sandboxUsers).where(eq(sandboxUsers.userId, colleagueId));
    expect(row?.removedAt).not.toBeNull();
    expect((await admin.delete(`/api/sandbox/users/${colleagueId}`)).statusCode).toBe(404);
    const status = (
      await (await community.signIn("colleague@northwind.example")).get("/api/sandbox/status")
    ).json();
    expect(status).toMatchObject({ isSandboxUser: false, role: null });
    // Added back, they return with the new role.
    const back = await admin.post("/api/sandbox/users", { userId: colleagueId, role: "investigator" });
    expect(back.statusCode).toBe(201);
    expect(back.json().role).toBe("investigator");
  });
});

describe("staff", () => {
  it("add anyone", async () => {
    const person = await createUser(community.ctx, {
      email: "new@contoso.example",
      name: "Nina New",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.contoso.id,
    });
    const response = await staff.post("/api/sandbox/users", { userId: person.id, role: "read_only" });
    expect(response.statusCode).toBe(201);
  });

  it("must accept a newly published agreement before managing users again", async () => {
    const draft = (await staff.post("/api/admin/sandbox/agreements", { title: "v2", body: "Text" })).json();
    await staff.post(`/api/admin/sandbox/agreements/${draft.id}/publish`);
    const response = await staff.get("/api/sandbox/users");
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("agreement_required");
    await accept(staff);
    expect((await staff.get("/api/sandbox/users")).statusCode).toBe(200);
  });
});

describe("bad input", () => {
  it("names the fields", async () => {
    const response = await staff.post("/api/sandbox/users", { userId: "x", role: "surgeon" });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(["role", "userId"]);
    const patch = await staff.patch(`/api/sandbox/users/${colleagueId}`, {});
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.fields.role).toMatch(/study coordinator/);
  });
});
