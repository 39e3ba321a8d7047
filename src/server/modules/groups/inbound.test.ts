import { and, count, eq } from "drizzle-orm";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { files } from "../../platform/files/schema.js";
import { MAX_FORM_FILES } from "../../platform/files/upload.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { startSmtpCatcher } from "../../testing/smtp.js";
import { actorOf } from "../accounts/users.js";
import { createGroup } from "./groups.js";
import { cleanSubject, GroupMailListener, htmlAsText, newText } from "./inbound.js";
import { joinGroup, removeMember } from "./members.js";
import { conveneMessageId } from "./outbound.js";
import { groupMessageAttachments, groupMessages, groupTopics } from "./schema.js";
import { removeTopic, startTopic } from "./topics.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let listener: GroupMailListener;
let port: number;
/** Same database, tighter limits: a small size limit and a burst of three mails a sender. */
let strict: GroupMailListener;
let strictPort: number;
let groupId: string;

const HANDLE = "site-mail";
const NED = "member@northwind.example";
const CORA = "member@contoso.example";
const FAY = "dev@fabrikam.example";
const PIA = "pharmacist@northwind.example";

const person = (key: keyof TestCommunity["demo"]["people"]) => actorOf(community.demo.people[key]);
const address = () => `${HANDLE}@${community.config.mailDomain}`;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url, groupMailBurst: 100 });
  const { ctx, db, config } = community;
  const group = await createGroup(actingAs(ctx, person("northwindMember")), {
    handle: HANDLE,
    name: "Site mail",
  });
  groupId = group.id;
  await joinGroup(actingAs(ctx, person("contosoMember")), HANDLE);
  await joinGroup(actingAs(ctx, person("northwindPharmacist")), HANDLE);
  await removeMember(
    actingAs(ctx, person("northwindMember")),
    HANDLE,
    community.demo.people.northwindPharmacist.id,
    {
      status: "banned",
      reason: "posting patient names",
    },
  );
  listener = new GroupMailListener({ db, config });
  port = await listener.listen(0, "127.0.0.1");
  strict = new GroupMailListener({
    db,
    config: { ...config, groupMailMaxBytes: 20_000, groupMailBurst: 3, groupMailPerMinute: 1 },
  });
  strictPort = await strict.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await listener?.close();
  await strict?.close();
  await community?.close();
  await smtp?.close();
});

/** Sends over real SMTP; resolves with the server's final reply, or rejects with its refusal. */
async function send(mail: SendMailOptions, to = port): Promise<string> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: to,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return (await transport.sendMail(mail)).response;
  } finally {
    transport.close();
  }
}

/** The SMTP reply that refused the mail (e.g. "550 5.7.1 ..."); fails the test when it was accepted. */
async function refusal(mail: SendMailOptions, to = port): Promise<string> {
  const outcome = await send(mail, to).then(
    (response) => new Error(`accepted: ${response}`),
    (error: Error & { response?: string }) => error.response ?? error.message,
  );
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

async function topicsTitled(subject: string) {
  return community.db
    .select()
    .from(groupTopics)
    .where(and(eq(groupTopics.groupId, groupId), eq(groupTopics.subject, subject)));
}

/** Topics of the group; counted rather than looked up where a subject PostgreSQL cannot hold is involved. */
async function topicCount() {
  const [row] = await community.db
    .select({ n: count() })
    .from(groupTopics)
    .where(eq(groupTopics.groupId, groupId));
  return row?.n ?? 0;
}

async function messagesWith(text: string) {
  const rows = await community.db.select().from(groupMessages).where(eq(groupMessages.groupId, groupId));
  return rows.filter((row) => row.body.includes(text));
}

describe("group mail in", () => {
  it("starts a topic from a member's mail, subject cleaned of Re: and [group] prefixes", async () => {
    const response = await send({
      from: `Ned Member <${NED}>`,
      to: address(),
      subject: "Re: [Site mail] Temperature log template",
      text: "Here is the template we use. #temperature\n\n-- \nNed, Northwind",
      messageId: "<template-1@northwind.example>",
    });
    expect(response).toMatch(/^250 .*Posted to Site mail/);
    const [message] = await messagesWith("Here is the template we use.");
    expect(message).toMatchObject({
      source: "email",
      status: "published",
      emailMessageId: "<template-1@northwind.example>",
    });
    expect(message?.body).not.toContain("Ned, Northwind");
    const [topic] = await community.db
      .select()
      .from(groupTopics)
      .where(eq(groupTopics.id, message?.topicId ?? ""));
    expect(topic?.subject).toBe("Temperature log template");
  });

  it("files a reply to mail Convene sent under the same topic", async () => {
    await send({ from: NED, to: address(), subject: "Monitoring visit dates", text: "Visits are in March." });
    await community.app.mailer.flush();
    const delivered = await smtp.waitFor(
      (m) => m.to.includes(CORA) && m.subject === "[Site mail] Monitoring visit dates",
    );
    const conveneId = delivered.headers.get("message-id") as string;
    const response = await send({
      from: CORA,
      to: address(),
      subject: "Re: [Site mail] Monitoring visit dates",
      text: `Thanks, noted.\n\nOn Tue, Ned Member via Site mail wrote:\n> Visits are in March.`,
      inReplyTo: conveneId,
      references: [conveneId],
    });
    expect(response).toMatch(/^250 /);
    const [original] = await messagesWith("Visits are in March.");
    const [reply] = await messagesWith("Thanks, noted.");
    expect(reply?.topicId).toBe(original?.topicId);
    expect(reply?.body).toBe("Thanks, noted.");
  });

  it("takes the text of an HTML-only mail and keeps accepted attachments, dropping refused ones with a note", async () => {
    await send({
      from: NED,
      to: address(),
      subject: "Shipping checklist",
      html: "<p>The <b>checklist</b> is attached.</p>",
      attachments: [
        {
          filename: "checklist.pdf",
          content: Buffer.from("%PDF-1.4 checklist"),
          contentType: "application/pdf",
        },
        { filename: "run-me.exe", content: Buffer.from("MZ"), contentType: "application/x-msdownload" },
      ],
    });
    const [message] = await messagesWith("The checklist is attached.");
    expect(message?.body).toContain("(run-me.exe was not attached:");
    const kept = await community.db
      .select({ filename: files.filename })
      .from(groupMessageAttachments)
      .innerJoin(files, eq(files.id, groupMessageAttachments.fileId))
      .where(eq(groupMessageAttachments.messageId, message?.id ?? ""));
    expect(kept).toEqual([{ filename: "checklist.pdf" }]);
  });

  it("accepts a resent mail with the same Message-ID but does not store it twice", async () => {
    const mail = {
      from: CORA,
      to: address(),
      subject: "Once",
      text: "Only once please.",
      messageId: "<once@contoso.example>",
    };
    await send(mail);
    expect(await send(mail)).toMatch(/^250 .*not posted twice/);
    expect(await messagesWith("Only once please.")).toHaveLength(1);
  });

  it("accepts but never posts an automatic reply, so an out-of-office cannot loop through the group", async () => {
    const response = await send({
      from: CORA,
      to: address(),
      subject: "Out of office",
      text: "I am away until Monday.",
      headers: { "Auto-Submitted": "auto-replied" },
    });
    expect(response).toMatch(/^250 .*Automatic replies/);
    expect(await messagesWith("I am away until Monday.")).toHaveLength(0);
  });

  it("refuses a group that does not exist with 550 5.1.1", async () => {
    const reply = await refusal({
      from: NED,
      to: `no-such-group@${community.config.mailDomain}`,
      subject: "x",
      text: "x",
    });
    expect(reply).toMatch(/^550 5\.1\.1 No group no-such-group here/);
  });

  it("refuses mail from someone who is not a member with 550 5.7.1, storing nothing", async () => {
    const reply = await refusal({ from: FAY, to: address(), subject: "Hello", text: "Not a member here." });
    expect(reply).toMatch(/^550 5\.7\.1 Only members of Site mail post to it/);
    const stranger = await refusal({
      from: "someone@elsewhere.example",
      to: address(),
      subject: "Spam",
      text: "Buy.",
    });
    expect(stranger).toMatch(/^550 5\.7\.1 No Convene member uses someone@elsewhere\.example/);
    expect(await messagesWith("Not a member here.")).toHaveLength(0);
  });

  it("refuses a banned member with the reason of the ban", async () => {
    const reply = await refusal({ from: PIA, to: address(), subject: "Back", text: "Let me back in." });
    expect(reply).toMatch(/^550 5\.7\.1 You are banned from Site mail: posting patient names/);
  });

  it("refuses a spoofed From: a member's envelope carrying a non-member's From header", async () => {
    const reply = await refusal({
      envelope: { from: NED, to: [address()] },
      from: FAY,
      to: address(),
      subject: "Spoofed",
      text: "Posted as Fay through Ned's envelope.",
    });
    expect(reply).toMatch(/^550 5\.7\.1 The From header does not match the sender/);
    expect(await messagesWith("Posted as Fay")).toHaveLength(0);
  });

  it("refuses malformed MIME with 550 and stays up for the next mail", async () => {
    const envelope = { from: NED, to: [address()] };
    const noBoundary = `From: ${NED}\r\nTo: ${address()}\r\nSubject: Broken\r\nContent-Type: multipart/mixed\r\n\r\nBroken body one\r\n`;
    const lostParts = `From: ${NED}\r\nTo: ${address()}\r\nSubject: Broken\r\nContent-Type: multipart/mixed; boundary="xyz"\r\n\r\nBroken body two\r\n`;
    const noHeaders = "\x00\x01\x02 Broken body three, not a mail at all\r\n";
    for (const raw of [noBoundary, lostParts, noHeaders]) {
      expect(await refusal({ envelope, raw })).toMatch(/^550 5\.6\.0 The message is not valid MIME/);
    }
    expect(await messagesWith("Broken body")).toHaveLength(0);
    expect(await send({ from: NED, to: address(), subject: "Still here", text: "Still working." })).toMatch(
      /^250 /,
    );
  });

  it("refuses a reply to a topic a moderator deleted, with the reason", async () => {
    const posted = await startTopic(actingAs(community.ctx, person("northwindMember")), groupId, {
      subject: "Soon deleted",
      body: "This topic will be deleted.",
      source: "web",
    });
    await community.app.mailer.flush();
    const delivered = await smtp.waitFor(
      (m) => m.to.includes(CORA) && m.subject === "[Site mail] Soon deleted",
    );
    await removeTopic(
      actingAs(community.ctx, person("northwindMember")),
      HANDLE,
      posted.message.topicId,
      "off topic",
    );
    const reply = await refusal({
      from: CORA,
      to: address(),
      subject: "Re: [Site mail] Soon deleted",
      text: "A late answer.",
      inReplyTo: delivered.headers.get("message-id") as string,
    });
    expect(reply).toMatch(/^550 5\.7\.1 The topic you replied to was deleted/);
    expect(await messagesWith("A late answer.")).toHaveLength(0);
  });

  it("announces SIZE and refuses mail over the limit with 552, storing nothing", async () => {
    const reply = await refusal(
      { from: NED, to: address(), subject: "Big", text: `Too big. ${"x".repeat(40_000)}` },
      strictPort,
    );
    expect(reply).toMatch(/^552 /);
    expect(await messagesWith("Too big.")).toHaveLength(0);
  });

  it("refuses a mail whose text is longer than the web's form allows, naming the text and storing nothing, not even its files", async () => {
    const reply = await refusal({
      from: NED,
      to: address(),
      subject: "Long notes",
      text: `Long notes. ${"x".repeat(50_000)}`,
      attachments: [
        {
          filename: "long-notes.pdf",
          content: Buffer.from("%PDF-1.4 notes"),
          contentType: "application/pdf",
        },
      ],
    });
    expect(reply).toMatch(/^550 5\.6\.0 Message text: Use at most 50,000 characters\./);
    expect(await messagesWith("Long notes.")).toHaveLength(0);
    expect(await topicsTitled("Long notes")).toHaveLength(0);
    expect(await community.db.select().from(files).where(eq(files.filename, "long-notes.pdf"))).toHaveLength(
      0,
    );
  });

  it("refuses a reply by mail whose text is longer than the web's form allows, storing nothing", async () => {
    await send({ from: NED, to: address(), subject: "Short start", text: "A short start." });
    const [start] = await messagesWith("A short start.");
    const reply = await refusal({
      from: CORA,
      to: address(),
      subject: "Re: Short start",
      text: `Long answer. ${"y".repeat(50_000)}`,
      inReplyTo: conveneMessageId(community.config, start?.id ?? ""),
    });
    expect(reply).toMatch(/^550 5\.6\.0 Message text: Use at most 50,000 characters\./);
    expect(await messagesWith("Long answer.")).toHaveLength(0);
  });

  it("refuses a mail whose subject is longer than the web's form allows, naming the subject and storing nothing", async () => {
    const subject = `Long subject ${"s".repeat(200)}`;
    const reply = await refusal({ from: NED, to: address(), subject, text: "Under a long subject." });
    expect(reply).toMatch(/^550 5\.6\.0 Subject: Use at most 200 characters\./);
    expect(await messagesWith("Under a long subject.")).toHaveLength(0);
    expect(await topicsTitled(subject)).toHaveLength(0);
  });

  it("refuses a control character (NUL) in the subject or the text as the web does, storing nothing", async () => {
    const topicsBefore = await topicCount();
    const inSubject = await refusal({
      from: NED,
      to: address(),
      subject: "Visit\u0000dates",
      text: "Under a subject with NUL.",
    });
    expect(inSubject).toMatch(/^550 5\.6\.0 Subject: Remove the control character \(such as NUL\)/);
    expect(await messagesWith("Under a subject with NUL.")).toHaveLength(0);
    expect(await topicCount()).toBe(topicsBefore);
    const inText = await refusal({
      from: NED,
      to: address(),
      subject: "Bell in the text",
      text: "A bell\u0007 in the text.",
    });
    expect(inText).toMatch(/^550 5\.6\.0 Message text: Remove the control character/);
    expect(await topicsTitled("Bell in the text")).toHaveLength(0);
  });

  it("refuses a Message-ID with a control character and passes over such a reference, as no stored mail can match it", async () => {
    const envelope = { from: NED, to: [address()] };
    const head = `From: ${NED}\r\nTo: ${address()}\r\n`;
    const badId = await refusal({
      envelope,
      raw: `${head}Subject: Odd id\r\nMessage-ID: <odd\u0000id@northwind.example>\r\n\r\nAn odd Message-ID.\r\n`,
    });
    expect(badId).toMatch(/^550 5\.6\.0 Message-ID: Remove the control character/);
    expect(await messagesWith("An odd Message-ID.")).toHaveLength(0);
    const oddReference = await send({
      envelope,
      raw: `${head}Subject: Odd reference\r\nIn-Reply-To: <odd\u0001reference@northwind.example>\r\n\r\nAn odd reference.\r\n`,
    });
    expect(oddReference).toMatch(/^250 .*Posted to Site mail/);
    expect(await messagesWith("An odd reference.")).toHaveLength(1);
  });

  it("refuses more files than the web's form takes with 552, storing none of them", async () => {
    const attachments = Array.from({ length: MAX_FORM_FILES + 1 }, (_, index) => ({
      filename: `many-${index}.pdf`,
      content: Buffer.from(`%PDF-1.4 many ${index}`),
      contentType: "application/pdf",
    }));
    const reply = await refusal({
      from: NED,
      to: address(),
      subject: "Many files",
      text: "Many files.",
      attachments,
    });
    expect(reply).toMatch(new RegExp(`^552 5\\.3\\.4 Attach at most ${MAX_FORM_FILES} files`));
    expect(await messagesWith("Many files.")).toHaveLength(0);
    expect(await community.db.select().from(files).where(eq(files.filename, "many-0.pdf"))).toHaveLength(0);
  });

  it("rate-limits a burst from one sender with 451 4.7.1", async () => {
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push(
        await send(
          { from: CORA, to: address(), subject: `Burst ${i}`, text: `Burst message ${i}` },
          strictPort,
        ).catch((error: Error & { response?: string }) => error.response ?? error.message),
      );
    }
    expect(replies.slice(0, 3).every((reply) => reply.startsWith("250 "))).toBe(true);
    expect(replies.slice(3)).toEqual([
      expect.stringMatching(/^451 4\.7\.1 /),
      expect.stringMatching(/^451 4\.7\.1 /),
    ]);
    expect(await messagesWith("Burst message")).toHaveLength(3);
  });

  it("stops a member's group mail when they write to the +unsubscribe address", async () => {
    const response = await send({
      from: CORA,
      to: `${HANDLE}+unsubscribe@${community.config.mailDomain}`,
      subject: "unsubscribe",
      text: "unsubscribe",
    });
    expect(response).toMatch(/^250 .*no more mail from Site mail/);
    const [row] = await community.db
      .select({ n: count() })
      .from(groupMessages)
      .where(and(eq(groupMessages.groupId, groupId), eq(groupMessages.body, "unsubscribe")));
    expect(row?.n).toBe(0);
  });
});

describe("mail text helpers", () => {
  it("strips reply and list prefixes from subjects", () => {
    expect(cleanSubject("RE: Fwd: [Site mail] Re[2]: Visits")).toBe("Visits");
    expect(cleanSubject("   ")).toBe("(no subject)");
  });

  it("turns an HTML body into paragraphs of text", () => {
    expect(htmlAsText("<style>p{}</style><p>One &amp; <b>two</b></p><p>Three<br>four</p>")).toBe(
      "One & two\n\nThree\nfour",
    );
  });

  it("keeps the new text of a reply, without the quote and the signature", () => {
    expect(newText("Yes.\n\nOn Mon, A wrote:\n> question\n>\n")).toBe("Yes.");
    expect(newText("Body\n-- \nsig")).toBe("Body");
    expect(newText("a > b stays")).toBe("a > b stays");
  });
});
