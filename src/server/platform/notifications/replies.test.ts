import { and, eq } from "drizzle-orm";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf } from "../../modules/accounts/users.js";
import { addMember, createChannel, leaveChannel, openDirectMessage } from "../../modules/chat/channels.js";
import { MAX_MESSAGE_LENGTH } from "../../modules/chat/contracts/messages.js";
import { postMessage } from "../../modules/chat/messages.js";
import { messages } from "../../modules/chat/schema.js";
import { GroupMailListener } from "../../modules/groups/inbound.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actingAs } from "../context.js";
import { REPLY_VALIDITY_DAYS, replyAddress, replyText } from "./replies.js";

let community: TestCommunity;
let listener: GroupMailListener;
let port: number;

beforeAll(async () => {
  community = await startTestCommunity({ groupMailBurst: 100 });
  listener = new GroupMailListener({ db: community.db, config: community.config });
  port = await listener.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await listener?.close();
  await community?.close();
});

const people = () => community.demo.people;
const asPerson = (person: Parameters<typeof actorOf>[0]) => actingAs(community.ctx, actorOf(person));
const MEMBER = "member@northwind.example";
const ADMIN = "admin@northwind.example";

/** Sends over real SMTP; resolves with the server's final reply, or rejects with its refusal. */
async function send(mail: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  try {
    return (await transport.sendMail(mail)).response;
  } finally {
    transport.close();
  }
}

/** A thread the admin started in a private channel both are in; the member is e-mailed about it. */
async function threadFor(name: string) {
  const admin = asPerson(people().northwindAdmin);
  const channel = await createChannel(admin, { name, kind: "private", topic: "", description: "" });
  await addMember(admin, channel.id, people().northwindMember.id);
  const { message } = await postMessage(admin, channel.id, {
    clientId: `thread-${name}`,
    body: "Who takes the monitoring visit on Tuesday?",
  });
  const address = await replyAddress(community.config, people().northwindMember.id, {
    type: "chat_message",
    id: message.id,
  });
  return { channel, root: message, address: address as string };
}

const repliesIn = (rootId: string) =>
  community.db.select().from(messages).where(eq(messages.threadRootId, rootId));

describe("replies by e-mail", () => {
  it("posts an answer as its person in the thread, without the quoted message and signature", async () => {
    const { root, address } = await threadFor("reply-thread");
    expect(address.split("@")[0]?.length).toBeLessThanOrEqual(64);
    const response = await send({
      from: MEMBER,
      to: address,
      subject: "Re: #reply-thread",
      text: [
        "I'll take it.",
        "",
        "-- ",
        "Ned, Northwind",
        "",
        "On Tue, 1 Dec 2026 at 09:00, Convene <no-reply@example.org> wrote:",
        "> Who takes the monitoring visit on Tuesday?",
      ].join("\n"),
    });
    expect(response).toContain("Your answer is posted.");
    const [reply] = await repliesIn(root.id);
    expect(reply).toMatchObject({ authorId: people().northwindMember.id, body: "I'll take it." });
  });

  it("answers a direct message with a message in the conversation, and a thread's e-mail in the thread", async () => {
    const dm = await openDirectMessage(asPerson(people().northwindAdmin), [people().northwindMember.id]);
    const { message: question } = await postMessage(asPerson(people().northwindAdmin), dm.id, {
      clientId: "dm-question",
      body: "Can you join the call?",
    });
    const dmAddress = await replyAddress(community.config, people().northwindMember.id, {
      type: "chat_message",
      id: question.id,
    });
    await send({
      from: MEMBER,
      to: dmAddress as string,
      subject: "Re: DM",
      text: "On my way.\n\nSent from my iPhone",
    });
    const conversation = await community.db.select().from(messages).where(eq(messages.channelId, dm.id));
    expect(conversation.map((message) => [message.body, message.threadRootId])).toEqual([
      ["Can you join the call?", null],
      ["On my way.", null],
    ]);

    const { root } = await threadFor("mail-thread-item");
    const threadAddress = await replyAddress(community.config, people().northwindMember.id, {
      type: "chat_thread",
      id: root.id,
    });
    await send({ from: MEMBER, to: threadAddress as string, subject: "Re: thread", text: "Same here." });
    expect((await repliesIn(root.id)).map((reply) => reply.body)).toEqual(["Same here."]);
  });

  it("refuses during the SMTP conversation a forged address, another sender, an expired one", async () => {
    const { root, address } = await threadFor("reply-refused");
    const [local = "", domain] = address.split("@");
    const last = local.at(-1) === "A" ? "B" : "A";
    const forged = `${local.slice(0, -1)}${last}@${domain}`;
    const text = "Let me do it.";
    await expect(send({ from: MEMBER, to: forged, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
    });
    await expect(send({ from: ADMIN, to: address, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
      response: expect.stringContaining(`not made for ${ADMIN}`),
    });
    const long = new Date(Date.now() - (REPLY_VALIDITY_DAYS + 1) * 86_400_000);
    const expired = await replyAddress(
      community.config,
      people().northwindMember.id,
      { type: "chat_message", id: root.id },
      long,
    );
    await expect(send({ from: MEMBER, to: expired as string, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining("too old"),
    });
    // The sender is right in the envelope but another person in From: refused at DATA.
    await expect(
      send({ envelope: { from: MEMBER, to: address }, from: ADMIN, to: address, subject: "Re", text }),
    ).rejects.toMatchObject({ responseCode: 550, command: "DATA" });
    expect(await repliesIn(root.id)).toHaveLength(0);
  });

  it("refuses a person who can no longer see the item, and a reply with nothing of its own", async () => {
    const { channel, root, address } = await threadFor("reply-left");
    await expect(
      send({ from: MEMBER, to: address, subject: "Re", text: "> Who takes the monitoring visit?\n" }),
    ).rejects.toMatchObject({ responseCode: 550, command: "DATA" });
    await leaveChannel(asPerson(people().northwindMember), channel.id);
    await expect(send({ from: MEMBER, to: address, subject: "Re", text: "Me!" })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
      response: expect.stringContaining("no longer see"),
    });
    expect(
      await community.db
        .select()
        .from(messages)
        .where(and(eq(messages.threadRootId, root.id), eq(messages.authorId, people().northwindMember.id))),
    ).toHaveLength(0);
  });

  it("refuses an answer longer than a message may be on the web, and posts nothing", async () => {
    const { root, address } = await threadFor("reply-long");
    const text = "All good. ".repeat(MAX_MESSAGE_LENGTH / 10 + 1);
    await expect(send({ from: MEMBER, to: address, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      command: "DATA",
      response: expect.stringContaining("at most 40,000 characters"),
    });
    expect(await repliesIn(root.id)).toHaveLength(0);
  });

  it("refuses an answer holding a control character (NUL), as the web refuses it, and posts nothing", async () => {
    const { root, address } = await threadFor("reply-nul");
    await expect(
      send({ from: MEMBER, to: address, subject: "Re", text: "Me,\u0000 on Tuesday." }),
    ).rejects.toMatchObject({
      responseCode: 550,
      command: "DATA",
      response: expect.stringContaining("Remove the control character"),
    });
    expect(await repliesIn(root.id)).toHaveLength(0);
  });
});

describe("the new part of an e-mailed answer", () => {
  it("drops quoted lines, the attribution, signatures and mobile footers", () => {
    expect(replyText("Yes.\n\nOn Mon, 30 Nov 2026, Ana <a@b.c> wrote:\n> Can you?\n> Thanks")).toBe("Yes.");
    expect(replyText("Yes.\n\nOn Mon, 30 Nov 2026 at 10:00, Ana Long Name\n<a@b.c> wrote:\n> Can you?")).toBe(
      "Yes.",
    );
    expect(replyText("> Can you?\nYes.\n> And Friday?\nNo.")).toBe("Yes.\nNo.");
    expect(replyText("Sure thing.\n-- \nAna\nNorthwind")).toBe("Sure thing.");
    expect(replyText("Sure thing.\n\nSent from my iPhone")).toBe("Sure thing.");
    expect(replyText("Sure.\n\nFrom: Convene <no-reply@x.y>\nSent: Monday\nSubject: #x")).toBe("Sure.");
    expect(replyText("Am 30.11.2026 um 10:00 schrieb Ana <a@b.c>:\n> Frage")).toBe("");
  });
});
