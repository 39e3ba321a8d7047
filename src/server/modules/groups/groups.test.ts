import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let owner: Client;
let staff: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  staff = await community.signIn("staff@vendor.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

describe("creating a group", () => {
  it("makes the creator its owner and gives it an address", async () => {
    const response = await owner.post("/api/groups", { handle: "Data-Managers", name: "Data managers" });
    expect(response.statusCode, response.body).toBe(201);
    const group = response.json();
    expect(group.handle).toBe("data-managers");
    expect(group.address).toBe(`data-managers@${community.config.mailDomain}`);
    expect(group.myMembership).toMatchObject({ role: "owner", status: "active" });
    expect(group.canManage).toBe(true);
  });

  it("refuses a duplicate handle with 409 naming the handle", async () => {
    const response = await outsider.post("/api/groups", { handle: "site-ops", name: "Another site ops" });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.fields.handle).toBeDefined();
  });

  it("refuses reserved and malformed handles with 400 naming the handle", async () => {
    for (const handle of ["postmaster", "no-reply", "search", "ab", "Bad Handle", "-edge"]) {
      const response = await owner.post("/api/groups", { handle, name: "Some group" });
      expect(response.statusCode, handle).toBe(400);
      expect(response.json().error.fields.handle, handle).toBeDefined();
    }
  });
});

describe("settings", () => {
  it("refuses staff who are not owners (403) and lets an owner change them", async () => {
    const refused = await staff.patch("/api/groups/site-ops", { postingPolicy: "moderated" });
    expect(refused.statusCode).toBe(403);
    const changed = await owner.patch("/api/groups/site-ops", { guidelines: "Be kind." });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().guidelinesHtml).toContain("Be kind.");
  });
});

describe("the directory", () => {
  it("lists listed groups to everyone and hides unlisted ones from non-members (404)", async () => {
    await owner.post("/api/groups", { handle: "quiet-room", name: "Quiet room", visibility: "unlisted" });
    const mine = (await owner.get("/api/groups")).json().groups.map((g: { handle: string }) => g.handle);
    expect(mine).toEqual(expect.arrayContaining(["site-ops", "quiet-room"]));
    const theirs = (await outsider.get("/api/groups")).json().groups.map((g: { handle: string }) => g.handle);
    expect(theirs).toContain("site-ops");
    expect(theirs).not.toContain("quiet-room");
    expect((await outsider.get("/api/groups/quiet-room")).statusCode).toBe(404);
    expect((await staff.get("/api/groups/quiet-room")).statusCode).toBe(404);
  });

  it("searches the directory by name", async () => {
    const found = (await outsider.get("/api/groups?q=site%20operations")).json().groups;
    expect(found.map((g: { handle: string }) => g.handle)).toEqual(["site-ops"]);
    // % and _ are text, not wildcards: no group's name holds them.
    for (const wildcard of ["%25", "_"])
      expect((await outsider.get(`/api/groups?q=${wildcard}`)).json().groups).toEqual([]);
  });
});
