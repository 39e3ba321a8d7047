import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchHit } from "../../../shared/contracts/search.js";
import { actingAs } from "../../platform/context.js";
import { events } from "../../platform/events/schema.js";
import { personalDataAreas } from "../../platform/personal-data/registry.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/index.js";
import { messages } from "../chat/schema.js";
import { joinGroup } from "../groups/index.js";
import { groupMessages } from "../groups/schema.js";
import type { Article, ArticleSummary } from "./contracts/articles.js";
import { articleChanged } from "./contracts/articles.js";
import type { Category } from "./contracts/categories.js";
import { anyWordQuery } from "./suggestions.js";

let community: TestCommunity;
let staff: Client;
let ned: Client; // Northwind member
let cora: Client; // Contoso member

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  cora = await community.signIn("member@contoso.example");
});
afterAll(() => community.close());

const ok = <T>(response: { statusCode: number; body: string; json: () => unknown }, status = 200): T => {
  expect(response.statusCode, response.body).toBe(status);
  return (response.body ? response.json() : undefined) as T;
};

const categories = async (client: Client) =>
  ok<{ categories: Category[] }>(await client.get("/api/knowledge/categories")).categories;
const titles = async (client: Client) =>
  ok<{ articles: ArticleSummary[] }>(await client.get("/api/knowledge/articles")).articles.map(
    (a) => a.title,
  );
const suggestions = async (client: Client, text: string) =>
  ok<{ articles: { title: string }[] }>(
    await client.get(`/api/knowledge/suggestions?text=${encodeURIComponent(text)}`),
  ).articles.map((article) => article.title);
const articleHits = async (client: Client, q: string): Promise<SearchHit[]> =>
  ok<{ groups: { hits: SearchHit[] }[] }>(
    await client.get(`/api/search?q=${encodeURIComponent(q)}&kind=article`),
  ).groups[0]?.hits ?? [];

async function firstCategoryId(): Promise<string> {
  const [first] = await categories(staff);
  if (!first) throw new Error("the demo seeds knowledge base categories");
  return first.id;
}

async function write(body: Record<string, unknown>): Promise<Article> {
  return ok<Article>(
    await staff.post("/api/admin/knowledge/articles", { categoryId: await firstCategoryId(), ...body }),
    201,
  );
}

describe("reading the knowledge base", () => {
  it("shows members the published articles for members only, and staff every article", async () => {
    const customer = await titles(ned);
    expect(customer).toContain("Reset your password");
    expect(customer).not.toContain("Unlocking an account after repeated failed sign-ins");
    expect(customer).not.toContain("Importing volunteers from another system");
    const team = await titles(staff);
    expect(team).toContain("Unlocking an account after repeated failed sign-ins");
    expect(team).toContain("Importing volunteers from another system");
  });

  it("counts per category only the articles the reader may open", async () => {
    const count = (list: Category[]) => list.find((c) => c.name === "Accounts and sign-in")?.articleCount;
    expect(count(await categories(cora))).toBe(1);
    expect(count(await categories(staff))).toBe(2);
  });

  it("renders the Markdown body through the one sanitizer", async () => {
    const article = await write({
      title: "Sanitised",
      body: "**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)>",
      status: "published",
    });
    const read = ok<Article>(await ned.get(`/api/knowledge/articles/${article.id}`));
    expect(read.html).toContain("<strong>Bold</strong>");
    expect(read.html).not.toContain("<script");
    expect(read.html).not.toContain("onerror");
    // What the product team learns about an article is theirs alone.
    expect(read.outcomes).toBeNull();
    expect(read.source).toBeNull();
  });

  it("answers 404 to a customer for a draft and a staff-only article, by page, search and suggestion", async () => {
    const draft = await write({ title: "Quokka draft", body: "quokka handling" });
    const staffOnly = await write({
      title: "Quokka internal",
      body: "quokka escalation",
      status: "published",
      audience: "staff",
    });
    for (const id of [draft.id, staffOnly.id]) {
      expect((await cora.get(`/api/knowledge/articles/${id}`)).statusCode).toBe(404);
      expect((await cora.post(`/api/knowledge/articles/${id}/answered`)).statusCode).toBe(404);
    }
    expect(await articleHits(cora, "quokka")).toEqual([]);
    expect(await suggestions(cora, "quokka")).toEqual([]);
    const contexts = (await articleHits(staff, "quokka")).map((hit) => hit.context).sort();
    expect(contexts).toEqual(["Getting started · Draft", "Getting started · Staff only"]);
  });
});

describe("writing articles", () => {
  it("keeps every save as a version that can be read back", async () => {
    const article = await write({ title: "Versioned", body: "First text." });
    await staff.patch(`/api/admin/knowledge/articles/${article.id}`, { body: "Second text." });
    const published = ok<Article>(
      await staff.patch(`/api/admin/knowledge/articles/${article.id}`, { status: "published" }),
    );
    expect(published.version).toBe(3);
    expect(published.publishedAt).not.toBeNull();
    const { versions } = ok<{ versions: { number: number; status: string; savedBy: string }[] }>(
      await staff.get(`/api/admin/knowledge/articles/${article.id}/versions`),
    );
    expect(versions.map((v) => [v.number, v.status])).toEqual([
      [3, "published"],
      [2, "draft"],
      [1, "draft"],
    ]);
    const first = ok<{ body: string; html: string }>(
      await staff.get(`/api/admin/knowledge/articles/${article.id}/versions/1`),
    );
    expect(first.body).toBe("First text.");
    expect((await staff.get(`/api/admin/knowledge/articles/${article.id}/versions/9`)).statusCode).toBe(404);
  });

  it("refuses bad input with 400 naming the field", async () => {
    const missing = await staff.post("/api/admin/knowledge/articles", { body: "No title" });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toEqual(expect.arrayContaining(["title", "categoryId"]));
    const unknownCategory = await staff.post("/api/admin/knowledge/articles", {
      title: "Nowhere",
      body: "Text",
      categoryId: "0190a000-0000-7000-8000-000000000000",
    });
    expect(unknownCategory.statusCode).toBe(400);
    expect(unknownCategory.json().error.fields).toHaveProperty("categoryId");
    const badAudience = await staff.post("/api/admin/knowledge/articles", {
      title: "Odd",
      body: "Text",
      categoryId: await firstCategoryId(),
      audience: "everyone",
    });
    expect(badAudience.json().error.fields).toHaveProperty("audience");
    const badVersion = await staff.get("/api/admin/knowledge/articles/not-an-id/versions/abc");
    expect(badVersion.statusCode).toBe(400);
  });

  it("publishes its change to members only when the article is or was theirs", async () => {
    const lastChange = async (articleId: string) => {
      const [row] = await community.db
        .select()
        .from(events)
        .where(and(eq(events.topic, articleChanged.topic)))
        .orderBy(desc(events.id))
        .limit(1);
      expect(row?.payload).toEqual({ articleId });
      return row;
    };
    const article = await write({ title: "Live", body: "Text", audience: "staff" });
    const hidden = await lastChange(article.id);
    expect(hidden?.everyone).toBe(false);
    expect(hidden?.userIds).toEqual([community.demo.people.staff.id]);
    await staff.patch(`/api/admin/knowledge/articles/${article.id}`, {
      audience: "members",
      status: "published",
    });
    expect((await lastChange(article.id))?.everyone).toBe(true);
    await staff.patch(`/api/admin/knowledge/articles/${article.id}`, { status: "draft" });
    expect((await lastChange(article.id))?.everyone).toBe(true);
  });
});

describe("categories", () => {
  it("are created last, renamed, and moved with the others closing up", async () => {
    const created = ok<Category>(
      await staff.post("/api/admin/knowledge/categories", { name: "Billing" }),
      201,
    );
    expect(created.position).toBe(3);
    const taken = await staff.post("/api/admin/knowledge/categories", { name: "Billing" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.fields).toHaveProperty("name");
    const moved = ok<{ categories: Category[] }>(
      await staff.patch(`/api/admin/knowledge/categories/${created.id}`, {
        name: "Billing and plans",
        position: 0,
      }),
    ).categories;
    expect(moved.map((c) => [c.name, c.position])).toEqual([
      ["Billing and plans", 0],
      ["Getting started", 1],
      ["Studies and data", 2],
      ["Accounts and sign-in", 3],
    ]);
    await staff.patch(`/api/admin/knowledge/categories/${created.id}`, { position: 99 });
    expect((await categories(ned)).map((c) => c.name).at(-1)).toBe("Billing and plans");
  });
});

describe("suggestions while a ticket is written", () => {
  it("offers the published articles matching any word of the text, best first", async () => {
    expect((await suggestions(ned, "How do I export my study?"))[0]).toBe("Export a study's data as CSV");
    expect((await suggestions(ned, "forgot my passw"))[0]).toBe("Reset your password");
    expect(await suggestions(ned, "a to of")).toEqual([]);
  });

  it("reads free text as words only, never as search syntax", async () => {
    expect(anyWordQuery(`export's "quoted" -minus & | ! :* (paren) in:#general`)).toBe(
      "export:* | quoted:* | minus:* | paren:* | general:*",
    );
    expect(anyWordQuery("!! ** ::")).toBeNull();
    expect(
      (await ned.get(`/api/knowledge/suggestions?text=${encodeURIComponent("&|!():*<->")}`)).statusCode,
    ).toBe(200);
    expect(
      (await ned.get(`/api/knowledge/suggestions?text=${"x".repeat(2001)}`)).json().error.fields,
    ).toHaveProperty("text");
  });

  it("counts views from suggestions, and an answer once per person, for staff to see", async () => {
    const [exportArticle] = ok<{ articles: { id: string }[] }>(
      await ned.get("/api/knowledge/suggestions?text=export"),
    ).articles;
    if (!exportArticle) throw new Error("the demo's export article is suggested");
    const url = `/api/knowledge/articles/${exportArticle.id}`;
    for (const client of [ned, ned, cora]) ok(await client.post(`${url}/suggestion-views`), 204);
    ok(await ned.post(`${url}/answered`), 204);
    ok(await ned.post(`${url}/answered`), 204);
    expect(ok<Article>(await ned.get(url)).answeredByMe).toBe(true);
    expect(ok<Article>(await cora.get(url)).answeredByMe).toBe(false);
    expect(ok<Article>(await staff.get(url)).outcomes).toEqual({ suggestionViews: 3, answered: 1 });

    // What Ned takes with him in "download my data".
    const area = personalDataAreas().find((candidate) => candidate.name === "help-articles");
    const people = community.demo.people;
    const mine = (await area?.collect(community.ctx, people.northwindMember)) as {
      suggestedArticles: { title: string; openedFromSuggestions: number; answeredAt: Date | null }[];
    };
    expect(mine.suggestedArticles).toEqual([
      { title: "Export a study's data as CSV", openedFromSuggestions: 2, answeredAt: expect.any(Date) },
    ]);
  });
});

describe("drafting an article from an answer", () => {
  it("turns a ticket comment into a draft for members, linked back to its ticket", async () => {
    const [ticket] = ok<{ tickets: { id: string; number: number }[] }>(
      await staff.get("/api/desk/tickets"),
    ).tickets;
    if (!ticket) throw new Error("the demo has a ticket");
    const { comments } = ok<{ comments: { id: string; bodyHtml: string; internal: boolean }[] }>(
      await staff.get(`/api/desk/tickets/${ticket.id}`),
    );
    const answer = comments.find((comment) => !comment.internal);
    if (!answer) throw new Error("the demo ticket has a public reply");
    const draft = ok<Article>(
      await staff.post("/api/admin/knowledge/articles/from-source", {
        kind: "ticket_comment",
        id: answer.id,
      }),
      201,
    );
    expect(draft).toMatchObject({
      title: "Study build fails to publish in the development environment",
      body: "Thanks Ned, we can reproduce it. A fix is in the next sandbox build.",
      status: "draft",
      audience: "members",
      source: {
        kind: "ticket_comment",
        label: `From ticket #${ticket.number}`,
        path: `/desk/tickets/${ticket.id}`,
      },
    });
    expect((await ned.get(`/api/knowledge/articles/${draft.id}`)).statusCode).toBe(404);
  });

  it("turns a chat message into a draft titled by its first line", async () => {
    const [message] = await community.db.select().from(messages).orderBy(messages.seq).limit(1);
    if (!message) throw new Error("the demo has chat messages");
    const draft = ok<Article>(
      await staff.post("/api/admin/knowledge/articles/from-source", { kind: "chat_message", id: message.id }),
      201,
    );
    expect(draft.body).toBe(message.body);
    expect(draft.source?.label).toMatch(/^From a message in #/);
    expect(draft.source?.path).toContain(`message=${message.id}`);
  });

  it("reads a group message only as the group lets the staff member read it", async () => {
    const [message] = await community.db.select().from(groupMessages).limit(1);
    if (!message) throw new Error("the demo has group messages");
    const source = { kind: "group_message", id: message.id };
    const refused = await staff.post("/api/admin/knowledge/articles/from-source", source);
    expect(refused.statusCode).toBe(403);
    await joinGroup(actingAs(community.ctx, actorOf(community.demo.people.staff)), "site-ops");
    const draft = ok<Article>(await staff.post("/api/admin/knowledge/articles/from-source", source), 201);
    expect(draft.source?.label).toMatch(/^From the group topic “.+” in /);
  });

  it("answers 404 for a source that does not exist, and names a bad kind", async () => {
    const missing = await staff.post("/api/admin/knowledge/articles/from-source", {
      kind: "ticket_comment",
      id: "0190a000-0000-7000-8000-000000000000",
    });
    expect(missing.statusCode).toBe(404);
    const badKind = await staff.post("/api/admin/knowledge/articles/from-source", { kind: "email", id: "x" });
    expect(Object.keys(badKind.json().error.fields).sort()).toEqual(["id", "kind"]);
  });
});
