import fs from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actorOf } from "../../modules/accounts/users.js";
import { addMember, createChannel } from "../../modules/chat/channels.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { startPushService } from "../../testing/push-service.js";
import { actingAs } from "../context.js";
import { notifications, pushSubscriptions } from "./schema.js";
import { notify } from "./service.js";

let community: TestCommunity;
let pushService: Awaited<ReturnType<typeof startPushService>>;
let member: Client;
let colleague: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  pushService = await startPushService();
  community.app.pushSender.agent = pushService.agent;
  community.app.pushSender.retryBaseMs = 0;
  member = await community.signIn("member@northwind.example");
  colleague = await community.signIn("admin@northwind.example");
});
afterAll(async () => {
  await community?.close();
  await pushService?.close();
});

const people = () => community.demo.people;
const asPerson = (person: Parameters<typeof actorOf>[0]) => actingAs(community.ctx, actorOf(person));

let channel: { id: string; name: string };
beforeAll(async () => {
  channel = await createChannel(asPerson(people().northwindAdmin), {
    name: "push-channel",
    kind: "private",
    topic: "",
    description: "",
  });
  await addMember(asPerson(people().northwindAdmin), channel.id, people().northwindMember.id);
});

/** The member hears of @channel at once, with no quiet hours, and has no browser subscribed yet. */
beforeEach(async () => {
  await community.db.delete(pushSubscriptions);
  const reset = await member.patch("/api/notifications/preferences", {
    kinds: { "chat.channel": "email_now" },
    quietHours: null,
  });
  expect(reset.statusCode).toBe(200);
});

const channelNotice = (excerpt: string) => ({
  kind: "chat.channel" as const,
  recipients: [people().northwindMember.id],
  item: { type: "chat_channel", id: channel.id, title: `#${channel.name}`, url: `/chat/${channel.id}` },
  excerpt,
  actor: { id: people().northwindAdmin.id, name: people().northwindAdmin.name },
});

/** A browser of the member's, subscribed in `session` (the member's usual session unless another is named). */
async function subscribeMember(prefix?: "push" | "gone" | "broken", session: Client = member) {
  const browser = pushService.subscribe(prefix);
  const answer = await session.post("/api/notifications/push/subscriptions", {
    endpoint: browser.endpoint,
    keys: browser.keys,
  });
  expect(answer.statusCode).toBe(204);
  return browser;
}

const pushesTo = (endpoint: string) =>
  pushService.received.filter((push) => push.path === new URL(endpoint).pathname);

describe("browser push", () => {
  it("pushes each at-once notification once to a subscribed browser, encrypted for it and tagged by item", async () => {
    const browser = await subscribeMember();
    await notify(community.ctx, channelNotice("Stand-up moved to 10:00"));
    await notify(community.ctx, channelNotice("And now to 10:30"));
    await community.app.pushSender.flush();
    await community.app.pushSender.flush();

    const pushes = pushesTo(browser.endpoint);
    expect(pushes.map((push) => push.payload)).toEqual([
      {
        title: "#push-channel",
        body: `${people().northwindAdmin.name}: Stand-up moved to 10:00`,
        url: `/chat/${channel.id}`,
        tag: `chat_channel:${channel.id}`,
      },
      expect.objectContaining({ body: `${people().northwindAdmin.name}: And now to 10:30` }),
    ]);
    expect(pushes[0]?.headers.authorization).toMatch(/^vapid t=.+, k=.+$/);
    expect(pushes[0]?.headers["content-encoding"]).toBe("aes128gcm");
    // One topic per item, so a push service replaces an undelivered earlier push of the same item.
    expect(pushes[0]?.headers.topic).toMatch(/^[\w-]{32}$/);
    expect(pushes[1]?.headers.topic).toBe(pushes[0]?.headers.topic);
    const [row] = await community.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, browser.endpoint));
    expect(row?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it("pushes nothing for a kind the person gets only in the app or by e-mail later", async () => {
    const browser = await subscribeMember();
    await member.patch("/api/notifications/preferences", { kinds: { "chat.channel": "email_batch" } });
    await notify(community.ctx, channelNotice("Batched"));
    await community.app.pushSender.flush();
    expect(pushesTo(browser.endpoint)).toEqual([]);
  });

  it("never pushes a notification whose change was rolled back", async () => {
    const browser = await subscribeMember();
    await expect(
      community.db.transaction(async (tx) => {
        await notify({ ...community.ctx, db: tx }, channelNotice("Never committed"));
        throw new Error("the change fails after notifying");
      }),
    ).rejects.toThrow("the change fails");
    await community.app.pushSender.flush();
    expect(pushesTo(browser.endpoint)).toEqual([]);
  });

  it("forgets a subscription the push service answers 410 Gone for", async () => {
    const browser = await subscribeMember("gone");
    await notify(community.ctx, channelNotice("To a browser that left"));
    await community.app.pushSender.flush();
    const rows = await community.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, browser.endpoint));
    expect(rows).toEqual([]);
  });

  it("retries a failing push service a few times, then gives up", async () => {
    await subscribeMember("broken");
    await notify(community.ctx, channelNotice("To a failing push service"));
    for (let pass = 0; pass < 6; pass++) await community.app.pushSender.flush();
    const [row] = await community.db
      .select({ pushDueAt: notifications.pushDueAt, pushAttempts: notifications.pushAttempts })
      .from(notifications)
      .where(eq(notifications.excerpt, "To a failing push service"));
    expect(row).toEqual({ pushDueAt: null, pushAttempts: 5 });
  });

  it("waits out the person's quiet hours", async () => {
    const browser = await subscribeMember();
    const hour = new Date().getUTCHours();
    const clock = (h: number) => `${String((h + 24) % 24).padStart(2, "0")}:00`;
    await member.patch("/api/notifications/preferences", {
      timeZone: "UTC",
      quietHours: { from: clock(hour - 1), to: clock(hour + 2) },
    });
    await notify(community.ctx, channelNotice("During quiet hours"));
    await community.app.pushSender.flush();
    expect(pushesTo(browser.endpoint)).toEqual([]);
    const [row] = await community.db
      .select({ pushDueAt: notifications.pushDueAt })
      .from(notifications)
      .where(eq(notifications.excerpt, "During quiet hours"));
    expect(row?.pushDueAt?.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
  });

  it("keeps one VAPID key pair for the instance in DATA_DIR", async () => {
    const first = (await member.get("/api/notifications/push/key")).json();
    const again = (await colleague.get("/api/notifications/push/key")).json();
    expect(first.publicKey).toBe(again.publicKey);
    expect(Buffer.from(first.publicKey, "base64url")).toHaveLength(65);
    const file = path.join(community.config.dataDir, "vapid-private.key");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it("lets a person remove only their own browsers", async () => {
    const browser = await subscribeMember();
    const byColleague = await colleague.delete("/api/notifications/push/subscriptions", {
      endpoint: browser.endpoint,
    });
    expect(byColleague.statusCode).toBe(404);
    expect(await community.db.select().from(pushSubscriptions)).toHaveLength(1);

    const byMember = await member.delete("/api/notifications/push/subscriptions", {
      endpoint: browser.endpoint,
    });
    expect(byMember.statusCode).toBe(204);
    expect(await community.db.select().from(pushSubscriptions)).toEqual([]);
  });

  it("stops pushing to the browser a person signs out of, as the session ends, and to no other", async () => {
    const signingOut = await community.signIn("member@northwind.example");
    const shared = await subscribeMember(undefined, signingOut);
    const phone = await subscribeMember();
    const colleagueLeaving = await community.signIn("admin@northwind.example");
    // Someone else's endpoint named on signing out is none of theirs to end: it stays.
    const elsewhere = await colleagueLeaving.post("/api/auth/logout", { pushEndpoint: phone.endpoint });
    expect(elsewhere.statusCode).toBe(204);

    const signedOut = await signingOut.post("/api/auth/logout", { pushEndpoint: shared.endpoint });
    expect(signedOut.statusCode).toBe(204);
    expect((await signingOut.get("/api/auth/session")).json()).toEqual({ user: null });
    const endpoints = (await community.db.select().from(pushSubscriptions)).map((row) => row.endpoint);
    expect(endpoints).toEqual([phone.endpoint]);
    await notify(community.ctx, channelNotice("After signing out"));
    await community.app.pushSender.flush();
    expect(pushesTo(shared.endpoint)).toEqual([]);
    expect(pushesTo(phone.endpoint)).toHaveLength(1);
  });

  it("stops pushing to a browser whose session was ended from another browser, and to no other", async () => {
    const lost = await community.signIn("member@northwind.example");
    const laptop = await subscribeMember(undefined, lost);
    const phone = await subscribeMember();
    const { sessions } = (await lost.get("/api/me/sessions")).json() as {
      sessions: { id: string; current: boolean }[];
    };
    const lostSession = sessions.find((session) => session.current);
    expect((await member.delete(`/api/me/sessions/${lostSession?.id}`)).statusCode).toBe(204);

    await notify(community.ctx, channelNotice("After the laptop was signed out"));
    await community.app.pushSender.flush();
    expect(pushesTo(laptop.endpoint)).toEqual([]);
    expect(pushesTo(phone.endpoint)).toHaveLength(1);
  });

  it("signs out without a push endpoint, or with an endpoint that is not an https address (400)", async () => {
    const plain = await community.signIn("member@northwind.example");
    expect((await plain.post("/api/auth/logout")).statusCode).toBe(204);
    const bad = await community.signIn("member@northwind.example");
    const refused = await bad.post("/api/auth/logout", { pushEndpoint: "http://push.example/x" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toHaveProperty("pushEndpoint");
  });

  it("keeps a person's newest ten browsers", async () => {
    const browsers = [];
    for (let n = 0; n < 11; n++) browsers.push(await subscribeMember());
    const endpoints = (await community.db.select().from(pushSubscriptions)).map((row) => row.endpoint);
    expect(endpoints).toHaveLength(10);
    expect(endpoints).not.toContain(browsers[0]?.endpoint);
  });

  it("refuses a subscription without keys or at a plain-http endpoint, naming the field", async () => {
    const browser = pushService.subscribe();
    const noKeys = await member.post("/api/notifications/push/subscriptions", { endpoint: browser.endpoint });
    expect(noKeys.statusCode).toBe(400);
    expect(noKeys.json().error.fields).toHaveProperty("keys");

    const plainHttp = await member.post("/api/notifications/push/subscriptions", {
      endpoint: browser.endpoint.replace("https:", "http:"),
      keys: browser.keys,
    });
    expect(plainHttp.statusCode).toBe(400);
    expect(plainHttp.json().error.fields).toHaveProperty("endpoint");

    const shortKey = await member.post("/api/notifications/push/subscriptions", {
      endpoint: browser.endpoint,
      keys: { ...browser.keys, auth: "abc" },
    });
    expect(shortKey.statusCode).toBe(400);
    expect(shortKey.json().error.fields).toHaveProperty(["keys.auth"]);
  });
});
