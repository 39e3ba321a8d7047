import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userSummaries } from "../../modules/accounts/index.js";
import { users } from "../../modules/accounts/schema.js";
import { actorOf } from "../../modules/accounts/users.js";
import { createChannel, leaveChannel } from "../../modules/chat/channels.js";
import { northwindChannel } from "../../testing/chat.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { startSmtpCatcher } from "../../testing/smtp.js";
import { actingAs } from "../context.js";
import { mailOutbox } from "../mail/schema.js";
import { defineNotificationItem } from "./items.js";
import { PREFERENCES_PATH, sendDueNotifications } from "./mailer.js";
import { notificationSettings, notifications } from "./schema.js";
import { markItemSeen, notify, updatePreferences } from "./service.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

const people = () => community.demo.people;
const asPerson = (person: Parameters<typeof actorOf>[0]) => actingAs(community.ctx, actorOf(person));
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
/** Runs the worker with an explicit clock, as one node would. */
const sendDue = (now: Date) => sendDueNotifications(community.db, community.config, userSummaries, now);

/** The admin mentions the member in the channel (e-mailed when still unread after the delay). */
const mention = (channel: { id: string; name: string }, excerpt: string, to = people().northwindMember.id) =>
  notify(community.ctx, {
    kind: "chat.mention",
    recipients: [to],
    item: { type: "chat_channel", id: channel.id, title: `#${channel.name}`, url: `/chat/${channel.id}` },
    excerpt,
    actor: { id: people().northwindAdmin.id, name: people().northwindAdmin.name },
  });

async function outboxFor(subject: string) {
  return community.db.select().from(mailOutbox).where(eq(mailOutbox.subject, subject));
}

async function rowsOf(itemId: string) {
  return community.db.select().from(notifications).where(eq(notifications.itemId, itemId));
}

describe("e-mail for what was missed", () => {
  it("e-mails unread notifications once the delay passed: one e-mail per item with all of them, newest last", async () => {
    const standup = await northwindChannel(community, "mail-standup");
    const release = await northwindChannel(community, "mail-release");
    await mention(standup, "Can you take the stand-up?");
    await mention(standup, "Also the retro, please.");
    await mention(release, "Release notes need a look.");

    await sendDue(minutesFromNow(5));
    expect(await outboxFor("#mail-standup")).toHaveLength(0);

    await sendDue(minutesFromNow(11));
    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.subject === "#mail-standup");
    await smtp.waitFor((m) => m.subject === "#mail-release");
    expect(mail.to).toEqual([people().northwindMember.email]);
    expect(mail.text.indexOf("Can you take the stand-up?")).toBeLessThan(mail.text.indexOf("Also the retro"));
    expect(mail.text).toContain(`${community.config.publicUrl}/chat/${standup.id}`);
    expect(mail.text).toContain(`${community.config.publicUrl}${PREFERENCES_PATH}`);
    expect(mail.text).toContain("Reply to this e-mail to answer.");
    expect((mail.headers.get("reply-to") as { text: string }).text).toMatch(
      new RegExp(`^reply\\+c\\.[\\w-]{22}\\.[0-9a-z]+\\.[\\w-]{22}@${community.config.mailDomain}$`),
    );
    const thread = mail.headers.get("in-reply-to");
    expect(thread).toContain(`${people().northwindMember.id}.chat_channel.${standup.id}`);
    expect(await outboxFor("#mail-standup")).toHaveLength(1);

    // The next e-mail about the same item joins the same thread, and nothing already sent goes again.
    await mention(standup, "Thanks!");
    await sendDue(minutesFromNow(11));
    await community.app.mailer.flush();
    const sent = await outboxFor("#mail-standup");
    expect(sent).toHaveLength(2);
    const later = sent.find((row) => row.text.includes("Thanks!"));
    expect(later?.text).not.toContain("Can you take the stand-up?");
    expect(later?.headers["In-Reply-To"]).toBe(thread);
    expect((await rowsOf(standup.id)).every((row) => row.emailedAt && !row.emailDueAt)).toBe(true);
  });

  it("offers to answer by e-mail only for items that can be answered so", async () => {
    const note = defineNotificationItem({ type: "mail_test_note", audience: async (_db, _id, ids) => ids });
    await notify(community.ctx, {
      kind: "desk.ticket_status",
      recipients: [people().northwindMember.id],
      item: { type: note.type, id: "note-1", title: "A note without answers", url: "/notes/1" },
    });
    await sendDue(minutesFromNow(11));
    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.subject === "A note without answers");
    expect(mail.text).not.toContain("Reply to this e-mail");
    expect(mail.headers.get("reply-to")).toBeUndefined();
  });

  it("sends nothing for a notification read before it was due", async () => {
    const channel = await northwindChannel(community, "mail-read-first");
    await mention(channel, "Read me in the app.");
    await markItemSeen(community.ctx, people().northwindMember.id, { type: "chat_channel", id: channel.id });

    await sendDue(minutesFromNow(11));
    expect(await outboxFor("#mail-read-first")).toHaveLength(0);
    expect((await rowsOf(channel.id))[0]).toMatchObject({ emailedAt: null, emailDueAt: null });
  });

  it("e-mails each notification once when two workers run at the same time", async () => {
    const channels = await Promise.all(
      [1, 2, 3, 4].map((n) => northwindChannel(community, `mail-race-${n}`)),
    );
    for (const channel of channels) {
      await mention(channel, "First.");
      await mention(channel, "Second.");
    }
    const now = minutesFromNow(11);
    await Promise.all([sendDue(now), sendDue(now), sendDue(now)]);
    const ids = channels.map((channel) => channel.id);
    const rows = await community.db.select().from(notifications).where(inArray(notifications.itemId, ids));
    expect(rows).toHaveLength(8);
    expect(rows.every((row) => row.emailedAt !== null)).toBe(true);
    const mails = await community.db
      .select()
      .from(mailOutbox)
      .where(
        inArray(
          mailOutbox.subject,
          channels.map((channel) => `#${channel.name}`),
        ),
      );
    const told = mails.flatMap((mail) => ["First.", "Second."].filter((line) => mail.text.includes(line)));
    // Each of the eight notifications is in exactly one e-mail.
    expect(told).toHaveLength(8);
  });

  it("holds what falls in the person's quiet hours until they end, in their time zone", async () => {
    const channel = await northwindChannel(community, "mail-quiet");
    const member = people().northwindMember.id;
    await community.db
      .insert(notificationSettings)
      .values({ userId: member, timeZone: "Europe/Berlin", quietFrom: 22 * 60, quietTo: 7 * 60 });
    try {
      await mention(channel, "Late-night question.");
      // Tomorrow at 23:30 UTC is past midnight in Berlin, summer or winter.
      const night = new Date();
      night.setUTCDate(night.getUTCDate() + 1);
      night.setUTCHours(23, 30, 0, 0);

      await sendDue(night);
      expect(await outboxFor("#mail-quiet")).toHaveLength(0);
      const [row] = await rowsOf(channel.id);
      const deferred = row?.emailDueAt as Date;
      expect(deferred.getTime()).toBeGreaterThan(night.getTime());
      const berlin = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
      expect(berlin.format(deferred)).toBe("07:00");

      await sendDue(deferred);
      expect(await outboxFor("#mail-quiet")).toHaveLength(1);
    } finally {
      await community.db.delete(notificationSettings).where(eq(notificationSettings.userId, member));
    }
  });

  it("counts quiet hours in UTC for a person who set them but never chose a time zone", async () => {
    const channel = await northwindChannel(community, "mail-quiet-utc");
    const member = people().northwindMember;
    await updatePreferences(asPerson(member), { quietHours: { from: "22:00", to: "07:00" } });
    try {
      await mention(channel, "Question at night in UTC.");
      const night = new Date();
      night.setUTCDate(night.getUTCDate() + 1);
      night.setUTCHours(23, 30, 0, 0);
      await sendDue(night);
      expect(await outboxFor("#mail-quiet-utc")).toHaveLength(0);
      const [row] = await rowsOf(channel.id);
      const morning = new Date(night);
      morning.setUTCDate(morning.getUTCDate() + 1);
      morning.setUTCHours(7, 0, 0, 0);
      expect(row?.emailDueAt).toEqual(morning);
    } finally {
      await community.db.delete(notificationSettings).where(eq(notificationSettings.userId, member.id));
    }
  });

  it("never e-mails an item the person can no longer see, and drops it from the queue", async () => {
    const channel = await northwindChannel(community, "mail-left");
    await mention(channel, "Secret plans.");
    await leaveChannel(asPerson(people().northwindMember), channel.id);

    await sendDue(minutesFromNow(11));
    expect(await outboxFor("#mail-left")).toHaveLength(0);
    const [row] = await community.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.itemId, channel.id), eq(notifications.userId, people().northwindMember.id)),
      );
    expect(row).toMatchObject({ emailedAt: null, emailDueAt: null, readAt: null });
  });

  it("e-mails nobody whose account is no longer active", async () => {
    const channel = await createChannel(asPerson(people().northwindAdmin), {
      name: "mail-inactive",
      kind: "public",
      topic: "",
      description: "",
    });
    const dev = people().fabrikamDev.id;
    await mention(channel, "Are you still there?", dev);
    await community.db.update(users).set({ status: "deactivated" }).where(eq(users.id, dev));
    try {
      await sendDue(minutesFromNow(11));
      expect(await outboxFor("#mail-inactive")).toHaveLength(0);
      expect((await rowsOf(channel.id))[0]).toMatchObject({ emailedAt: null, emailDueAt: null });
    } finally {
      await community.db.update(users).set({ status: "active" }).where(eq(users.id, dev));
    }
  });
});
