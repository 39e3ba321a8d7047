import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let owner: Client;
let moderator: Client;
let staff: Client;
let newcomer: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  moderator = await community.signIn("member@contoso.example");
  staff = await community.signIn("staff@vendor.example");
  newcomer = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

const idOf = (key: keyof TestCommunity["demo"]["people"]) => community.demo.people[key].id;

describe("joining", () => {
  it("keeps a request under the approval policy pending until a moderator approves it", async () => {
    await owner.post("/api/groups", { handle: "approvals", name: "Approvals", joinPolicy: "approval" });
    const asked = await newcomer.post("/api/groups/approvals/join");
    expect(asked.json().status).toBe("pending");
    expect((await newcomer.get("/api/groups/approvals/topics")).statusCode).toBe(403);
    const approved = await owner.post(`/api/groups/approvals/members/${idOf("fabrikamDev")}/approve`);
    expect(approved.json().status).toBe("active");
    expect((await newcomer.get("/api/groups/approvals/topics")).statusCode).toBe(200);
  });

  it("refuses joining an invitation-only group without an invitation, and accepts it with one", async () => {
    await owner.post("/api/groups", { handle: "by-invite", name: "By invitation", joinPolicy: "invitation" });
    expect((await newcomer.post("/api/groups/by-invite/join")).statusCode).toBe(403);
    expect(
      (await owner.post("/api/groups/by-invite/invitations", { email: "dev@fabrikam.example" })).statusCode,
    ).toBe(201);
    expect((await newcomer.post("/api/groups/by-invite/join")).json().status).toBe("active");
  });
});

describe("roles", () => {
  it("refuses staff who are not moderators (403), and lets them moderate once appointed", async () => {
    await owner.post("/api/groups", { handle: "staff-check", name: "Staff check" });
    const staffId = idOf("staff");
    expect((await staff.get("/api/groups/staff-check/queue")).statusCode).toBe(403);
    expect((await staff.post("/api/groups/staff-check/join")).statusCode).toBe(200);
    expect((await staff.get("/api/groups/staff-check/queue")).statusCode).toBe(403);
    expect(
      (await owner.patch(`/api/groups/staff-check/members/${staffId}`, { role: "moderator" })).statusCode,
    ).toBe(200);
    expect((await staff.get("/api/groups/staff-check/queue")).statusCode).toBe(200);
    expect((await staff.patch("/api/groups/staff-check", { name: "Renamed by staff" })).statusCode).toBe(403);
  });

  it("always keeps one owner", async () => {
    await owner.post("/api/groups", { handle: "one-owner", name: "One owner" });
    expect((await owner.post("/api/groups/one-owner/leave")).statusCode).toBe(409);
    const demoted = await owner.patch(`/api/groups/one-owner/members/${idOf("northwindMember")}`, {
      role: "member",
    });
    expect(demoted.statusCode).toBe(409);
  });

  it("lists the members owners first", async () => {
    const asModerator = (await moderator.get("/api/groups/site-ops/members")).json().members;
    expect(asModerator.length).toBeGreaterThan(1);
    expect(asModerator[0].role).toBe("owner");
  });
});

describe("bans", () => {
  it("refuses a banned member with the reason, and logs the ban", async () => {
    await owner.post("/api/groups", { handle: "ban-check", name: "Ban check" });
    await newcomer.post("/api/groups/ban-check/join");
    const banned = await owner.post(`/api/groups/ban-check/members/${idOf("fabrikamDev")}/ban`, {
      reason: "Posted patient names",
    });
    expect(banned.json().status).toBe("banned");
    const post = await newcomer.post("/api/groups/ban-check/topics", { subject: "Hello", body: "Again" });
    expect(post.statusCode).toBe(403);
    expect(post.json().error.message).toContain("Posted patient names");
    expect((await newcomer.post("/api/groups/ban-check/join")).statusCode).toBe(403);
    const log = (await owner.get("/api/groups/ban-check/log")).json().entries;
    expect(log[0]).toMatchObject({ action: "member_banned", reason: "Posted patient names" });
    expect((await owner.post(`/api/groups/ban-check/members/${idOf("fabrikamDev")}/unban`)).statusCode).toBe(
      200,
    );
    expect((await newcomer.post("/api/groups/ban-check/join")).statusCode).toBe(200);
  });
});

describe("delivery", () => {
  it("stores each member's delivery choice and names a bad one", async () => {
    const put = (body: unknown) =>
      community.app.inject({
        method: "PUT",
        url: "/api/groups/site-ops/membership",
        headers: { cookie: moderator.cookie ?? "", "x-convene-csrf": "1", origin: "http://localhost:3000" },
        payload: body as object,
      });
    expect((await put({ delivery: "digest" })).json().delivery).toBe("digest");
    const bad = await put({ delivery: "weekly" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.delivery).toBeDefined();
  });
});
