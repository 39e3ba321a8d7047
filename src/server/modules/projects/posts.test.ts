import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, projectPostSubscriptions, projectPosts } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { createUser } from "../accounts/users.js";

type Post = {
  id: string;
  title: string;
  visibility: string;
  bodyHtml: string;
  comments: { body: string }[];
  attachments: { url: string; filename: string }[];
  mySubscription: string;
};

let community: TestCommunity;
let staff: Client;
/** member@northwind.example */
let ned: Client;
/** admin@northwind.example */
let nora: Client;
/** member@contoso.example */
let cora: Client;
/** dev@fabrikam.example: not in any project here. */
let outsider: Client;
let projectId: string;

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
  outsider = await community.signIn("dev@fabrikam.example");
  const project = await staff.post("/api/projects", {
    name: "Board project",
    purpose: "",
    startsOn: "2026-04-01",
  });
  projectId = project.json().id;
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso]) {
    await staff.post(`/api/projects/${projectId}/participants`, { organisationId: organisation.id });
  }
});
afterAll(() => community?.close());

let counter = 0;
const uniqueTitle = (label: string) => `${label} ${++counter}`;

async function post(client: Client, input: { category?: string; body?: string; visibility?: string } = {}) {
  const response = await client.post(`/api/projects/${projectId}/posts`, {
    category: input.category ?? "question",
    title: uniqueTitle("Post"),
    body: input.body ?? "What do you think?",
    ...(input.visibility ? { visibility: input.visibility } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Post;
}

const comment = (client: Client, postId: string, body: string) =>
  client.post(`/api/projects/${projectId}/posts/${postId}/comments`, { body });

function setSubscription(client: Client, postId: string, state: string) {
  return community.app.inject({
    method: "PUT",
    url: `/api/projects/${projectId}/posts/${postId}/subscription`,
    headers: { cookie: client.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: { state },
  });
}

type InboxEntry = { item: { id: string }; notifications: { kind: string; actor: { name: string } }[] };

/** The person's inbox entries for an item (the newest page, where a fresh item is). */
async function entriesIn(client: Client, itemId: string): Promise<InboxEntry[]> {
  const inbox = (await client.get("/api/notifications")).json() as { entries: InboxEntry[] };
  return inbox.entries.filter((entry) => entry.item.id === itemId);
}

/** The kinds of the person's notifications about an item, newest first. */
const kindsIn = async (client: Client, itemId: string) =>
  (await entriesIn(client, itemId)).flatMap((entry) => entry.notifications.map((n) => n.kind));

function multipart(
  fields: Record<string, string>,
  file?: { filename: string; contentType: string; data: Buffer },
) {
  const boundary = "----conveneboard";
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const chunks: Buffer[] = parts.map((part) => Buffer.from(part));
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const sendMultipart = (client: Client, body: ReturnType<typeof multipart>) =>
  client.post(`/api/projects/${projectId}/posts`, body.payload, { "content-type": body.contentType });

describe("the message board", () => {
  it("hides a staff-only post from customers in the list, the detail (404) and the timeline", async () => {
    const secret = await post(staff, { visibility: "staff", category: "fyi" });
    const titles = async (client: Client) =>
      ((await client.get(`/api/projects/${projectId}/posts`)).json().posts as { title: string }[]).map(
        (p) => p.title,
      );
    expect(await titles(staff)).toContain(secret.title);
    expect(await titles(ned)).not.toContain(secret.title);
    expect((await ned.get(`/api/projects/${projectId}/posts/${secret.id}`)).statusCode).toBe(404);
    expect(
      (await cora.post(`/api/projects/${projectId}/posts/${secret.id}/comments`, { body: "Hi" })).statusCode,
    ).toBe(404);
    const timeline = (await ned.get(`/api/projects/${projectId}/activity`)).json().activity as {
      itemId: string;
    }[];
    expect(timeline.map((line) => line.itemId)).not.toContain(secret.id);
    const staffTimeline = (await staff.get(`/api/projects/${projectId}/activity`)).json().activity as {
      itemId: string;
    }[];
    expect(staffTimeline.map((line) => line.itemId)).toContain(secret.id);
  });

  it("refuses a customer making a post staff-only, naming visibility", async () => {
    const response = await ned.post(`/api/projects/${projectId}/posts`, {
      category: "question",
      title: "Secret?",
      body: "Only for staff",
      visibility: "staff",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("visibility");
  });

  it("names a missing title and an unknown category", async () => {
    const response = await ned.post(`/api/projects/${projectId}/posts`, { category: "gossip", body: "Hi" });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(["category", "title"]);
  });

  it("answers 404 to someone outside the project, for posts too", async () => {
    const open = await post(ned);
    expect((await outsider.get(`/api/projects/${projectId}/posts/${open.id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/projects/${projectId}/posts`)).statusCode).toBe(404);
  });

  it("renders Markdown through the sanitizer", async () => {
    const created = await post(ned, { body: "**bold** <script>alert(1)</script>" });
    expect(created.bodyHtml).toContain("<strong>bold</strong>");
    expect(created.bodyHtml).not.toContain("<script>");
  });

  it("lets only the author or staff edit a post", async () => {
    const mine = await post(ned);
    const other = await nora.patch(`/api/projects/${projectId}/posts/${mine.id}`, { title: "Hijacked" });
    expect(other.statusCode).toBe(403);
    const own = await ned.patch(`/api/projects/${projectId}/posts/${mine.id}`, { title: "Better title" });
    expect(own.json().title).toBe("Better title");
    const byStaff = await staff.patch(`/api/projects/${projectId}/posts/${mine.id}`, {
      category: "decision",
    });
    expect(byStaff.statusCode).toBe(200);
  });

  it("takes a multipart post with a file, and shows the image inline", async () => {
    const title = uniqueTitle("With a screenshot");
    const response = await sendMultipart(
      cora,
      multipart(
        { category: "fyi", title, body: "See the screenshot." },
        { filename: "screen.png", contentType: "image/png", data: PNG },
      ),
    );
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json() as Post;
    expect(created.attachments.map((a) => a.filename)).toEqual(["screen.png"]);
    const download = await ned.get(created.attachments[0]?.url ?? "");
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-disposition"]).toMatch(/^inline/);
    expect((await outsider.get(created.attachments[0]?.url ?? "")).statusCode).toBe(404);
  });

  it("refuses a post whose file is of a refused type, and writes no post", async () => {
    const title = uniqueTitle("With a program");
    const response = await sendMultipart(
      cora,
      multipart(
        { category: "fyi", title, body: "Run this." },
        { filename: "tool.exe", contentType: "application/x-msdownload", data: Buffer.from("MZ") },
      ),
    );
    expect(response.statusCode).toBe(415);
    expect(response.json().error.fields).toHaveProperty("file");
    const rows = await community.db.select().from(projectPosts).where(eq(projectPosts.title, title));
    expect(rows).toEqual([]);
  });

  it("lets the author add a file later, but not another participant", async () => {
    const mine = await post(ned);
    const file = { filename: "notes.txt", contentType: "text/plain", data: Buffer.from("notes") };
    expect(
      (await nora.upload(`/api/projects/${projectId}/posts/${mine.id}/attachments`, file)).statusCode,
    ).toBe(403);
    const added = await ned.upload(`/api/projects/${projectId}/posts/${mine.id}/attachments`, file);
    expect(added.statusCode, added.body).toBe(201);
  });
});

describe("notifications", () => {
  it("tells everyone in the project of an announcement, but no customer of a staff-only one", async () => {
    const open = await post(staff, { category: "announcement" });
    expect(await kindsIn(cora, open.id)).toEqual(["projects.announcement"]);
    expect(await kindsIn(nora, open.id)).toEqual(["projects.announcement"]);
    expect(await kindsIn(outsider, open.id)).toEqual([]);
    expect(await kindsIn(staff, open.id)).toEqual([]);

    const secret = await post(staff, { category: "announcement", visibility: "staff" });
    expect(await kindsIn(cora, secret.id)).toEqual([]);
    expect(await kindsIn(ned, secret.id)).toEqual([]);
  });

  it("never notifies a deactivated member", async () => {
    const leaver = await createUser(community.ctx, {
      email: "leaver@contoso.example",
      name: "Lee Leaver",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.contoso.id,
    });
    await staff.patch(`/api/admin/users/${leaver.id}`, { status: "deactivated" });
    const announcement = await post(staff, {
      category: "announcement",
      body: "Hello @leaver@contoso.example",
    });
    const [written] = await community.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, leaver.id), eq(notifications.itemId, announcement.id)));
    expect(written?.n).toBe(0);
  });

  it("tells the post's followers of a comment, opened at it, and the person mentioned of the mention", async () => {
    const question = await post(ned);
    const reply = await comment(cora, question.id, "Ask @admin@northwind.example, she knows.");
    expect(reply.statusCode, reply.body).toBe(201);
    const [entry] = await entriesIn(ned, question.id);
    expect(entry?.notifications.map((n) => n.kind)).toEqual(["projects.comment"]);
    expect(entry?.item).toEqual({
      type: "project_post",
      id: question.id,
      title: question.title,
      url: `/projects/${projectId}/board?post=${question.id}&comment=${reply.json().id}`,
    });
    // The excerpt names the person mentioned, as the board does, never their address.
    expect(entry?.notifications[0]).toMatchObject({
      actor: { name: "Cora Member" },
      excerpt: "Ask @Nora Admin, she knows.",
    });
    expect(await kindsIn(nora, question.id)).toEqual(["projects.mention"]);
    expect(await kindsIn(cora, question.id)).toEqual([]);
    expect(await kindsIn(outsider, question.id)).toEqual([]);
    // The commenter now follows the post, and hears of the next comment.
    await comment(ned, question.id, "Thanks!");
    expect(await kindsIn(cora, question.id)).toEqual(["projects.comment"]);
    const seen = (await cora.get(`/api/projects/${projectId}/posts/${question.id}`)).json() as Post;
    expect(seen.mySubscription).toBe("subscribed");
  });

  it("tells someone mentioned in a new post, in any category", async () => {
    const question = await post(ned, { body: "Could @member@contoso.example check this?" });
    expect(await kindsIn(cora, question.id)).toEqual(["projects.mention"]);
    expect(await kindsIn(nora, question.id)).toEqual([]);
  });

  it("shows a mention by the person's name, as chat does, never their address", async () => {
    const question = await post(ned, { body: "Could @admin@northwind.example check the dose table?" });
    const reply = await comment(cora, question.id, "Seconded, @admin@northwind.example.");
    expect(reply.json().bodyHtml).toContain(">@Nora Admin</span>");
    const seen = (await cora.get(`/api/projects/${projectId}/posts/${question.id}`)).json() as {
      bodyHtml: string;
      comments: { bodyHtml: string }[];
    };
    expect(seen.bodyHtml).toContain(">@Nora Admin</span>");
    expect(seen.comments[0]?.bodyHtml).toContain(">@Nora Admin</span>");
    expect(JSON.stringify([seen.bodyHtml, seen.comments.map((c) => c.bodyHtml)])).not.toContain(
      "admin@northwind",
    );
  });

  it("tells a muted person nothing more about the post, mentions included", async () => {
    const question = await post(ned);
    const muted = await setSubscription(ned, question.id, "muted");
    expect(muted.statusCode, muted.body).toBe(200);
    await comment(cora, question.id, "An answer, and a nudge to @member@northwind.example");
    expect(await kindsIn(ned, question.id)).toEqual([]);
    expect(
      ((await ned.get(`/api/projects/${projectId}/posts/${question.id}`)).json() as Post).mySubscription,
    ).toBe("muted");
    const follow = await ned.get(`/api/notifications/follows/project_post/${question.id}`);
    expect(follow.json()).toEqual({ level: "mute" });
  });

  it("keeps a subscription made before the inbox: a muted post stays muted, a subscribed one followed", async () => {
    const question = await post(ned);
    await community.db.insert(projectPostSubscriptions).values([
      { postId: question.id, userId: community.demo.people.northwindMember.id, state: "muted" },
      { postId: question.id, userId: community.demo.people.northwindAdmin.id, state: "subscribed" },
    ]);
    await comment(cora, question.id, "Old switches still count.");
    expect(await kindsIn(ned, question.id)).toEqual([]);
    expect(await kindsIn(nora, question.id)).toEqual(["projects.comment"]);
  });

  it("follows the inbox's choice for a post: mentions only hears no comments", async () => {
    const question = await post(ned);
    const chosen = await community.app.inject({
      method: "PUT",
      url: `/api/notifications/follows/project_post/${question.id}`,
      headers: { cookie: ned.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
      payload: { level: "mentions" },
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    await comment(cora, question.id, "A comment ned does not hear of.");
    expect(await kindsIn(ned, question.id)).toEqual([]);
    await comment(cora, question.id, "But this one, @member@northwind.example, he does.");
    expect(await kindsIn(ned, question.id)).toEqual(["projects.mention"]);
    expect(
      ((await ned.get(`/api/projects/${projectId}/posts/${question.id}`)).json() as Post).mySubscription,
    ).toBe("none");
  });

  it("tells someone who subscribed without writing", async () => {
    const question = await post(ned);
    await setSubscription(nora, question.id, "subscribed");
    await comment(cora, question.id, "Here is an answer.");
    expect(await kindsIn(nora, question.id)).toEqual(["projects.comment"]);
  });

  it("does not tell a customer mentioned on a staff-only post", async () => {
    const secret = await post(staff, { visibility: "staff" });
    await comment(staff, secret.id, "Should we ask @member@contoso.example?");
    expect(await kindsIn(cora, secret.id)).toEqual([]);
  });
});
