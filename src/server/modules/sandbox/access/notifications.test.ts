import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";

/**
 * The development environment's news reaches its people's inbox: a wipe scheduled or cancelled, a
 * deployment that switches flags, a person's own role, a new agreement. Its users and the product team
 * hear of it; a member of the community without sandbox access never does.
 */
let community: TestCommunity;
let staff: Client;
let admin: Client;
let outsiderId: string;

const rowsOf = (kind: string, itemId?: string) =>
  community.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.kind, kind as never), itemId ? eq(notifications.itemId, itemId) : undefined));

const people = () => community.demo.people;

beforeAll(async () => {
  community = await startTestCommunity();
  const outsider = await createUser(community.ctx, {
    email: "no-sandbox@northwind.example",
    name: "Nadia Nosandbox",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  outsiderId = outsider.id;
  staff = await community.signIn("staff@vendor.example");
  admin = await community.signIn("admin@northwind.example");
  for (const client of [staff, admin]) {
    const agreement = (await client.get("/api/sandbox/agreement")).json();
    await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  }
});
afterAll(() => community?.close());

describe("notifications of the development environment", () => {
  it("tells its users of a new agreement, and nobody without access", async () => {
    const draft = (
      await staff.post("/api/admin/sandbox/agreements", {
        title: "Access and Use Agreement",
        body: "New terms.",
      })
    ).json();
    expect((await staff.post(`/api/admin/sandbox/agreements/${draft.id}/publish`)).statusCode).toBe(200);
    const told = (await rowsOf("sandbox.agreement", draft.id)).map((row) => row.userId);
    expect(told).toEqual(
      expect.arrayContaining([
        people().northwindMember.id,
        people().contosoMember.id,
        people().northwindAdmin.id,
      ]),
    );
    // The staff member who published it is not told of their own doing, and a member without access is not.
    expect(told).not.toContain(people().staff.id);
    expect(told).not.toContain(outsiderId);
    const inbox = (await community.signIn("member@northwind.example")).get("/api/notifications");
    const entry = (await inbox).json().entries.find((e: { item: { id: string } }) => e.item.id === draft.id);
    expect(entry.item).toMatchObject({ type: "sandbox_agreement", url: "/sandbox/agreement" });
  });

  it("tells a person of their own role change, and nobody else", async () => {
    const agreement = (await admin.get("/api/sandbox/agreement")).json();
    await admin.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
    const changed = await admin.patch(`/api/sandbox/users/${people().northwindMember.id}`, {
      role: "read_only",
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const rows = await rowsOf("sandbox.role", people().northwindMember.id);
    expect(rows.map((row) => row.userId)).toEqual([people().northwindMember.id]);
    expect(rows[0]?.excerpt).toBe("Your role is now read-only.");
  });

  it("tells of a deployment only when it switches flags", async () => {
    const flag = await staff.post("/api/admin/sandbox/flags", {
      key: "inbox-labels",
      name: "Inbox labels",
      state: "off",
    });
    expect(flag.statusCode, flag.body).toBe(201);
    const quiet = (
      await staff.post("/api/admin/sandbox/deployments", { buildId: "b-1", version: "9.1.0" })
    ).json();
    expect(await rowsOf("sandbox.deployment", quiet.id)).toEqual([]);
    const switching = (
      await staff.post("/api/admin/sandbox/deployments", {
        buildId: "b-2",
        version: "9.2.0",
        flags: { "inbox-labels": "preview" },
      })
    ).json();
    const rows = await rowsOf("sandbox.deployment", switching.id);
    expect(rows.map((row) => row.userId)).toContain(people().contosoMember.id);
    expect(rows[0]?.excerpt).toBe("inbox-labels → preview");
  });

  it("tells of a wipe scheduled and cancelled, without e-mailing it a second time", async () => {
    const scheduledFor = new Date(Date.now() + 8 * 24 * 3600_000).toISOString();
    const wipe = (
      await staff.post("/api/admin/sandbox/wipes", { scheduledFor, message: "Quarterly reset." })
    ).json();
    expect((await staff.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`)).statusCode).toBe(200);
    const rows = await rowsOf("sandbox.wipe", wipe.id);
    const forMember = rows.filter((row) => row.userId === people().contosoMember.id);
    expect(forMember).toHaveLength(2);
    // The wipe's own notice e-mail went to every sandbox user; the inbox does not send another.
    expect(forMember.every((row) => row.emailDueAt === null)).toBe(true);
  });
});
