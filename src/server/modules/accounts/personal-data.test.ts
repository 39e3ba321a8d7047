import { and, asc, eq, ne, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiTokens,
  auditLog,
  channelMembers,
  channels,
  events,
  files,
  groupMessages,
  groups,
  groupTopics,
  messages,
  passkeys,
  personalDataExports,
  projectComments,
  projectPosts,
  tickets,
  users,
} from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { verifyAuditChain } from "../../platform/audit/service.js";
import { hasStoredBytes } from "../../platform/files/store.js";
import { listOutbox, queueMail } from "../../platform/mail/service.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { SoftwarePasskey } from "../../testing/passkey-authenticator.js";
import { exportLinkIn } from "../../testing/smtp.js";
import { readZip } from "../../testing/zip.js";
import { personalDataExportChanged } from "./contracts/personal-data.js";
import { erasedAddress, pseudonymOf, runDueErasures } from "./erasure.js";
import { personalDataWorkerOf } from "./module.js";
import { runPersonalDataExports } from "./personal-data-export.js";
import { createUser } from "./users.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community.close());

const DAY_MS = 24 * 60 * 60 * 1000;

async function exportMailTo(email: string) {
  const [mail] = await listOutbox(community.db, { to: email, limit: 1 });
  if (!mail) throw new Error(`no mail to ${email}`);
  return exportLinkIn(mail.text);
}

/** Asks for an export as `client` and builds it, as the worker does after the request. */
async function readyExport(client: Client, email: string) {
  const requested = await client.post("/api/me/personal-data/exports");
  expect(requested.statusCode).toBe(202);
  await personalDataWorkerOf(community.db).idle();
  await runPersonalDataExports(community.db, community.config);
  return { requested: requested.json(), link: await exportMailTo(email) };
}

let people = 0;
async function newPerson() {
  people += 1;
  const email = `leaver-${people}@northwind.example`;
  const user = await createUser(community.ctx, {
    email,
    name: `Lena Leaver ${people}`,
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  return { ...user, client: await community.signIn(email) };
}

describe("download my data", () => {
  it("builds a zip of one JSON file per area and the person's uploads, naming no one else's address", async () => {
    const ned = community.demo.people.northwindMember;
    const client = await community.signIn(ned.email);
    const [ticket] = await community.db.select().from(tickets).where(eq(tickets.requesterId, ned.id));
    if (!ticket) throw new Error("the demo has no ticket of Ned's");
    const uploaded = await client.upload(`/api/desk/tickets/${ticket.id}/attachments`, {
      filename: "screen notes.txt",
      contentType: "text/plain",
      data: Buffer.from("what I saw on screen"),
    });
    expect(uploaded.statusCode).toBe(201);

    const { link } = await readyExport(client, ned.email);
    const status = (await client.get("/api/me/personal-data")).json();
    expect(status.exports[0]).toMatchObject({ id: link.id, status: "ready", step: "" });
    expect(status.exports[0].done).toBe(status.exports[0].total);

    // Its progress went to the person alone, step by step, as live events.
    const progress = await community.db
      .select({ payload: events.payload, userIds: events.userIds })
      .from(events)
      .where(
        and(
          eq(events.topic, personalDataExportChanged.topic),
          sql`${events.payload}->>'exportId' = ${link.id}`,
        ),
      )
      .orderBy(asc(events.id));
    expect(progress.every((event) => event.userIds?.join() === ned.id)).toBe(true);
    const steps = progress.map((event) => event.payload as { status: string; step: string });
    expect(steps[0]?.status).toBe("queued");
    expect(steps.at(-1)?.status).toBe("ready");
    expect(steps.filter((step) => step.status === "running").map((step) => step.step)).toEqual(
      expect.arrayContaining(["profile", "chat", "tickets", "files"]),
    );

    const download = await client.get(`/api/me/personal-data/exports/${link.id}/file?token=${link.token}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("application/zip");
    const archive = readZip(download.rawPayload);
    for (const area of [
      "profile",
      "chat",
      "tickets",
      "projects",
      "groups",
      "development-environment",
      "ideas",
      "notifications",
      "mail",
      "manifest",
    ]) {
      expect(archive.has(`${area}.json`), area).toBe(true);
    }
    const json = (name: string) => JSON.parse(archive.get(name)?.toString("utf8") ?? "null");
    expect(json("profile.json")).toMatchObject({ name: "Ned Member", email: ned.email });
    expect(json("chat.json").messages.length).toBeGreaterThan(0);
    expect(json("tickets.json").tickets.map((row: { number: number }) => row.number)).toContain(
      ticket.number,
    );
    expect(json("projects.json").comments.length).toBeGreaterThan(0);
    const uploadedFile = [...archive.keys()].find((name) => name.endsWith("screen_notes.txt"));
    expect(uploadedFile).toMatch(/^files\//);
    expect(archive.get(uploadedFile ?? "")?.toString()).toBe("what I saw on screen");

    const everything = [...archive.entries()]
      .filter(([name]) => name.endsWith(".json"))
      .map(([, data]) => data.toString("utf8"))
      .join("\n");
    for (const other of Object.values(community.demo.people)) {
      if (other.id !== ned.id) expect(everything, other.email).not.toContain(other.email);
    }
    const audited = await community.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.targetId, ned.id));
    expect(audited.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        "personal_data.export_requested",
        "personal_data.export_ready",
        "personal_data.export_downloaded",
      ]),
    );
  });

  it("refuses a second export while one is being prepared, naming it", async () => {
    const person = await newPerson();
    const first = await person.client.post("/api/me/personal-data/exports");
    expect(first.statusCode).toBe(202);
    const second = await person.client.post("/api/me/personal-data/exports");
    expect(second.statusCode).toBe(409);
    expect(second.json().error.details.exportId).toBe(first.json().id);
    await personalDataWorkerOf(community.db).idle();
  });

  it("refuses the download to anyone but its owner with the link's token, and after the link expires", async () => {
    const person = await newPerson();
    const { link } = await readyExport(person.client, person.email);
    const url = `/api/me/personal-data/exports/${link.id}/file?token=${link.token}`;
    const staff = await community.signIn(community.demo.people.staff.email);
    const admin = await community.signIn(community.demo.people.northwindAdmin.email);
    expect((await staff.get(url)).statusCode).toBe(404);
    expect((await admin.get(url)).statusCode).toBe(404);
    expect((await community.anonymous().get(url)).statusCode).toBe(401);
    expect(
      (await person.client.get(`/api/me/personal-data/exports/${link.id}/file?token=${"x".repeat(43)}`))
        .statusCode,
    ).toBe(404);

    const [archive] = await community.db
      .select({ file: files })
      .from(personalDataExports)
      .innerJoin(files, eq(files.id, personalDataExports.fileId))
      .where(eq(personalDataExports.id, link.id));
    if (!archive) throw new Error("the ready export has no archive");
    expect(await hasStoredBytes(community.config, archive.file)).toBe(true);
    await runPersonalDataExports(community.db, community.config, new Date(Date.now() + 8 * DAY_MS));
    const expired = await person.client.get(url);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe("gone");
    const status = (await person.client.get("/api/me/personal-data")).json();
    expect(status.exports[0]).toMatchObject({ id: link.id, status: "expired" });
    expect(await hasStoredBytes(community.config, archive.file)).toBe(false);
  });
});

describe("erase me", () => {
  it("waits out the period a person asked for, which they can cancel, then anonymises them", async () => {
    const person = await newPerson();
    const unconfirmed = await person.client.post("/api/me/erasure", {
      removeContent: false,
      confirmation: "yes",
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().error.fields).toHaveProperty("confirmation");

    const confirm = { removeContent: true, confirmation: "erase my account" };
    const asked = await person.client.post("/api/me/erasure", confirm);
    expect(asked.statusCode).toBe(201);
    const dueIn = new Date(asked.json().dueAt).getTime() - Date.now();
    expect(Math.round(dueIn / DAY_MS)).toBe(14);
    expect((await person.client.post("/api/me/erasure", confirm)).statusCode).toBe(409);
    expect((await person.client.delete("/api/me/erasure")).statusCode).toBe(204);
    expect((await person.client.get("/api/me/personal-data")).json().erasure).toBeNull();
    expect((await person.client.post("/api/me/erasure", confirm)).statusCode).toBe(201);

    expect(await runDueErasures(community.db, community.config, new Date(Date.now() + 13 * DAY_MS))).toBe(0);
    expect(await runDueErasures(community.db, community.config, new Date(Date.now() + 15 * DAY_MS))).toBe(1);
    const [row] = await community.db.select().from(users).where(eq(users.id, person.id));
    expect(row).toMatchObject({
      name: await pseudonymOf(community.config, person.id),
      email: erasedAddress(person.id),
      status: "deactivated",
    });
    expect((await person.client.get("/api/me")).statusCode).toBe(401);
  });

  it("removes what the person wrote when chosen: a tombstone in chat, gone from search", async () => {
    const person = await newPerson();
    const [general] = await community.db.select().from(channels).where(eq(channels.slug, "general"));
    if (!general) throw new Error("the demo has no #general");
    await person.client.post(`/api/chat/channels/${general.id}/join`);
    const posted = await person.client.post(`/api/chat/channels/${general.id}/messages`, {
      clientId: "erasure-kiwi-1",
      body: "the secret kiwi plan",
    });
    expect(posted.statusCode).toBe(201);
    const reader = await community.signIn(community.demo.people.northwindAdmin.email);
    const found = async () => (await reader.get("/api/chat/search?q=kiwi")).body;
    expect(await found()).toContain("kiwi");

    const staff = await community.signIn(community.demo.people.staff.email);
    const erased = await staff.post(`/api/admin/users/${person.id}/erasure`, {
      removeContent: true,
      confirmation: "erase this account",
    });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({
      erased: true,
      status: "deactivated",
      email: erasedAddress(person.id),
    });
    expect(await found()).not.toContain("kiwi");
    const [message] = await community.db.select().from(messages).where(eq(messages.id, posted.json().id));
    expect(message).toMatchObject({ body: "" });
    expect(message?.deletedAt).not.toBeNull();
    const page = (await reader.get(`/api/chat/channels/${general.id}/messages`)).json();
    const shown = page.messages.find((row: { id: string }) => row.id === posted.json().id);
    expect(shown).toMatchObject({ deleted: true });
    expect(JSON.stringify(page)).not.toContain("Lena Leaver");
  });

  it("shows the pseudonym instead of the name and address in every read that shows people, and keeps the audit chain verifiable", async () => {
    const ned = community.demo.people.northwindMember;
    const nedClient = await community.signIn(ned.email);
    const staff = await community.signIn(community.demo.people.staff.email);
    const admin = await community.signIn(community.demo.people.northwindAdmin.email);

    const [chatMessage] = await community.db
      .select({ channelId: messages.channelId, reader: users.email })
      .from(messages)
      .innerJoin(channelMembers, eq(channelMembers.channelId, messages.channelId))
      .innerJoin(users, eq(users.id, channelMembers.userId))
      .where(and(eq(messages.authorId, ned.id), ne(channelMembers.userId, ned.id)));
    const [ticket] = await community.db.select().from(tickets).where(eq(tickets.requesterId, ned.id));
    const [comment] = await community.db
      .select({ projectId: projectPosts.projectId, postId: projectPosts.id })
      .from(projectComments)
      .innerJoin(projectPosts, eq(projectPosts.id, projectComments.postId))
      .where(eq(projectComments.authorId, ned.id));
    const [groupMessage] = await community.db
      .select({ handle: groups.handle, topicId: groupTopics.id })
      .from(groupMessages)
      .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
      .innerJoin(groups, eq(groups.id, groupMessages.groupId))
      .where(eq(groupMessages.authorId, ned.id));
    if (!chatMessage || !ticket || !comment || !groupMessage)
      throw new Error("the demo lacks some of Ned's content");
    const chatReader = await community.signIn(chatMessage.reader);
    const reads: [Client, string][] = [
      [chatReader, `/api/chat/channels/${chatMessage.channelId}/messages`],
      [staff, `/api/desk/tickets/${ticket.id}`],
      [staff, `/api/projects/${comment.projectId}/posts/${comment.postId}`],
      [admin, `/api/groups/${groupMessage.handle}/topics/${groupMessage.topicId}`],
      [admin, "/api/chat/people?q=Ned"],
      [admin, "/api/search?q=Ned"],
      [staff, "/api/admin/users?q=Ned"],
    ];
    // Ways in other than the password: an API token and a passkey.
    const token = await nedClient.post("/api/me/api-tokens", {
      name: "Nightly script",
      access: "read",
      area: "all",
      expiresInDays: 30,
    });
    expect(token.statusCode, token.body).toBe(201);
    const passkey = new SoftwarePasskey(community.config.publicUrl);
    const creation = (await nedClient.post("/api/me/passkeys/registration-options")).json();
    const added = await nedClient.post("/api/me/passkeys", {
      name: "Laptop",
      response: passkey.register(creation),
    });
    expect(added.statusCode, added.body).toBe(201);
    const before = await Promise.all(reads.map(async ([client, url]) => (await client.get(url)).body));
    expect(before.filter((body) => body.includes("Ned Member")).length).toBeGreaterThanOrEqual(4);

    const erased = await staff.post(`/api/admin/users/${ned.id}/erasure`, {
      removeContent: false,
      confirmation: "erase this account",
    });
    expect(erased.statusCode).toBe(200);
    const pseudonym = await pseudonymOf(community.config, ned.id);
    expect(pseudonym).toMatch(/^Former member [0-9A-F]{4}$/);
    for (const [client, url] of reads) {
      const response = await client.get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toContain("Ned Member");
      expect(response.body, url).not.toContain(ned.email);
    }
    expect((await chatReader.get(`/api/chat/channels/${chatMessage.channelId}/messages`)).body).toContain(
      pseudonym,
    );
    expect((await staff.get(`/api/desk/tickets/${ticket.id}`)).body).toContain(pseudonym);

    // The chain is not rewritten: every row still verifies, the erasure is one more link of it.
    expect(await verifyAuditChain(community.db, community.config)).toMatchObject({ intact: true });
    const audit = await staff.get(`/api/admin/audit?target=${ned.id}`);
    expect(audit.json().chain.intact).toBe(true);
    expect(audit.json().entries.map((entry: { action: string }) => entry.action)).toContain("user.erased");
    expect(audit.body).not.toContain(ned.email);

    // The outbox kept no copy of what was sent to them, and nothing more is queued for them.
    expect(await listOutbox(community.db, { to: ned.email, limit: 5 })).toEqual([]);
    await queueMail(community.ctx, { to: erasedAddress(ned.id), subject: "Hello", text: "Anyone there?" });
    expect(await listOutbox(community.db, { to: erasedAddress(ned.id), limit: 5 })).toEqual([]);

    // No way back in: the session ended, the password and the address are gone.
    expect((await nedClient.get("/api/me")).statusCode).toBe(401);
    const signIn = await community
      .anonymous()
      .post("/api/auth/login", { email: ned.email, password: DEMO_PASSWORD });
    expect(signIn.statusCode).toBe(401);
    const withToken = await community.app.inject({
      method: "GET",
      url: "/api/me",
      headers: { authorization: `Bearer ${token.json().secret}` },
    });
    expect(withToken.statusCode).toBe(401);
    expect(await community.db.select().from(apiTokens).where(eq(apiTokens.userId, ned.id))).toEqual([]);
    expect(await community.db.select().from(passkeys).where(eq(passkeys.userId, ned.id))).toEqual([]);
    const anonymous = community.anonymous();
    const request = (await anonymous.post("/api/auth/passkey/options")).json();
    const withPasskey = await anonymous.post("/api/auth/passkey", { response: passkey.assert(request) });
    expect(withPasskey.statusCode).toBeGreaterThanOrEqual(400);
    expect(withPasskey.statusCode).toBeLessThan(500);
    const again = await staff.post(`/api/admin/users/${ned.id}/erasure`, {
      removeContent: false,
      confirmation: "erase this account",
    });
    expect(again.statusCode).toBe(409);
    expect((await staff.patch(`/api/admin/users/${ned.id}`, { status: "active" })).statusCode).toBe(409);
  });

  it("refuses erasure to an organisation's admin and to staff for their own account", async () => {
    const person = await newPerson();
    const admin = await community.signIn(community.demo.people.northwindAdmin.email);
    const body = { removeContent: false, confirmation: "erase this account" };
    expect((await admin.post(`/api/admin/users/${person.id}/erasure`, body)).statusCode).toBe(403);
    const staff = await community.signIn(community.demo.people.staff.email);
    const self = await staff.post(`/api/admin/users/${community.demo.people.staff.id}/erasure`, body);
    expect(self.statusCode).toBe(403);
  });
});
