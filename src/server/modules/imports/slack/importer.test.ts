import os from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox, messages, notifications, organisations, users } from "../../../db/schema.js";
import { slackExportEntries } from "../../../testing/exports.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { writeZip } from "../../../testing/zip.js";
import { createUser } from "../../accounts/index.js";
import { mrkdwnToMarkdown } from "./mrkdwn.js";

let community: TestCommunity;
let staff: Client;
let member: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  member = await community.signIn("member@northwind.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

async function exportFile(
  name: string,
  entries = slackExportEntries(),
): Promise<{ filename: string; contentType: string; data: Buffer }> {
  const filePath = await writeZip(path.join(os.tmpdir(), `${name}-${process.pid}.zip`), entries);
  const { readFile } = await import("node:fs/promises");
  return { filename: "slack-export.zip", contentType: "application/zip", data: await readFile(filePath) };
}

async function settled(id: string, done: string[]) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = (await staff.get(`/api/admin/imports/${id}`)).json();
    if (done.includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`import ${id} did not settle`);
}

const signInStatus = async (email: string, password = "not the password") =>
  (await community.anonymous().post("/api/auth/login", { email, password })).statusCode;

const countOf = async (table: typeof mailOutbox | typeof notifications) =>
  (await community.db.select({ n: count() }).from(table))[0]?.n ?? 0;

describe("a Slack workspace export", () => {
  it("is surveyed first: counts, people matched and not, and what cannot come over, writing nothing", async () => {
    const started = await staff.upload("/api/admin/imports", await exportFile("survey"), {
      source: "slack",
      unknownPeople: "placeholder",
    });
    expect(started.statusCode).toBe(202);
    const run = await settled(started.json().id, ["ready", "failed"]);
    expect(run.status).toBe("ready");
    expect(run.report.counts).toMatchObject({
      channels: 2,
      privateChannels: 1,
      directMessages: 1,
      messages: 8,
      threads: 1,
      replies: 2,
      reactions: 3,
      edited: 1,
      pinned: 1,
      filesInExport: 1,
      filesLinked: 1,
      botMessages: 1,
      noticesLeftOut: 1,
    });
    expect(run.report.people).toMatchObject({
      matched: 1,
      placeholders: 1,
      withoutAddress: 2,
      unmatched: [{ name: "Nia Newcomer", email: "nia@acme-labs.example" }],
      newOrganisations: ["acme-labs.example"],
    });
    const [placeholders] = await community.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.placeholder, true));
    expect(placeholders?.n).toBe(0);
  });

  it("is imported with authors, times, threads, reactions, edits, pins, mentions and files, telling no one", async () => {
    const mailBefore = await countOf(mailOutbox);
    const notificationsBefore = await countOf(notifications);
    const started = await staff.upload("/api/admin/imports", await exportFile("import"), { source: "slack" });
    await settled(started.json().id, ["ready"]);
    expect((await staff.post(`/api/admin/imports/${started.json().id}/start`)).statusCode).toBe(202);
    const run = await settled(started.json().id, ["imported", "failed"]);
    expect(run).toMatchObject({ status: "imported", done: 8, total: 8 });

    const channels = (await member.get("/api/chat/channels")).json().channels as {
      id: string;
      slug: string | null;
    }[];
    const dosing = channels.find((channel) => channel.slug === "dosing-questions");
    expect(dosing).toBeDefined();
    const page = (await member.get(`/api/chat/channels/${dosing?.id}/messages`)).json();
    const root = page.messages.find((m: { body: string }) => m.body.startsWith("**Cohort B**"));
    expect(root.body).toBe(
      "**Cohort B** titration: see [the protocol](https://example.org/protocol) & ask @nia@acme-labs.example in #release-notes",
    );
    expect(root).toMatchObject({ createdAt: "2024-03-05T09:00:00.000Z", replyCount: 2 });
    expect(root.editedAt).toBe("2024-03-05T09:05:00.000Z");
    expect(root.pinnedAt).not.toBeNull();
    expect(root.reactions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ emoji: "👍" }),
        expect.objectContaining({ emoji: ":custom_party:" }),
      ]),
    );
    expect(root.author.name).toBe("Ned Member");
    const thread = (await member.get(`/api/chat/messages/${root.id}/thread`)).json();
    expect(thread.replies.map((reply: { body: string }) => reply.body)).toEqual([
      "Thanks, the _titration_ table helps",
      "~~old~~ answer for @channel",
    ]);
    const bot = page.messages.find((m: { body: string }) => m.body.includes("Build 42"));
    expect(bot).toMatchObject({ body: "**CI**: Build 42 passed", author: { name: "Former member" } });
    const files = page.messages.find((m: { body: string }) => m.body.startsWith("Dosing sheet"));
    expect(files.body).toContain("📎 [old.pdf](https://files.slack.com/old.pdf)");
    expect(files.attachments).toHaveLength(1);

    const announcements = channels.find((channel) => channel.slug === "announcements");
    const news = (await member.get(`/api/chat/channels/${announcements?.id}/messages`)).json();
    expect(news.messages.map((m: { body: string }) => m.body)).toContain("Release 4.2 is out");

    expect(await countOf(mailOutbox)).toBe(mailBefore);
    expect(await countOf(notifications)).toBe(notificationsBefore);
  });

  it("is found by search, by members of its channels only", async () => {
    const found = (await member.get(`/api/search?q=titration`)).json().groups;
    const hits = found.find((group: { kind: string }) => group.kind === "message")?.hits ?? [];
    expect(hits.length).toBeGreaterThan(0);
    const privateHits = (await outsider.get(`/api/search?q=aliquots`)).json().groups;
    expect(privateHits.find((group: { kind: string }) => group.kind === "message")).toBeUndefined();
  });

  it("creates nothing new when the same export is imported again", async () => {
    const before = await community.db.select({ n: count() }).from(users);
    const messagesBefore = await community.db.select({ n: count() }).from(messages);
    const started = await staff.upload("/api/admin/imports", await exportFile("again"), { source: "slack" });
    await settled(started.json().id, ["ready"]);
    expect(started.json().status).toBe("surveying");
    await staff.post(`/api/admin/imports/${started.json().id}/start`);
    expect((await settled(started.json().id, ["imported", "failed"])).status).toBe("imported");
    expect(await community.db.select({ n: count() }).from(users)).toEqual(before);
    expect(await community.db.select({ n: count() }).from(messages)).toEqual(messagesBefore);
  });

  it("keeps a newcomer's history on a placeholder that their account, when made, takes over", async () => {
    const [placeholder] = await community.db
      .select()
      .from(users)
      .where(eq(users.email, "nia@acme-labs.example"));
    expect(placeholder).toMatchObject({ placeholder: true, status: "deactivated", name: "Nia Newcomer" });
    const [organisation] = await community.db
      .select({ name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, placeholder?.organisationId ?? ""));
    expect(organisation?.name).toBe("acme-labs.example");
    expect(await signInStatus("nia@acme-labs.example")).toBe(401);
    const activated = await staff.patch(`/api/admin/users/${placeholder?.id}`, { status: "active" });
    expect(activated.statusCode).toBe(409);
    const listed = (await staff.get("/api/admin/users?q=nia")).json().users;
    expect(listed).toEqual([expect.objectContaining({ placeholder: true, status: "deactivated" })]);
    const account = await createUser(community.ctx, {
      email: "nia@acme-labs.example",
      name: "Nia N.",
      password: "a long enough password",
      organisationId: placeholder?.organisationId ?? "",
    });
    expect(account).toMatchObject({ id: placeholder?.id, status: "active", placeholder: false });
    expect(await signInStatus("nia@acme-labs.example", "a long enough password")).toBe(200);
  });

  it("refuses a file that is not an export, naming the field", async () => {
    const response = await staff.upload(
      "/api/admin/imports",
      { filename: "notes.txt", contentType: "text/plain", data: Buffer.from("hello") },
      { source: "slack" },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.file).toMatch(/not a Slack workspace export|zip/);
    const wrongSource = await staff.upload("/api/admin/imports", await exportFile("bad"), {
      source: "teams",
    });
    expect(wrongSource.json().error.fields.source).toBeDefined();
  });

  it("converts Slack's mrkdwn: code kept verbatim, links, specials and entities", () => {
    const converted = mrkdwnToMarkdown(
      "Run `a *b* c` then <mailto:x@y.example|mail us>; <!here> &lt;3 ```*raw*``` *done*",
      () => undefined,
      () => undefined,
    );
    expect(converted).toEqual({
      markdown: "Run `a *b* c` then [mail us](mailto:x@y.example); @here <3 ```*raw*``` **done**",
      mentioned: [],
      mentionsChannel: true,
    });
  });
});
