import { describe, expect, it } from "vitest";
import {
  cleanSubject,
  deliveryFrom,
  digestReason,
  fromLineDate,
  type MboxMessage,
  mboxMessages,
  membersFromCsv,
  membersFromJson,
  messageText,
  originalSender,
  readHead,
  roleFrom,
  type ThreadInput,
  threadTopics,
} from "./read.js";

/** A source that hands the text over in small pieces, so lines and separators straddle chunks. */
async function* inChunks(text: string, size = 7): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function messagesOf(text: string, size?: number): Promise<MboxMessage[]> {
  const out: MboxMessage[] = [];
  for await (const message of mboxMessages(inChunks(text, size))) out.push(message);
  return out;
}

const mbox = [
  "From ann@example.com Mon Jan  4 09:00:00 2021",
  "Message-ID: <a@example.com>",
  "Subject: First",
  "",
  "Hello",
  ">From the minutes: all good.",
  ">>From a quoted line",
  "From now on we meet on Thursdays.",
  "",
  "From bob@example.com Tue Jan  5 10:00:00 2021",
  "Message-ID: <b@example.com>",
  "Subject: Second",
  "",
  "From time to time, a line starts like a separator.",
  "",
  "Bye",
  "",
].join("\n");

describe("the mbox reader", () => {
  it("splits at separator lines, unescapes >From lines and keeps each message's bytes, across chunk boundaries", async () => {
    for (const size of [1, 7, 64, 100_000]) {
      const messages = await messagesOf(mbox, size);
      expect(messages.map((message) => message.index)).toEqual([0, 1]);
      expect(messages[0]?.fromLine).toBe("From ann@example.com Mon Jan  4 09:00:00 2021");
      expect(messages[0]?.raw.toString()).toBe(
        "Message-ID: <a@example.com>\nSubject: First\n\nHello\nFrom the minutes: all good.\n>From a quoted line\nFrom now on we meet on Thursdays.\n",
      );
      // A "From " line after a blank line that has no date is body text, not a separator.
      expect(messages[1]?.raw.toString()).toBe(
        "Message-ID: <b@example.com>\nSubject: Second\n\nFrom time to time, a line starts like a separator.\n\nBye\n",
      );
    }
  });

  it("takes a separator without a date when a header follows it, and keeps a last undated From line as text", async () => {
    const messages = await messagesOf(
      "From 12345@groups.io\nMessage-ID: <c@example.com>\n\nOne\n\nFrom 12346@groups.io\nSubject: two\n\nTwo\n\nFrom here on\n",
    );
    expect(messages.map((message) => [message.fromLine, message.raw.toString()])).toEqual([
      ["From 12345@groups.io", "Message-ID: <c@example.com>\n\nOne\n"],
      ["From 12346@groups.io", "Subject: two\n\nTwo\n\nFrom here on\n"],
    ]);
  });

  it("keeps 8-bit bytes as they are, for the MIME parser to decode by the message's charset", async () => {
    const latin1 = Buffer.concat([
      Buffer.from(
        "From x@example.com Mon Jan  4 09:00:00 2021\nContent-Type: text/plain; charset=iso-8859-1\n\n",
      ),
      Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a]),
    ]);
    const out: MboxMessage[] = [];
    for await (const message of mboxMessages([latin1])) out.push(message);
    expect(out[0]?.raw.subarray(-6)).toEqual(Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a]));
  });

  it("dates a message by its separator line when its Date header says nothing", () => {
    expect(fromLineDate("From ann@example.com Mon Jan  4 09:00:00 2021")?.toISOString()).toBe(
      "2021-01-04T09:00:00.000Z",
    );
    expect(fromLineDate("From 1234@xxx Sat Feb 12 21:11:03 +0000 2022")?.toISOString()).toBe(
      "2022-02-12T21:11:03.000Z",
    );
    expect(fromLineDate("From nobody")).toBeNull();
  });
});

describe("a message's headers", () => {
  const head = (text: string) =>
    readHead({ index: 0, fromLine: "From x Mon Jan  4 09:00:00 2021", raw: Buffer.from(text) });

  it("reads an encoded-word subject, the person behind a Groups.io DMARC rewrite, the list and the references", async () => {
    const subject = `[phase1] =?UTF-8?B?${Buffer.from("Protokoll für Visite 3 — Änderungen").toString("base64")}?=`;
    const read = await head(
      [
        `Subject: ${subject}`,
        'From: "Ned Member via groups.io" <member=northwind.example@groups.io>',
        "Date: Tue, 5 Jan 2021 11:30:00 +0100",
        "Message-ID: <reply-2@mail.example>",
        "In-Reply-To: <kickoff-1@mail.example> (Nora's message of Mon)",
        "References: <root-0@mail.example>",
        " <kickoff-1@mail.example>",
        'List-Id: "Phase 1 coordinators" <phase1.groups.io>',
        "",
        "body is not read",
      ].join("\r\n"),
    );
    expect(read).toMatchObject({
      messageId: "<reply-2@mail.example>",
      refs: ["<root-0@mail.example>", "<kickoff-1@mail.example>"],
      subject: "[phase1] Protokoll für Visite 3 — Änderungen",
      from: { address: "member@northwind.example", name: "Ned Member" },
      listId: "phase1.groups.io",
      listName: "Phase 1 coordinators",
      digest: null,
    });
    expect(read.date?.toISOString()).toBe("2021-01-05T10:30:00.000Z");
    expect(cleanSubject(read.subject)).toBe("Protokoll für Visite 3 — Änderungen");
  });

  it("takes the separator's date when the Date header is missing or broken", async () => {
    const read = await head("Subject: x\nDate: not a date\nFrom: a@example.com\n\nbody\n");
    expect(read.date?.toISOString()).toBe("2021-01-04T09:00:00.000Z");
    expect(read.messageId).toBeNull();
    expect((await head("Message-ID: plain@example.com\n\nbody\n")).messageId).toBe("<plain@example.com>");
  });

  it("knows a digest by its subject or its multipart/digest type", () => {
    expect(digestReason("[phase1] Digest Number 12", null)).not.toBeNull();
    expect(digestReason("Digest for phase1@groups.io", null)).not.toBeNull();
    expect(digestReason("Weekly update", "multipart/digest")).not.toBeNull();
    expect(digestReason("Re: digest of the protocol changes", null)).toBeNull();
  });

  it("undoes Groups.io's DMARC rewrite of From, and only that", () => {
    expect(originalSender("Ann=Example.COM@groups.io", "Ann via Groups.io")).toEqual({
      address: "ann@example.com",
      name: "Ann",
    });
    expect(originalSender("phase1+owner@groups.io", "")).toEqual({
      address: "phase1+owner@groups.io",
      name: "",
    });
  });

  it("cleans subjects of Re:, Fwd:, list tags and spacing", () => {
    expect(cleanSubject("Re: [phase1] RE: Fwd:  Kick-off   meeting")).toBe("Kick-off meeting");
    expect(cleanSubject("Re[2]: AW: [x] ")).toBe("(no subject)");
  });
});

describe("threading", () => {
  const at = (day: number) => new Date(Date.UTC(2021, 0, day));
  const message = (
    key: string,
    day: number,
    subject: string,
    refs: string[] = [],
    order = day,
  ): ThreadInput => ({
    key,
    date: at(day),
    order,
    subject,
    refs,
  });

  it("puts a message in the topic of any message of the archive it names, whatever the order and dates", () => {
    const topics = threadTopics([
      // A reply listed (and dated) before the message it answers, and a reply to a reply.
      message("<c>", 3, "Re: Visit windows", ["<a>", "<b>"], 0),
      message("<a>", 1, "Visit windows", [], 1),
      message("<b>", 2, "Re: Visit windows", ["<a>"], 2),
      message("<z>", 1, "Re: Visit windows", ["<b>"], 3),
      message("<d>", 4, "Something else", [], 4),
    ]);
    expect(Object.fromEntries(topics)).toEqual({
      "<a>": "<a>",
      "<b>": "<a>",
      "<c>": "<a>",
      "<z>": "<a>",
      "<d>": "<d>",
    });
  });

  it("joins a reply to messages the archive lacks to the latest earlier topic of its subject, and only such a reply", () => {
    const topics = threadTopics([
      message("<a>", 1, "[g] Kick-off"),
      message("<b>", 5, "Kick-off"),
      message("<c>", 6, "Re: [g] Kick-off", ["<lost@elsewhere>"]),
      message("<d>", 7, "Kick-off"),
      message("<e>", 8, "Re: Unknown thread", ["<lost2@elsewhere>"]),
      message("<f>", 0, "Re: Kick-off", ["<lost3@elsewhere>"]),
    ]);
    // <c> joins the latest Kick-off so far (<b>); <d> answers nothing: a topic of its own; <e> and
    // <f> (before any Kick-off topic) start topics.
    expect(Object.fromEntries(topics)).toEqual({
      "<a>": "<a>",
      "<b>": "<b>",
      "<c>": "<b>",
      "<d>": "<d>",
      "<e>": "<e>",
      "<f>": "<f>",
    });
  });

  it("survives references that go round in a circle", () => {
    const topics = threadTopics([message("<a>", 2, "x", ["<b>"]), message("<b>", 1, "x", ["<a>"])]);
    expect([...new Set(topics.values())]).toEqual(["<b>"]);
  });
});

describe("a message's text", () => {
  it("is the plain part without Groups.io's footer and the quoted message a reply ends with", () => {
    const { text } = messageText({
      text: [
        "Thursday works for me. #agenda",
        "",
        "On Mon, Jan 4, 2021 at 09:00 AM, Nora Admin wrote:",
        "> Welcome all.",
        ">",
        "",
        "-=-=-=-=-=-=-=-=-=-=-=-",
        "Groups.io Links: You receive all messages sent to this group.",
        "View/Reply Online (#1): https://groups.io/g/phase1/message/1",
        "-=-=-=-=-=-=-=-=-=-=-=-",
      ].join("\r\n"),
      html: false,
    });
    expect(text).toBe("Thursday works for me. #agenda");
  });

  it("keeps quotes in the middle of a message, and the whole text when it is all quote", () => {
    expect(messageText({ text: "> a\nmy answer\n> b\nmore", html: false }).text).toBe(
      "> a\nmy answer\n> b\nmore",
    );
    expect(messageText({ text: "> only a quote", html: false }).text).toBe("> only a quote");
  });

  it("is Markdown made of the HTML when the mail has no plain part", () => {
    const { text } = messageText({
      text: undefined,
      html: '<html><head><style>p{color:red}</style></head><body><p>Agreed &amp; noted.</p><p>See <a href="https://example.org/sop">the SOP</a> for:</p><ul><li>sample labels</li><li>courier times</li></ul><p>Cora<br>Contoso</p></body></html>',
    });
    expect(text).toContain("Agreed & noted.");
    expect(text).toContain("[the SOP](https://example.org/sop)");
    expect(text).toMatch(/^- sample labels$/m);
    expect(text).toMatch(/^- courier times$/m);
    expect(text).not.toContain("color:red");
    expect(text).not.toMatch(/<\/?[a-z]/);
  });

  it("drops characters no text may hold and shortens what is longer than a message may be", () => {
    expect(messageText({ text: "a\u0000b\u0007c", html: false }).text).toBe("abc");
    const long = messageText({ text: "x".repeat(60_000), html: false });
    expect(long.shortened).toBe(true);
    expect(long.text.length).toBeLessThanOrEqual(50_000);
  });
});

describe("the member list", () => {
  it("reads Groups.io's CSV by its column names, in any case and order, with quoted values", () => {
    const csv = [
      "\uFEFFUser ID,EMAIL,Display Name,Username,Joined,Email Delivery,Role(s)",
      '1,Admin@Northwind.example,Nora Admin,nora,2020-12-01 10:00:00,Individual Messages,"Owner, Moderator"',
      '2,member@northwind.example,"Member, Ned",ned,,Full Featured Digest,',
      "3,member@contoso.example,Cora Member,cora,2020-12-03,Daily Summary,Moderator",
      "4,pharmacist@northwind.example,,pia,2020-12-04,Special Notices Only,Member",
      "5,dev@fabrikam.example,Fay,fay,2020-12-05,No Email,",
      "6,not an address,Nobody,,,,",
      "7,admin@northwind.example,Nora again,,,Plain Digest,Member",
    ].join("\r\n");
    const { members, problems } = membersFromCsv(csv, "members.csv");
    expect(members).toEqual([
      {
        email: "admin@northwind.example",
        name: "Nora Admin",
        delivery: "all",
        role: "owner",
        joinedAt: new Date("2020-12-01 10:00:00"),
      },
      {
        email: "member@northwind.example",
        name: "Member, Ned",
        delivery: "digest",
        role: "member",
        joinedAt: null,
      },
      {
        email: "member@contoso.example",
        name: "Cora Member",
        delivery: "digest",
        role: "moderator",
        joinedAt: new Date("2020-12-03"),
      },
      {
        email: "pharmacist@northwind.example",
        name: null,
        delivery: "none",
        role: "member",
        joinedAt: new Date("2020-12-04"),
      },
      {
        email: "dev@fabrikam.example",
        name: "Fay",
        delivery: "none",
        role: "member",
        joinedAt: new Date("2020-12-05"),
      },
    ]);
    expect(problems).toEqual([
      { item: "members.csv, row 7", reason: '"not an address" is not an e-mail address.' },
    ]);
  });

  it("says so when the CSV has no e-mail column", () => {
    expect(membersFromCsv("Name,Delivery\nAnn,Individual Messages\n", "m.csv").problems[0]?.reason).toMatch(
      /no Email column/,
    );
  });

  it("reads members.json as an array of { email, name, delivery }", () => {
    const { members, problems } = membersFromJson(
      [
        { email: "ann@example.com", name: "Ann", delivery: "Individual Messages" },
        { Email: "BOB@example.com", "Display Name": "Bob", Delivery: "Plain Digest", role: "moderator" },
        { name: "no address" },
      ],
      "members.json",
    );
    expect(members.map(({ email, delivery, role }) => ({ email, delivery, role }))).toEqual([
      { email: "ann@example.com", delivery: "all", role: "member" },
      { email: "bob@example.com", delivery: "digest", role: "moderator" },
    ]);
    expect(problems).toHaveLength(1);
    expect(membersFromJson({}, "members.json").problems[0]?.reason).toMatch(/not an array/);
  });

  it("maps Groups.io's delivery choices and roles", () => {
    expect(
      [
        "Individual Messages",
        "Full Featured Digest",
        "Plain Digest",
        "Daily Summary",
        "Special Notices Only",
        "No Email",
        "",
      ].map(deliveryFrom),
    ).toEqual(["all", "digest", "digest", "digest", "none", "none", "all"]);
    expect(["Owner", "Moderator", "member", "", "Moderator, Owner"].map(roleFrom)).toEqual([
      "owner",
      "moderator",
      "member",
      "member",
      "owner",
    ]);
  });
});
