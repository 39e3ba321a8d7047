import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../../db/schema.js";
import { actingAs } from "../../platform/context.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import { DigestScheduler, previousDay, sendDailyDigests } from "./digest.js";
import { createGroup } from "./groups.js";
import { joinGroup, setDelivery } from "./members.js";
import { groupDigests, groupMessages, groups } from "./schema.js";
import { replyToTopic, startTopic } from "./topics.js";

let community: TestCommunity;
let today: string;

const person = (key: keyof TestCommunity["demo"]["people"]) => actorOf(community.demo.people[key]);

const digestsTo = (email: string) =>
  community.db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.toAddress, email), like(mailOutbox.subject, "Your group digest%")));

beforeAll(async () => {
  community = await startTestCommunity({ groupDigestHour: 7 });
  const { ctx } = community;
  today = new Date().toISOString().slice(0, 10);
  const one = await createGroup(actingAs(ctx, person("northwindMember")), {
    handle: "digest-one",
    name: "Digest one",
  });
  const two = await createGroup(actingAs(ctx, person("northwindMember")), {
    handle: "digest-two",
    name: "Digest two",
  });
  for (const handle of ["digest-one", "digest-two"]) {
    await joinGroup(actingAs(ctx, person("contosoMember")), handle);
    await setDelivery(actingAs(ctx, person("contosoMember")), handle, "digest");
  }
  await joinGroup(actingAs(ctx, person("fabrikamDev")), "digest-one");
  const topic = await startTopic(actingAs(ctx, person("northwindMember")), one.id, {
    subject: "Label printer settings",
    body: "Which printer settings do you use for vial labels?",
    source: "web",
  });
  await replyToTopic(actingAs(ctx, person("fabrikamDev")), topic.message.topicId, {
    body: "300 dpi, thermal transfer.",
    source: "web",
  });
  await startTopic(actingAs(ctx, person("northwindMember")), two.id, {
    subject: "Holiday cover",
    body: "Who covers the pharmacy over the holidays?",
    source: "web",
  });
});
afterAll(async () => {
  await community?.close();
});

describe("daily group digest", () => {
  it("sends one e-mail per person who chose the digest, listing the day's topics and messages across groups", async () => {
    expect(await sendDailyDigests(community.ctx, today)).toBe(1);
    const [digest, ...others] = await digestsTo("member@contoso.example");
    expect(others).toHaveLength(0);
    expect(digest?.subject).toBe(`Your group digest for ${today}: 3 new messages`);
    const text = digest?.text ?? "";
    expect(text).toContain("== Digest one (digest-one@");
    expect(text).toContain("# Label printer settings");
    expect(text).toContain("Fay Developer");
    expect(text).toContain("300 dpi, thermal transfer.");
    expect(text).toContain("== Digest two (digest-two@");
    expect(text).toContain("Who covers the pharmacy over the holidays?");
    expect(text).toMatch(/Digest one: http:\/\/localhost:3000\/api\/groups\/unsubscribe\?token=/);
    // Fay takes every message and Ned is an owner on the default: neither gets a digest.
    expect(await digestsTo("dev@fabrikam.example")).toHaveLength(0);
    expect(await digestsTo("member@northwind.example")).toHaveLength(0);
  });

  it("never sends the same day's digest twice when the job runs again", async () => {
    expect(await sendDailyDigests(community.ctx, today)).toBe(0);
    expect(await digestsTo("member@contoso.example")).toHaveLength(1);
    const rows = await community.db.select().from(groupDigests).where(eq(groupDigests.day, today));
    expect(rows).toEqual([
      expect.objectContaining({ userId: community.demo.people.contosoMember.id, messageCount: 3 }),
    ]);
  });

  it("sends nothing for a day without messages", async () => {
    expect(await sendDailyDigests(community.ctx, "2020-01-01")).toBe(0);
  });

  it("leaves out messages an archive import brought in, which their members had on their day", async () => {
    const [message] = await community.db
      .select({ id: groupMessages.id })
      .from(groupMessages)
      .innerJoin(groups, eq(groups.id, groupMessages.groupId))
      .where(eq(groups.handle, "digest-one"))
      .limit(1);
    await community.db
      .update(groupMessages)
      .set({ source: "import", createdAt: new Date("2019-06-01T10:00:00Z") })
      .where(eq(groupMessages.id, message?.id ?? ""));
    expect(await sendDailyDigests(community.ctx, "2019-06-01")).toBe(0);
    await community.db
      .update(groupMessages)
      .set({ source: "web" })
      .where(eq(groupMessages.id, message?.id ?? ""));
    expect(await sendDailyDigests(community.ctx, "2019-06-01")).toBe(1);
  });

  it("waits for the configured hour and then covers the previous UTC day", async () => {
    expect(previousDay(new Date("2026-03-01T06:59:00Z"))).toBe("2026-02-28");
    const scheduler = new DigestScheduler(community.db, community.config);
    const tomorrow = new Date(`${today}T00:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    await community.db.delete(groupDigests);
    await scheduler.tick(new Date(tomorrow.getTime() + 6 * 3600_000));
    expect(await community.db.select().from(groupDigests)).toHaveLength(0);
    await scheduler.tick(new Date(tomorrow.getTime() + 7 * 3600_000));
    expect(await community.db.select().from(groupDigests)).toHaveLength(1);
    await scheduler.stop();
  });
});
