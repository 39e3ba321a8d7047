import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../db/schema.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";

type Channel = { id: string; slug: string | null; kind: string };

let community: TestCommunity;
let staff: Client;
let orgAdmin: Client;
let member: Client;
let otherOrg: Client;

const settings = async () => {
  const response = await staff.get("/api/admin/sandbox/settings");
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const channelsOf = async (client: Client): Promise<Channel[]> =>
  (await client.get("/api/chat/channels")).json().channels;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  orgAdmin = await community.signIn("admin@northwind.example");
  member = await community.signIn("member@northwind.example");
  otherOrg = await community.signIn("member@contoso.example");
});
afterAll(() => community?.close());

describe("sandbox settings", () => {
  it("start with notices in #announcements and a 24-hour wipe notice", async () => {
    expect(await settings()).toMatchObject({
      noticeChannelId: null,
      noticeChannel: { name: "announcements" },
      wipeNoticeHours: 24,
      updatedAt: null,
    });
  });

  it("refuses customers (org admin, member, another organisation's member) with 403", async () => {
    for (const client of [orgAdmin, member, otherOrg]) {
      expect((await client.get("/api/admin/sandbox/settings")).statusCode, client.email ?? "").toBe(403);
      expect(
        (await client.patch("/api/admin/sandbox/settings", { wipeNoticeHours: 1 })).statusCode,
        client.email ?? "",
      ).toBe(403);
    }
    expect((await settings()).wipeNoticeHours).toBe(24);
  });

  it("refuses a private, unknown or malformed channel and a notice outside 1 to 720 hours, naming the field", async () => {
    const privateChannel = (await channelsOf(orgAdmin)).find((channel) => channel.kind === "private");
    if (!privateChannel) throw new Error("the demo has no private channel");
    for (const noticeChannelId of [privateChannel.id, "0190f7d2-0000-7000-8000-000000000000", "general"]) {
      const response = await staff.patch("/api/admin/sandbox/settings", { noticeChannelId });
      expect(response.statusCode, noticeChannelId).toBe(400);
      expect(response.json().error.fields).toHaveProperty("noticeChannelId");
    }
    for (const wipeNoticeHours of [0, 721, 1.5]) {
      const response = await staff.patch("/api/admin/sandbox/settings", { wipeNoticeHours });
      expect(response.statusCode, String(wipeNoticeHours)).toBe(400);
      expect(response.json().error.fields.wipeNoticeHours).toBe(
        "Give a notice period of 1 to 720 whole hours.",
      );
    }
    expect((await staff.patch("/api/admin/sandbox/settings", {})).statusCode).toBe(400);
    expect(await settings()).toMatchObject({ noticeChannelId: null, wipeNoticeHours: 24 });
  });

  it("choose a public channel and the notice period, audited with before and after", async () => {
    const general = (await channelsOf(staff)).find((channel) => channel.slug === "general");
    const response = await staff.patch("/api/admin/sandbox/settings", {
      noticeChannelId: general?.id,
      wipeNoticeHours: 48,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      noticeChannelId: general?.id,
      noticeChannel: { id: general?.id, name: "general" },
      wipeNoticeHours: 48,
    });
    const [audit] = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "sandbox.settings_changed"));
    expect(audit?.details).toEqual({
      from: { noticeChannelId: null, wipeNoticeHours: 24 },
      to: { noticeChannelId: general?.id, wipeNoticeHours: 48 },
    });
    const back = await staff.patch("/api/admin/sandbox/settings", { noticeChannelId: null });
    expect(back.json()).toMatchObject({ noticeChannelId: null, noticeChannel: { name: "announcements" } });
    expect(back.json().wipeNoticeHours).toBe(48);
  });

  it("send notices to #announcements once the chosen channel is archived", async () => {
    const created = await staff.post("/api/chat/channels", { name: "sandbox-news", kind: "public" });
    expect(created.statusCode, created.body).toBe(201);
    const channelId = created.json().id as string;
    expect(
      (await staff.patch("/api/admin/sandbox/settings", { noticeChannelId: channelId })).statusCode,
    ).toBe(200);
    expect((await staff.patch(`/api/chat/channels/${channelId}`, { archived: true })).statusCode).toBe(200);
    expect(await settings()).toMatchObject({
      noticeChannelId: channelId,
      noticeChannel: { name: "announcements" },
    });
  });
});
