import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  events,
  files,
  groupHashtags,
  groupMembers,
  groupMessageAttachments,
  groupMessages,
  groups,
  groupTopics,
  importRecords,
  mailOutbox,
  notifications,
  users,
} from "../../../db/schema.js";
import { type ActorCtx, actingAs } from "../../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { writeZip } from "../../../testing/zip.js";
import { actorOf } from "../../accounts/index.js";
import { importExport } from "../pipeline.js";
import { groupsioImporter } from "./importer.js";

const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
const PDF = Buffer.from("%PDF-1.4\n% visit windows, version 3\n%%EOF\n");

/** One message of the archive as Groups.io's export writes it: separator, headers, blank line, body. */
const mail = (separator: string, headers: string[], body: string) =>
  [`From ${separator}`, ...headers, "", body, ""].join("\n");

const FOOTER = [
  "",
  "-=-=-=-=-=-=-=-=-=-=-=-",
  "Groups.io Links: You receive all messages sent to this group.",
  "View/Reply Online (#1): https://groups.io/g/phase1/message/1",
  "-=-=-=-=-=-=-=-=-=-=-=-",
].join("\n");

/**
 * A Groups.io message archive: a thread (References / In-Reply-To) with an HTML-only reply, a reply
 * filed before the message it answers, a reply to a message the archive lacks, a digest, a base64
 * attachment, an encoded-word subject, hashtags, a body with mbox-escaped "From " lines, and a
 * message without a Message-ID.
 */
function archive(): string {
  return [
    mail(
      "admin@northwind.example Mon Jan  4 09:00:00 2021",
      [
        "Return-Path: <admin@northwind.example>",
        "Date: Mon, 04 Jan 2021 09:00:00 +0000",
        'From: "Nora Admin" <admin@northwind.example>',
        "To: phase1@groups.io",
        "Subject: [phase1] Kick-off meeting #kickoff",
        "Message-ID: <kickoff-1@mail.northwind.example>",
        'List-Id: "Phase 1 coordinators" <phase1.groups.io>',
        "Mailing-List: list phase1@groups.io; contact phase1+owner@groups.io",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
      ],
      [
        "Welcome all. The #agenda is below.",
        ">From the minutes of December: the centrifuge is fixed.",
        ">>From a quoted line",
        "See you on Thursday.",
        FOOTER,
      ].join("\n"),
    ),
    mail(
      "member=northwind.example@groups.io Tue Jan  5 10:30:00 2021",
      [
        "Date: Tue, 5 Jan 2021 11:30:00 +0100",
        'From: "Ned Member via groups.io" <member=northwind.example@groups.io>',
        "Reply-To: phase1@groups.io",
        "Subject: Re: [phase1] Kick-off meeting #kickoff",
        "Message-ID: <reply-2@mail.northwind.example>",
        "In-Reply-To: <kickoff-1@mail.northwind.example>",
        "References: <kickoff-1@mail.northwind.example>",
        "List-Id: <phase1.groups.io>",
        "Content-Type: text/plain; charset=utf-8",
      ],
      [
        "Thursday works for me.",
        "",
        "On Mon, Jan 4, 2021 at 09:00 AM, Nora Admin wrote:",
        "> Welcome all.",
      ].join("\n"),
    ),
    mail(
      "member@contoso.example Tue Jan  5 15:00:00 2021",
      [
        "Date: Tue, 05 Jan 2021 15:00:00 +0000",
        'From: "Cora Member" <member@contoso.example>',
        "Subject: RE: [phase1] Kick-off meeting #kickoff",
        "Message-ID: <html-3@mail.contoso.example>",
        "In-Reply-To: <reply-2@mail.northwind.example>",
        "References: <kickoff-1@mail.northwind.example> <reply-2@mail.northwind.example>",
        "List-Id: <phase1.groups.io>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
      ],
      [
        '<html><head><style>p{color:red}</style></head><body><p>Agreed &amp; noted.</p><p>See <a href=3D"https:=',
        '//example.org/sop">the SOP</a> for:</p><ul><li>sample labels</li><li>courier times</li></ul><p>Cora<br>Contoso</p></bo=',
        "dy></html>",
      ].join("\n"),
    ),
    // A reply filed before the message it answers.
    mail(
      "admin@northwind.example Tue Feb  2 08:00:00 2021",
      [
        "Date: Tue, 02 Feb 2021 08:00:00 +0000",
        'From: "Nora Admin" <admin@northwind.example>',
        `Subject: Re: [phase1] ${encodedWord("Protokoll für Visite 3 — Änderungen")}`,
        "Message-ID: <visit-reply@mail.northwind.example>",
        "In-Reply-To: <visit-3@mail.northwind.example>",
        "Content-Type: text/plain; charset=utf-8",
      ],
      "Danke, Pia. Approved for the next build.",
    ),
    mail(
      "pharmacist@northwind.example Mon Feb  1 12:00:00 2021",
      [
        "Date: Mon, 01 Feb 2021 12:00:00 +0000",
        'From: "Pia Pharmacist" <pharmacist@northwind.example>',
        `Subject: [phase1] ${encodedWord("Protokoll für Visite 3 — Änderungen")}`,
        "Message-ID: <visit-3@mail.northwind.example>",
        "List-Id: <phase1.groups.io>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
      ],
      [
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Updated visit windows attached. #protocol",
        "--b1",
        'Content-Type: application/pdf; name="visit-3.pdf"',
        'Content-Disposition: attachment; filename="visit-3.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        PDF.toString("base64"),
        "--b1--",
      ].join("\n"),
    ),
    mail(
      "phase1+owner@groups.io Wed Jan  6 23:00:00 2021",
      [
        "Date: Wed, 06 Jan 2021 23:00:00 +0000",
        'From: "phase1@groups.io Digest" <phase1+digest@groups.io>',
        "Subject: [phase1] Digest Number 12",
        "Message-ID: <digest-12@groups.io>",
        "List-Id: <phase1.groups.io>",
        "Content-Type: text/plain; charset=utf-8",
      ],
      "Topics in this digest:\n1. Kick-off meeting #kickoff\n\nThursday works for me.",
    ),
    // A reply to a message the archive does not hold: it joins the topic of its subject.
    mail(
      "olga@unknown-lab.example Wed Jan  6 08:00:00 2021",
      [
        "Date: Wed, 06 Jan 2021 08:00:00 +0000",
        'From: "Olga Outsider" <olga@unknown-lab.example>',
        "Subject: Re: [phase1] Kick-off meeting #kickoff",
        "Message-ID: <olga-7@unknown-lab.example>",
        "In-Reply-To: <lost@elsewhere.example>",
        "Content-Type: text/plain; charset=utf-8",
      ],
      "Could someone send me the dial-in?",
    ),
    mail(
      "member@northwind.example Mon Mar  1 10:00:00 2021",
      [
        "Date: Mon, 01 Mar 2021 10:00:00 +0000",
        'From: "Ned Member" <member@northwind.example>',
        "Subject: [phase1] Zanzibar calibration schedule",
        "Content-Type: text/plain; charset=utf-8",
      ],
      "The zanzibar rotor is calibrated every quarter.",
    ),
  ].join("\n");
}

const MEMBERS_CSV = [
  "Email,Display Name,Username,Joined,Delivery,Role",
  "admin@northwind.example,Nora Admin,nora,2020-12-01T10:00:00Z,Individual Messages,Owner",
  "member@northwind.example,Ned Member,ned,2020-12-02T10:00:00Z,Full Featured Digest,",
  "member@contoso.example,Cora Member,cora,2020-12-03T10:00:00Z,Daily Summary,Moderator",
  "pharmacist@northwind.example,Pia Pharmacist,pia,2020-12-04T10:00:00Z,No Email,",
].join("\n");

let folder: string;
let zipPath: string;
let mboxPath: string;

beforeAll(async () => {
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "groupsio-"));
  mboxPath = path.join(folder, "messages.mbox");
  await fs.writeFile(mboxPath, archive());
  zipPath = await writeZip(path.join(folder, "phase1-export.zip"), {
    "phase1/messages.mbox": archive(),
    "phase1/members.csv": MEMBERS_CSV,
    "phase1/files/readme.txt": "not read",
  });
});
afterAll(() => fs.rm(folder, { recursive: true, force: true }));

describe("opening a Groups.io archive", () => {
  it("refuses an archive without the group it goes into, or with a handle no group may have", async () => {
    await expect(groupsioImporter.open(mboxPath, { unknownPeople: "skip" })).rejects.toMatchObject({
      code: "validation",
      fields: { groupHandle: expect.stringMatching(/group/) },
    });
    await expect(
      groupsioImporter.open(mboxPath, { unknownPeople: "skip", groupHandle: "Not a handle!" }),
    ).rejects.toMatchObject({ fields: { groupHandle: expect.any(String) } });
    await expect(
      groupsioImporter.open(mboxPath, { unknownPeople: "skip", groupHandle: "postmaster" }),
    ).rejects.toMatchObject({ fields: { groupHandle: expect.stringMatching(/reserved/) } });
  });

  it("refuses a file that is neither an mbox nor a zip, and a zip without a message archive", async () => {
    const text = path.join(folder, "notes.txt");
    await fs.writeFile(text, "Subject: hello\n\nnot an mbox\n");
    await expect(
      groupsioImporter.open(text, { unknownPeople: "skip", groupHandle: "phase1" }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: { file: expect.stringMatching(/not a Groups\.io export/) },
    });
    const slackish = await writeZip(path.join(folder, "slack.zip"), { "users.json": "[]" });
    await expect(
      groupsioImporter.open(slackish, { unknownPeople: "skip", groupHandle: "phase1" }),
    ).rejects.toMatchObject({ fields: { file: expect.stringMatching(/\.mbox/) } });
  });

  it("surveys a bare mbox: topics, messages, people, files, hashtags and the digest left out", async () => {
    const opened = await groupsioImporter.open(mboxPath, { unknownPeople: "skip", groupHandle: "phase1" });
    try {
      expect(opened.title).toBe("Groups.io group Phase 1 coordinators");
      expect(opened.people.map((person) => [person.externalId, person.name]).sort()).toEqual([
        ["admin@northwind.example", "Nora Admin"],
        ["member@contoso.example", "Cora Member"],
        ["member@northwind.example", "Ned Member"],
        ["olga@unknown-lab.example", "Olga Outsider"],
        ["pharmacist@northwind.example", "Pia Pharmacist"],
      ]);
      const progress: number[] = [];
      const survey = await opened.survey((done) => progress.push(done));
      expect(survey.counts).toEqual({
        topics: 3,
        messages: 7,
        members: 0,
        people: 5,
        attachments: 1,
        hashtags: 3,
        digestsSkipped: 1,
      });
      expect(survey.total).toBe(7);
      expect(progress.at(-1)).toBe(7);
      expect(survey.problems).toEqual([
        {
          item: '"Digest Number 12" (2021-01-06T23:00:00Z)',
          reason: "digest — its messages are in the archive individually",
        },
      ]);
    } finally {
      await opened.close();
    }
  });
});

describe("importing a Groups.io archive", () => {
  let community: TestCommunity;
  let staff: ActorCtx;
  let ned: Client;
  let outsider: Client;
  let topicIds: Record<string, string>;

  const countOf = async (
    table:
      | typeof mailOutbox
      | typeof notifications
      | typeof events
      | typeof groupTopics
      | typeof groupMessages
      | typeof groupMembers
      | typeof groupHashtags
      | typeof groupMessageAttachments
      | typeof files
      | typeof users,
  ) => (await community.db.select({ n: count() }).from(table))[0]?.n ?? 0;
  const everyCount = async () => ({
    mail: await countOf(mailOutbox),
    notifications: await countOf(notifications),
    events: await countOf(events),
    topics: await countOf(groupTopics),
    messages: await countOf(groupMessages),
    members: await countOf(groupMembers),
    hashtags: await countOf(groupHashtags),
    attachments: await countOf(groupMessageAttachments),
    files: await countOf(files),
    users: await countOf(users),
  });
  let before: Awaited<ReturnType<typeof everyCount>>;

  beforeAll(async () => {
    community = await startTestCommunity();
    const { people } = community.demo;
    staff = actingAs(community.ctx, actorOf(people.staff));
    ned = await community.signIn("member@northwind.example");
    outsider = await community.signIn("dev@fabrikam.example");
    before = await everyCount();
    const run = await importExport(staff, "groupsio", zipPath, {
      unknownPeople: "placeholder",
      groupHandle: "phase1",
    });
    expect(run, JSON.stringify(run)).toMatchObject({ status: "imported", done: 7, total: 7 });
    expect(run.report?.counts).toMatchObject({ topics: 3, messages: 7, members: 4, digestsSkipped: 1 });
    const { topics } = (await ned.get("/api/groups/phase1/topics")).json() as {
      topics: { id: string; subject: string }[];
    };
    topicIds = Object.fromEntries(topics.map((topic) => [topic.subject, topic.id]));
  });
  afterAll(() => community?.close());

  it("makes the group, named as the list, owned by the admin who imported it", async () => {
    const [group] = await community.db.select().from(groups).where(eq(groups.handle, "phase1"));
    expect(group).toMatchObject({ name: "Phase 1 coordinators", createdBy: community.demo.people.staff.id });
  });

  it("threads the messages into topics, with their original dates and authors, newest topic first", async () => {
    expect(Object.keys(topicIds)).toEqual([
      "Zanzibar calibration schedule",
      "Protokoll für Visite 3 — Änderungen",
      "Kick-off meeting #kickoff",
    ]);
    const kickoff = (
      await ned.get(`/api/groups/phase1/topics/${topicIds["Kick-off meeting #kickoff"]}`)
    ).json();
    expect(kickoff).toMatchObject({
      createdAt: "2021-01-04T09:00:00.000Z",
      lastMessageAt: "2021-01-06T08:00:00.000Z",
      author: { name: "Nora Admin" },
    });
    const messages = kickoff.messages as {
      body: string;
      createdAt: string;
      source: string;
      author: { name: string };
    }[];
    expect(messages.map((message) => [message.author.name, message.createdAt])).toEqual([
      ["Nora Admin", "2021-01-04T09:00:00.000Z"],
      ["Ned Member", "2021-01-05T10:30:00.000Z"],
      ["Cora Member", "2021-01-05T15:00:00.000Z"],
      ["Olga Outsider", "2021-01-06T08:00:00.000Z"],
    ]);
    expect(messages.every((message) => message.source === "import")).toBe(true);
    // The mbox's ">From " escapes undone, Groups.io's footer and a reply's quoted message left out.
    expect(messages[0]?.body).toBe(
      "Welcome all. The #agenda is below.\nFrom the minutes of December: the centrifuge is fixed.\n>From a quoted line\nSee you on Thursday.",
    );
    expect(messages[1]?.body).toBe("Thursday works for me.");
    expect(messages[2]?.body).toContain("[the SOP](https://example.org/sop)");
    expect(messages[2]?.body).toMatch(/^- courier times$/m);

    const visit = (
      await ned.get(`/api/groups/phase1/topics/${topicIds["Protokoll für Visite 3 — Änderungen"]}`)
    ).json();
    expect(
      visit.messages.map((message: { body: string; author: { name: string } }) => [
        message.author.name,
        message.body,
      ]),
    ).toEqual([
      ["Pia Pharmacist", "Updated visit windows attached. #protocol"],
      ["Nora Admin", "Danke, Pia. Approved for the next build."],
    ]);
  });

  it("keeps each message's Message-ID, so the same mail is never stored twice in the group", async () => {
    const rows = await community.db
      .select({ emailMessageId: groupMessages.emailMessageId, status: groupMessages.status })
      .from(groupMessages)
      .innerJoin(groups, eq(groups.id, groupMessages.groupId))
      .where(eq(groups.handle, "phase1"));
    expect(rows.map((row) => row.emailMessageId).sort()).toEqual([
      "<html-3@mail.contoso.example>",
      "<kickoff-1@mail.northwind.example>",
      "<olga-7@unknown-lab.example>",
      "<reply-2@mail.northwind.example>",
      "<visit-3@mail.northwind.example>",
      "<visit-reply@mail.northwind.example>",
      null,
    ]);
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(["published"]));
    const remembered = await community.db
      .select({ kind: importRecords.kind, externalId: importRecords.externalId })
      .from(importRecords)
      .where(eq(importRecords.kind, "group_topic"));
    expect(remembered.map((record) => record.externalId).sort()).toEqual(
      expect.arrayContaining([
        "topic:<kickoff-1@mail.northwind.example>",
        "topic:<visit-3@mail.northwind.example>",
      ]),
    );
  });

  it("adds the member list with each person's delivery choice and role", async () => {
    const { people } = community.demo;
    const rows = await community.db
      .select({
        userId: groupMembers.userId,
        role: groupMembers.role,
        delivery: groupMembers.delivery,
        status: groupMembers.status,
      })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .where(eq(groups.handle, "phase1"));
    const byUser = new Map(rows.map((row) => [row.userId, row]));
    expect(rows).toHaveLength(5);
    expect(byUser.get(people.staff.id)).toMatchObject({ role: "owner", delivery: "all", status: "active" });
    expect(byUser.get(people.northwindAdmin.id)).toMatchObject({ role: "owner", delivery: "all" });
    expect(byUser.get(people.northwindMember.id)).toMatchObject({ role: "member", delivery: "digest" });
    expect(byUser.get(people.contosoMember.id)).toMatchObject({ role: "moderator", delivery: "digest" });
    expect(byUser.get(people.northwindPharmacist.id)).toMatchObject({ role: "member", delivery: "none" });
    // Olga, who wrote but is not on the member list, is not made a member.
    expect(byUser.has(people.fabrikamDev.id)).toBe(false);
  });

  it("indexes hashtags from subjects and bodies", async () => {
    const kickoff = (await ned.get("/api/groups/phase1/hashtags/kickoff")).json().messages;
    expect(kickoff).toHaveLength(4);
    expect((await ned.get("/api/groups/phase1/hashtags/agenda")).json().messages).toHaveLength(1);
    const tags = await community.db
      .selectDistinct({ tag: groupHashtags.tag })
      .from(groupHashtags)
      .innerJoin(groups, eq(groups.id, groupHashtags.groupId))
      .where(eq(groups.handle, "phase1"));
    expect(tags.map((row) => row.tag).sort()).toEqual(["agenda", "kickoff", "protocol"]);
  });

  it("stores the attachment and serves it with its message", async () => {
    const visit = (
      await ned.get(`/api/groups/phase1/topics/${topicIds["Protokoll für Visite 3 — Änderungen"]}`)
    ).json();
    const [attachment] = visit.messages[0].attachments as {
      filename: string;
      contentType: string;
      url: string;
    }[];
    expect(attachment).toMatchObject({
      filename: "visit-3.pdf",
      contentType: "application/pdf",
      size: PDF.length,
    });
    const download = await ned.get(attachment?.url ?? "");
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload).toEqual(PDF);
  });

  it("is found by the group search and the one search, by members only", async () => {
    const found = (await ned.get("/api/groups/search?q=zanzibar")).json();
    expect(found.results.map((hit: { subject: string }) => hit.subject)).toEqual([
      "Zanzibar calibration schedule",
    ]);
    const courier = (await ned.get("/api/search?q=courier")).json();
    const hits = (courier.groups as { kind: string; hits: unknown[] }[]).find(
      (group) => group.kind === "group_message",
    );
    expect(hits?.hits.length).toBeGreaterThan(0);
    expect((await outsider.get("/api/groups/search?q=zanzibar")).json().results).toEqual([]);
  });

  it("e-mails, notifies and announces nothing, and makes one placeholder for the unknown sender", async () => {
    const after = await everyCount();
    expect(after.mail).toBe(before.mail);
    expect(after.notifications).toBe(before.notifications);
    expect(after.events).toBe(before.events);
    expect(after.users).toBe(before.users + 2); // Olga's placeholder, and the shared former member.
    const [olga] = await community.db.select().from(users).where(eq(users.email, "olga@unknown-lab.example"));
    expect(olga).toMatchObject({ placeholder: true });
  });

  it("writes nothing new when the same archive is imported again", async () => {
    const first = await everyCount();
    const again = await importExport(staff, "groupsio", zipPath, {
      unknownPeople: "placeholder",
      groupHandle: "phase1",
    });
    expect(again.status).toBe("imported");
    const second = await everyCount();
    expect(second).toEqual(first);
  });
});
