import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";
import { actorOf } from "../accounts/users.js";
import { createGroup } from "./groups.js";
import { joinGroup, setDelivery } from "./members.js";
import { conveneMessageId } from "./outbound.js";
import { groupMembers } from "./schema.js";
import { replyToTopic, startTopic } from "./topics.js";
import { unsubscribeToken } from "./unsubscribe.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let groupId: string;
const HANDLE = "mail-out";

const person = (key: keyof TestCommunity["demo"]["people"]) => actorOf(community.demo.people[key]);

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  const { ctx } = community;
  const group = await createGroup(actingAs(ctx, person("northwindMember")), {
    handle: HANDLE,
    name: "Mail out",
    replyTo: "group",
  });
  groupId = group.id;
  for (const key of ["contosoMember", "northwindPharmacist", "fabrikamDev"] as const) {
    await joinGroup(actingAs(ctx, person(key)), HANDLE);
  }
  await setDelivery(actingAs(ctx, person("northwindPharmacist")), HANDLE, "digest");
  await setDelivery(actingAs(ctx, person("fabrikamDev")), HANDLE, "none");
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

const header = (mail: ReceivedMail, name: string) => mail.headers.get(name);
const list = (mail: ReceivedMail) =>
  header(mail, "list") as {
    id: { id: string };
    post: { mail: string };
    unsubscribe: { url: string; mail: string };
    "unsubscribe-post": { name: string };
  };

describe("group mail out", () => {
  it("sends a published message to every member who takes every message, not to its author", async () => {
    const { ctx, config } = community;
    const posted = await startTopic(actingAs(ctx, person("northwindMember")), groupId, {
      subject: "Courier pick-up times",
      body: "Our courier now comes at 16:00. #logistics",
      source: "web",
    });
    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.subject === "[Mail out] Courier pick-up times");
    expect(mail.to).toEqual(["member@contoso.example"]);
    expect(mail.text).toContain("Our courier now comes at 16:00.");
    expect(header(mail, "message-id")).toBe(conveneMessageId(config, posted.message.id));
    expect(header(mail, "in-reply-to")).toBeUndefined();
    expect((header(mail, "from") as { text: string }).text).toBe(
      `"Ned Member via Mail out" <${HANDLE}@${config.mailDomain}>`,
    );
    expect((header(mail, "reply-to") as { text: string }).text).toBe(`${HANDLE}@${config.mailDomain}`);
    expect(list(mail).id).toEqual({ name: "Mail out", id: `${HANDLE}.${config.mailDomain}` });
    expect(list(mail).post.mail).toBe(`${HANDLE}@${config.mailDomain}`);
    expect(list(mail)["unsubscribe-post"].name).toBe("List-Unsubscribe=One-Click");
    expect(list(mail).unsubscribe.url).toMatch(`${TEST_ORIGIN}/api/groups/unsubscribe?token=${groupId}.`);
    expect(list(mail).unsubscribe.mail).toBe(
      `${HANDLE}+unsubscribe@${config.mailDomain}?subject=unsubscribe`,
    );
    const copies = smtp.received.filter((m) => m.subject === "[Mail out] Courier pick-up times");
    expect(copies.flatMap((m) => m.to)).toEqual(["member@contoso.example"]);
  });

  it("threads a reply under the topic's earlier messages and sends it to the topic's author", async () => {
    const { ctx, config } = community;
    const first = await startTopic(actingAs(ctx, person("northwindMember")), groupId, {
      subject: "Freezer alarms",
      body: "Who else sees false freezer alarms at night?",
      source: "web",
    });
    const reply = await replyToTopic(actingAs(ctx, person("contosoMember")), first.message.topicId, {
      body: "We do, since the firmware update.",
      source: "web",
    });
    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.subject === "Re: [Mail out] Freezer alarms");
    expect(mail.to).toEqual(["member@northwind.example"]);
    expect(header(mail, "message-id")).toBe(conveneMessageId(config, reply.message.id));
    expect(header(mail, "in-reply-to")).toBe(conveneMessageId(config, first.message.id));
    expect(header(mail, "references")).toBe(conveneMessageId(config, first.message.id));
  });

  it("sets Reply-To to the author when the group's replies go to the sender", async () => {
    const { ctx } = community;
    const group = await createGroup(actingAs(ctx, person("contosoMember")), {
      handle: "mail-sender",
      name: "Replies to sender",
      replyTo: "sender",
    });
    await joinGroup(actingAs(ctx, person("northwindMember")), "mail-sender");
    await startTopic(actingAs(ctx, person("contosoMember")), group.id, {
      subject: "Ask me",
      body: "Write to me.",
      source: "web",
    });
    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.subject === "[Replies to sender] Ask me");
    expect((header(mail, "reply-to") as { text: string }).text).toBe(
      '"Cora Member" <member@contoso.example>',
    );
  });

  it("sends a message that waits for a moderator to no one: the moderators hear of it in their inbox", async () => {
    const { ctx } = community;
    const group = await createGroup(actingAs(ctx, person("northwindMember")), {
      handle: "mail-moderated",
      name: "Moderated mail",
      postingPolicy: "moderated",
    });
    await joinGroup(actingAs(ctx, person("contosoMember")), "mail-moderated");
    const posted = await startTopic(actingAs(ctx, person("contosoMember")), group.id, {
      subject: "Waiting",
      body: "Pending body",
      source: "web",
    });
    expect(posted.status).toBe("pending");
    await community.app.mailer.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.filter((m) => m.subject.includes("Moderated mail"))).toEqual([]);
  });
});

describe("one-click unsubscribe", () => {
  const delivery = async (userId: string) => {
    const [row] = await community.db
      .select({ delivery: groupMembers.delivery })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
    return row?.delivery;
  };

  it("shows what the link would change without changing it", async () => {
    const cora = community.demo.people.contosoMember;
    const token = await unsubscribeToken(community.config, groupId, cora.id);
    const response = await community.app.inject({ url: `/api/groups/unsubscribe?token=${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ group: { handle: HANDLE, name: "Mail out" }, delivery: "all" });
    expect(await delivery(cora.id)).toBe("all");
    const page = await community.app.inject({
      url: `/api/groups/unsubscribe?token=${token}`,
      headers: { accept: "text/html" },
    });
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('<form method="post"');
  });

  it("stops a member's mail with the RFC 8058 POST, without a session or CSRF header", async () => {
    const cora = community.demo.people.contosoMember;
    const token = await unsubscribeToken(community.config, groupId, cora.id);
    const response = await community.app.inject({
      method: "POST",
      url: `/api/groups/unsubscribe?token=${token}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://mail.provider.example",
      },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ delivery: "none" });
    expect(await delivery(cora.id)).toBe("none");
    await setDelivery(actingAs(community.ctx, person("contosoMember")), HANDLE, "all");
  });

  it("refuses a forged token with 400 and changes nothing", async () => {
    const cora = community.demo.people.contosoMember;
    const genuine = await unsubscribeToken(community.config, groupId, cora.id);
    const ned = community.demo.people.northwindMember;
    // Someone who has Cora's link swaps in Ned's id to unsubscribe him.
    const forged = genuine.replace(cora.id, ned.id);
    for (const token of [forged, "not-a-token", `${groupId}.${ned.id}.${"A".repeat(43)}`]) {
      const response = await community.app.inject({
        method: "POST",
        url: `/api/groups/unsubscribe?token=${encodeURIComponent(token)}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "List-Unsubscribe=One-Click",
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields.token).toBeTruthy();
    }
    expect(await delivery(ned.id)).toBe("all");
  });
});
