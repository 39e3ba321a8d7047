import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mailOutbox, messages, notifications, users, webhookDeliveries } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { startSmtpCatcher } from "../../testing/smtp.js";
import { createUser } from "../accounts/users.js";

type Feature = { title: string; module: string; availability: "ga" | "preview"; description: string };
type Release = {
  id: string;
  version: string;
  title: string;
  releaseDate: string;
  notes: string;
  notesHtml: string;
  status: "draft" | "published";
  features: Feature[];
  url: string;
  publishedAt: string | null;
};

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let community: TestCommunity;
let staff: Client;
let member: Client;

const OPTED_OUT = "quiet@northwind.example";
const DEACTIVATED = "gone@northwind.example";

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  const northwind = community.demo.organisations.northwind.id;
  await createUser(community.ctx, {
    email: OPTED_OUT,
    name: "Quinn Quiet",
    password: DEMO_PASSWORD,
    organisationId: northwind,
  });
  const gone = await createUser(community.ctx, {
    email: DEACTIVATED,
    name: "Gus Gone",
    password: DEMO_PASSWORD,
    organisationId: northwind,
  });
  await community.db.update(users).set({ status: "deactivated" }).where(eq(users.id, gone.id));
  staff = await community.signIn("staff@vendor.example");
  member = await community.signIn("member@northwind.example");
  const quiet = await community.signIn(OPTED_OUT);
  const optOut = await quiet.patch("/api/me", { releaseEmails: false });
  expect(optOut.statusCode, optOut.body).toBe(200);
  expect(optOut.json().releaseEmails).toBe(false);
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

let minor = 40;
/** A fresh, unused version per draft: 30.41, 30.42... */
const nextVersion = () => `30.${++minor}`;

function draftInput(overrides: Record<string, unknown> = {}) {
  return {
    version: nextVersion(),
    title: "Pharmacy goes GA",
    releaseDate: "2026-04-30",
    notes: "The **pharmacy** module is generally available.\n\n- Dispensing\n- Accountability",
    features: [
      { title: "Dispensing log", module: "Pharmacy", availability: "ga", description: "Per kit and visit." },
      { title: "Excursion alerts", module: "Pharmacy", availability: "preview" },
    ],
    ...overrides,
  };
}

async function createDraft(overrides: Record<string, unknown> = {}): Promise<Release> {
  const response = await staff.post("/api/admin/releases", draftInput(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe("drafts", () => {
  it("creates a draft with its features in order, visible to staff only", async () => {
    const draft = await createDraft();
    expect(draft).toMatchObject({
      status: "draft",
      title: "Pharmacy goes GA",
      releaseDate: "2026-04-30",
      publishedAt: null,
      url: `http://localhost:3000/releases/${draft.version}`,
      features: [
        {
          title: "Dispensing log",
          module: "Pharmacy",
          availability: "ga",
          description: "Per kit and visit.",
        },
        { title: "Excursion alerts", module: "Pharmacy", availability: "preview", description: "" },
      ],
    });
    expect(draft.notesHtml).toContain("<strong>pharmacy</strong>");

    expect((await staff.get(`/api/releases/${draft.version}`)).statusCode).toBe(200);
    expect((await member.get(`/api/releases/${draft.version}`)).statusCode).toBe(404);
    expect((await community.anonymous().get(`/api/releases/${draft.version}`)).statusCode).toBe(404);
    const publicList = (await community.anonymous().get("/api/releases")).json().releases as Release[];
    expect(publicList.map((r) => r.version)).not.toContain(draft.version);
    const staffList = (await staff.get("/api/admin/releases")).json().releases as Release[];
    expect(staffList.map((r) => r.version)).toContain(draft.version);
    const onlyDrafts = (await staff.get("/api/admin/releases?status=draft")).json().releases as Release[];
    expect(onlyDrafts.every((r) => r.status === "draft")).toBe(true);
  });

  it("accepts a hotfix version such as 26.3.1", async () => {
    const hotfix = await createDraft({ version: "30.1.1" });
    expect(hotfix.version).toBe("30.1.1");
  });

  it.each([
    ["26", "no minor part"],
    ["v26.3", "a prefix"],
    ["26.3.1.4", "four parts"],
    ["26.x", "a letter"],
    ["", "nothing"],
  ])("refuses the version %j (%s) with a field message", async (version) => {
    const response = await staff.post("/api/admin/releases", draftInput({ version }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.version).toMatch(/26\.3/);
  });

  it("names every bad field, features by position", async () => {
    const response = await staff.post("/api/admin/releases", {
      version: nextVersion(),
      title: " ",
      releaseDate: "31/04/2026",
      notes: "",
      features: [
        { title: "Fine", module: "Pharmacy", availability: "ga" },
        { title: "", module: "", availability: "beta" },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual([
      "features.1.availability",
      "features.1.module",
      "features.1.title",
      "notes",
      "releaseDate",
      "title",
    ]);
  });

  it("answers 409 for a version that exists, on create and on rename", async () => {
    const first = await createDraft();
    const again = await staff.post("/api/admin/releases", draftInput({ version: first.version }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.fields.version).toContain(first.version);
    expect((await staff.post("/api/admin/releases", draftInput({ version: "26.2" }))).statusCode).toBe(409);

    const second = await createDraft();
    const rename = await staff.patch(`/api/admin/releases/${second.id}`, { version: first.version });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.fields.version).toBeDefined();
  });

  it("lets two simultaneous creates of one version produce exactly one draft", async () => {
    const version = nextVersion();
    const answers = await Promise.all([
      staff.post("/api/admin/releases", draftInput({ version })),
      staff.post("/api/admin/releases", draftInput({ version })),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
  });

  it("edits a draft: fields change, a new feature list replaces the old one", async () => {
    const draft = await createDraft();
    const response = await staff.patch(`/api/admin/releases/${draft.id}`, {
      title: "Pharmacy, generally available",
      features: [
        { title: "Returns", module: "Pharmacy", availability: "preview", description: "Kits back." },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const edited = response.json() as Release;
    expect(edited.title).toBe("Pharmacy, generally available");
    expect(edited.notes).toBe(draft.notes);
    expect(edited.features).toEqual([
      { title: "Returns", module: "Pharmacy", availability: "preview", description: "Kits back." },
    ]);
    expect((await staff.get(`/api/admin/releases/${draft.id}`)).json()).toEqual(edited);
    expect((await staff.patch(`/api/admin/releases/${draft.id}`, {})).statusCode).toBe(400);
  });

  it("deletes a draft but never a published release, and never edits one", async () => {
    const draft = await createDraft();
    expect((await staff.delete(`/api/admin/releases/${draft.id}`)).statusCode).toBe(204);
    expect((await staff.get(`/api/admin/releases/${draft.id}`)).statusCode).toBe(404);

    const [seeded] = (await staff.get("/api/releases")).json().releases as Release[];
    if (!seeded) throw new Error("the demo has no published release");
    expect((await staff.delete(`/api/admin/releases/${seeded.id}`)).statusCode).toBe(409);
    expect((await staff.patch(`/api/admin/releases/${seeded.id}`, { title: "Changed" })).statusCode).toBe(
      409,
    );
  });
});

describe("the demo's releases", () => {
  it("has 26.2.1 and 26.2 published, newest first, and 26.3 as a draft with pharmacy previews", async () => {
    const published = (await community.anonymous().get("/api/releases")).json().releases as Release[];
    expect(published.map((r) => r.version)).toEqual(["26.2.1", "26.2"]);
    const draft = (await staff.get("/api/releases/26.3")).json() as Release;
    expect(draft.status).toBe("draft");
    expect(
      draft.features.filter((f) => f.module === "Pharmacy" && f.availability === "preview"),
    ).not.toHaveLength(0);
    // Seeding publishes nothing: no announcement, no mail, no delivery.
    const announced = await community.db.select().from(messages).where(like(messages.clientId, "release:%"));
    expect(announced).toHaveLength(0);
  });
});

describe("preview", () => {
  it("renders a saved draft: page HTML, announcement, e-mail text and the Slack payload", async () => {
    const draft = await createDraft({ notes: "Hello <script>alert(1)</script> **team**" });
    const response = await staff.get(`/api/admin/releases/${draft.id}/preview`);
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json();
    expect(preview.notesHtml).toContain("<strong>team</strong>");
    expect(preview.html).not.toContain("<script");
    expect(preview.html).toContain("<li><strong>Dispensing log</strong> (Pharmacy · GA)");
    expect(preview.email.subject).toBe(`Convene ${draft.version} — Pharmacy goes GA`);
    expect(preview.email.text).toContain("- Excursion alerts (Pharmacy · Preview)");
    expect(preview.email.text).toContain(draft.url);
    expect(preview.announcement.body).toContain("[Read the release notes]");
    expect(preview.slack.text).toContain(draft.url);
    expect(preview.slack.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: `Convene ${draft.version} — Pharmacy goes GA`, emoji: true },
    });
    // Slack's control characters in user text are escaped, so `<script>` cannot become a link or mention.
    expect(JSON.stringify(preview.slack)).not.toContain("<script>");
  });

  it("renders an unsaved draft from the form as it stands", async () => {
    const response = await staff.post("/api/admin/releases/preview", draftInput({ title: "Unsaved" }));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().email.subject).toMatch(/— Unsaved$/);
    expect((await staff.post("/api/admin/releases/preview", draftInput({ version: "x" }))).statusCode).toBe(
      400,
    );
  });
});

describe("publishing", () => {
  it("publishes once: announcement, e-mail to opted-in members over SMTP, audit row; the second try is 409", async () => {
    const draft = await createDraft({ title: "Mail and chat" });
    const response = await staff.post(`/api/admin/releases/${draft.id}/publish`);
    expect(response.statusCode, response.body).toBe(200);
    const published = response.json() as Release;
    expect(published.status).toBe("published");
    expect(published.publishedAt).not.toBeNull();

    const again = await staff.post(`/api/admin/releases/${draft.id}/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("conflict");

    const [announcement, ...others] = await community.db
      .select()
      .from(messages)
      .where(eq(messages.clientId, `release:${draft.id}`));
    expect(others).toHaveLength(0);
    expect(announcement?.body).toContain(`Convene ${draft.version} — Mail and chat`);
    expect(announcement?.authorId).toBe(community.demo.people.staff.id);

    const subject = `Convene ${draft.version} — Mail and chat`;
    const mail = await smtp.waitFor(
      (m) => m.to.includes("member@northwind.example") && m.subject === subject,
    );
    expect(mail.text).toContain("- Dispensing log (Pharmacy · GA): Per kit and visit.");
    expect(mail.text).toContain(`http://localhost:3000/releases/${draft.version}`);
    // Every active opted-in person, staff included; not the one who opted out, nor the deactivated.
    const queued = await community.db.select().from(mailOutbox).where(eq(mailOutbox.subject, subject));
    const addresses = queued.map((m) => m.toAddress).sort();
    expect(addresses).toEqual(
      [
        "admin@northwind.example",
        "dev@fabrikam.example",
        "member@contoso.example",
        "member@northwind.example",
        "pharmacist@northwind.example",
        "staff@vendor.example",
      ].sort(),
    );
    await community.app.mailer.flush();
    await smtp.waitFor((m) => m.to.includes("staff@vendor.example") && m.subject === subject);
    expect(smtp.received.filter((m) => m.to.includes(OPTED_OUT) || m.to.includes(DEACTIVATED))).toEqual([]);

    const audit = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "release.published"), eq(auditLog.targetId, draft.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorEmail).toBe("staff@vendor.example");

    const publicView = await community.anonymous().get(`/api/releases/${draft.version}`);
    expect(publicView.statusCode).toBe(200);
  });

  it("notifies every active person in the app, e-mails only those who chose e-mail, and never e-mails it twice", async () => {
    const legacy = await createUser(community.ctx, {
      email: "legacy@contoso.example",
      name: "Lee Legacy",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.contoso.id,
    });
    // Turned release e-mails off before the inbox existed: no preference row, only the old switch.
    await community.db.update(users).set({ releaseEmails: false }).where(eq(users.id, legacy.id));
    const legacyClient = await community.signIn("legacy@contoso.example");
    expect((await legacyClient.get("/api/me")).json().releaseEmails).toBe(false);
    const personOf = async (email: string, name: string) => {
      await createUser(community.ctx, {
        email,
        name,
        password: DEMO_PASSWORD,
        organisationId: community.demo.organisations.contoso.id,
      });
      return community.signIn(email);
    };
    const cora = await personOf("off@contoso.example", "Olive Off");
    const chose = await cora.patch("/api/notifications/preferences", {
      kinds: { "releases.published": "off" },
    });
    expect(chose.statusCode, chose.body).toBe(200);
    expect((await cora.get("/api/me")).json().releaseEmails).toBe(false);
    const nora = await personOf("inapp@contoso.example", "Ina App");
    await nora.patch("/api/notifications/preferences", { kinds: { "releases.published": "app" } });
    const quiet = await community.signIn(OPTED_OUT);
    expect((await quiet.get("/api/notifications/preferences")).json().kinds["releases.published"]).toBe(
      "app",
    );

    const draft = await createDraft({ title: "One inbox" });
    expect((await staff.post(`/api/admin/releases/${draft.id}/publish`)).statusCode).toBe(200);

    const subject = `Convene ${draft.version} — One inbox`;
    const queued = await community.db.select().from(mailOutbox).where(eq(mailOutbox.subject, subject));
    const mailed = queued.map((m) => m.toAddress);
    expect(mailed).toContain("member@northwind.example");
    for (const address of [
      "off@contoso.example",
      "inapp@contoso.example",
      OPTED_OUT,
      "legacy@contoso.example",
    ])
      expect(mailed).not.toContain(address);

    const entryOf = async (client: Client) =>
      (
        (await client.get("/api/notifications")).json() as {
          entries: { item: { id: string; url: string; title: string }; notifications: { kind: string }[] }[];
        }
      ).entries.find((entry) => entry.item.id === draft.id);
    expect(await entryOf(member)).toMatchObject({
      item: { title: subject, url: `/releases/${draft.version}` },
      notifications: [{ kind: "releases.published" }],
    });
    for (const client of [nora, quiet, legacyClient]) expect(await entryOf(client)).toBeDefined();
    expect(await entryOf(cora)).toBeUndefined();
    expect(await entryOf(staff)).toBeUndefined();
    const [gone] = await community.db.select().from(users).where(eq(users.email, DEACTIVATED));
    const rows = await community.db.select().from(notifications).where(eq(notifications.itemId, draft.id));
    expect(rows.some((row) => row.userId === gone?.id)).toBe(false);
    // The release e-mail was this notification's e-mail: none of its rows waits to be e-mailed.
    expect(rows.filter((row) => row.emailDueAt !== null)).toEqual([]);
  });

  it("keeps the old switch as the preference, and lets it be turned back on either way", async () => {
    const quiet = await community.signIn(OPTED_OUT);
    const back = await quiet.patch("/api/me", { releaseEmails: true });
    expect(back.json().releaseEmails).toBe(true);
    expect((await quiet.get("/api/notifications/preferences")).json().kinds["releases.published"]).toBe(
      "email_batch",
    );
    await quiet.patch("/api/notifications/preferences", { kinds: { "releases.published": "app" } });
    expect((await quiet.get("/api/me")).json().releaseEmails).toBe(false);
  });

  it("publishes exactly once when two publishes race: one announcement, one set of mail and deliveries", async () => {
    const hook = await staff.post("/api/admin/webhooks", { name: "Race", url: "http://127.0.0.1:9/never" });
    expect(hook.statusCode, hook.body).toBe(201);
    const draft = await createDraft({ title: "Raced" });
    const answers = await Promise.all([
      staff.post(`/api/admin/releases/${draft.id}/publish`),
      staff.post(`/api/admin/releases/${draft.id}/publish`),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    await staff.delete(`/api/admin/webhooks/${hook.json().id}`);

    const announced = await community.db
      .select()
      .from(messages)
      .where(eq(messages.clientId, `release:${draft.id}`));
    expect(announced).toHaveLength(1);
    const mail = await community.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.subject, `Convene ${draft.version} — Raced`));
    expect(mail).toHaveLength(6);
    expect(new Set(mail.map((m) => m.toAddress)).size).toBe(6);
    const deliveries = await community.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.releaseId, draft.id));
    expect(deliveries).toHaveLength(1);
  });

  it("shows the announcement in #announcements to members", async () => {
    const draft = await createDraft({ title: "Seen in chat" });
    expect((await staff.post(`/api/admin/releases/${draft.id}/publish`)).statusCode).toBe(200);
    const channels = (await member.get("/api/chat/channels")).json().channels as {
      id: string;
      isAnnouncements: boolean;
    }[];
    const announcements = channels.find((c) => c.isAnnouncements);
    if (!announcements) throw new Error("no #announcements channel");
    const history = (await member.get(`/api/chat/channels/${announcements.id}/messages`)).json().messages as {
      body: string;
      author: { isStaff: boolean };
    }[];
    const post = history.find((m) => m.body.includes(`Convene ${draft.version} — Seen in chat`));
    expect(post?.author.isStaff).toBe(true);
  });

  it("answers 404 for publishing a release that does not exist", async () => {
    const response = await staff.post("/api/admin/releases/0190f7d2-0000-7000-8000-000000000000/publish");
    expect(response.statusCode).toBe(404);
  });
});

describe("the Atom feed", () => {
  /** A well-formedness check: every tag closes in order, every `&` starts a known entity. */
  function assertWellFormed(xml: string): void {
    const body = xml.replace(/^<\?xml[^>]*\?>\s*/, "");
    const stack: string[] = [];
    for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)([^>]*?)(\/?)>/g)) {
      const [, closing, name, , selfClosing] = match;
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name as string);
    }
    expect(stack).toEqual([]);
    expect(body.replace(/<[^>]*>/g, "")).not.toMatch(/[<>]/);
    expect(body).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  }

  it("lists published releases as valid Atom, escapes titles, and leaves drafts out", async () => {
    const hostile = await createDraft({ title: "<script>alert('feed')</script> & more" });
    expect((await staff.post(`/api/admin/releases/${hostile.id}/publish`)).statusCode).toBe(200);
    const draft = await createDraft({ title: "Still a draft" });

    const response = await community.anonymous().get("/releases.atom");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/atom\+xml/);
    const xml = response.body;
    assertWellFormed(xml);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/,
    );
    expect(xml).toContain("<id>http://localhost:3000/releases</id>");
    expect(xml).toMatch(/<updated>\d{4}-\d\d-\d\dT[\d:.]+Z<\/updated>/);
    expect(xml).toContain(
      '<link rel="self" type="application/atom+xml" href="http://localhost:3000/releases.atom"/>',
    );

    const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1] ?? "");
    const published = (await community.anonymous().get("/api/releases")).json().releases as Release[];
    expect(entries).toHaveLength(published.length);
    for (const entry of entries) {
      expect(entry).toMatch(/<id>urn:uuid:[0-9a-f-]{36}<\/id>/);
      expect(entry).toMatch(/<title type="text">Convene \d+\.\d+(\.\d+)? — /);
      expect(entry).toMatch(/<updated>[^<]+Z<\/updated>/);
      expect(entry).toMatch(
        /<link rel="alternate" type="text\/html" href="http:\/\/localhost:3000\/releases\/[\d.]+"\/>/,
      );
      expect(entry).toMatch(/<content type="html">[\s\S]+<\/content>/);
    }
    expect(xml).not.toContain(draft.version);
    expect(xml).not.toContain("Still a draft");
    expect(xml).not.toContain("<script");
    expect(xml).toContain(
      `<title type="text">Convene ${hostile.version} — &lt;script&gt;alert(&apos;feed&apos;)&lt;/script&gt; &amp; more</title>`,
    );
    // The HTML content is escaped once: its markup arrives as text for the reader to render.
    expect(xml).toContain("&lt;li&gt;&lt;strong&gt;Dispensing log&lt;/strong&gt;");
    // Newest first: the release just published (dated 2026-04-30) comes before 26.2.1.
    expect(xml.indexOf(hostile.version)).toBeLessThan(xml.indexOf("Convene 26.2.1"));
  });
});
