import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../db/schema.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community?.close());

describe("the organisations list staff see", () => {
  it("counts each organisation's active members and lists its domains", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const response = await staff.get("/api/admin/organisations");
    expect(response.statusCode).toBe(200);
    const listed = response.json().organisations as { id: string; memberCount: number; domains: string[] }[];
    const northwind = community.demo.organisations.northwind;
    const [active] = await community.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.organisationId, northwind.id), eq(users.status, "active")));
    expect(Number(active?.n)).toBeGreaterThan(1);
    expect(listed.find((o) => o.id === northwind.id)).toMatchObject({
      memberCount: Number(active?.n),
      domains: ["northwind.example"],
    });
    for (const organisation of listed) expect(organisation.memberCount).toBeGreaterThan(0);
  });

  it("stops counting a member whose account is deactivated", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const contoso = community.demo.organisations.contoso;
    const before = (await staff.get("/api/admin/organisations")).json().organisations;
    const countOf = (list: { id: string; memberCount: number }[]) =>
      list.find((o) => o.id === contoso.id)?.memberCount ?? -1;
    const member = community.demo.people.contosoMember;
    expect((await staff.patch(`/api/admin/users/${member.id}`, { status: "deactivated" })).statusCode).toBe(
      200,
    );
    const after = (await staff.get("/api/admin/organisations")).json().organisations;
    expect(countOf(after)).toBe(countOf(before) - 1);
  });
});
