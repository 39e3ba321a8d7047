import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchHit } from "../../../shared/contracts/search.js";
import { notifications } from "../../db/schema.js";
import { personalDataAreas } from "../../platform/personal-data/registry.js";
import { northwindChannel } from "../../testing/chat.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { allFeedbackRoundRefs } from "../projects/index.js";
import { releaseRefByVersion } from "../releases/index.js";
import type { Idea, IdeaInput, IdeaSummary } from "./contracts/ideas.js";

let community: TestCommunity;
let staff: Client;
/** member@northwind.example, who asked ticket #1 (shared with Northwind). */
let ned: Client;
/** admin@northwind.example, Ned's colleague. */
let nora: Client;
/** member@contoso.example, of another customer. */
let cora: Client;
/** dev@fabrikam.example, of a partner that takes no part in the demo's feedback project. */
let fay: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
  fay = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

let sequence = 0;
async function postIdea(client: Client, changes: Partial<IdeaInput> = {}): Promise<Idea> {
  const response = await client.post("/api/ideas", {
    title: `Idea number ${++sequence}`,
    problem: "Something takes too long.",
    module: "desk",
    ...changes,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function ideaAs(client: Client, id: string): Promise<Idea> {
  const response = await client.get(`/api/ideas/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function setStatus(id: string, body: Record<string, unknown>) {
  return staff.put(`/api/admin/ideas/${id}/status`, body);
}

const pharmacyRound = async () => {
  const [round] = await allFeedbackRoundRefs(community.db);
  if (!round) throw new Error("the demo has a feedback round");
  return round;
};

const notificationsOf = (ideaId: string) =>
  community.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.itemType, "idea"), eq(notifications.itemId, ideaId)));

describe("posting an idea", () => {
  it("starts under review with its author's vote, the problem rendered from Markdown", async () => {
    const idea = await postIdea(ned, { problem: "Printing **labels** is slow.", module: "pharmacy" });
    expect(idea).toMatchObject({
      status: "under_review",
      module: "pharmacy",
      votes: 1,
      voted: true,
      author: { name: "Ned Member" },
      votesByOrganisation: [{ name: "Northwind Research Unit", votes: 1 }],
      mergedInto: null,
    });
    expect(idea.problemHtml).toContain("<strong>labels</strong>");
  });

  it("refuses an idea without a title or with an unknown product area, naming the fields", async () => {
    const response = await ned.post("/api/ideas", { title: "", problem: "x", module: "billing" });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(["module", "title"]);
  });
});

describe("votes", () => {
  it("counts one vote per person, by organisation, and a withdrawn vote no more", async () => {
    const idea = await postIdea(ned);
    await nora.put(`/api/ideas/${idea.id}/vote`);
    await nora.put(`/api/ideas/${idea.id}/vote`);
    const voted = await cora.put(`/api/ideas/${idea.id}/vote`);
    expect(voted.statusCode, voted.body).toBe(200);
    expect(voted.json()).toMatchObject({
      votes: 3,
      voted: true,
      votesByOrganisation: [
        { name: "Northwind Research Unit", votes: 2 },
        { name: "Contoso Clinical", votes: 1 },
      ],
    });
    const withdrawn = await nora.delete(`/api/ideas/${idea.id}/vote`);
    expect(withdrawn.json()).toMatchObject({ votes: 2, voted: false });
    expect((await ideaAs(fay, idea.id)).voted).toBe(false);
  });

  it("lists the most voted first, and answers 404 for an idea that does not exist", async () => {
    const popular = await postIdea(cora);
    for (const client of [ned, nora, fay, staff]) await client.put(`/api/ideas/${popular.id}/vote`);
    const list = (await ned.get("/api/ideas")).json().ideas as Idea[];
    expect(list[0]?.id).toBe(popular.id);
    const missing = await ned.put("/api/ideas/01900000-0000-7000-8000-000000000000/vote");
    expect(missing.statusCode).toBe(404);
  });
});

describe("comments", () => {
  it("shows comments in order, with their authors, to everyone signed in", async () => {
    const idea = await postIdea(ned);
    const comment = await cora.post(`/api/ideas/${idea.id}/comments`, { body: "We need *this* too." });
    expect(comment.statusCode, comment.body).toBe(201);
    expect((await fay.get(`/api/ideas/${idea.id}`)).json().comments).toMatchObject([
      {
        author: { name: "Cora Member" },
        body: "We need *this* too.",
        bodyHtml: expect.stringContaining("<em>"),
      },
    ]);
    expect(
      (await cora.post(`/api/ideas/${idea.id}/comments`, { body: " " })).json().error.fields,
    ).toHaveProperty("body");
  });

  it("counts an idea's comments the same in the list and on the idea", async () => {
    const idea = await postIdea(ned);
    await cora.post(`/api/ideas/${idea.id}/comments`, { body: "One." });
    await fay.post(`/api/ideas/${idea.id}/comments`, { body: "Two." });
    const listed = ((await ned.get("/api/ideas?sort=newest")).json().ideas as IdeaSummary[]).find(
      (item) => item.id === idea.id,
    );
    expect(listed?.comments).toBe(2);
    expect((await ideaAs(ned, idea.id)).comments).toHaveLength(2);
  });
});

describe("statuses", () => {
  it("requires a reason to decline, shown on the idea", async () => {
    const idea = await postIdea(ned);
    const refused = await setStatus(idea.id, { status: "declined" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toHaveProperty("declineReason");
    const declined = await setStatus(idea.id, { status: "declined", declineReason: "Out of scope." });
    expect(declined.json()).toMatchObject({ status: "declined", declineReason: "Out of scope." });
  });

  it("links a flag and a round in preview and a release when released, naming a field that links nothing", async () => {
    const idea = await postIdea(ned);
    const round = await pharmacyRound();
    const release = await releaseRefByVersion(community.db, "26.2");

    const unknown = await setStatus(idea.id, {
      status: "in_preview",
      flagKey: "no-such-flag",
      feedbackRoundId: "01900000-0000-7000-8000-000000000000",
    });
    expect(unknown.statusCode).toBe(400);
    expect(Object.keys(unknown.json().error.fields).sort()).toEqual(["feedbackRoundId", "flagKey"]);
    expect((await setStatus(idea.id, { status: "in_preview" })).json().error.fields).toHaveProperty(
      "flagKey",
    );
    expect(
      (await setStatus(idea.id, { status: "planned", releaseId: release?.id })).json().error.fields,
    ).toHaveProperty("releaseId");

    const preview = await setStatus(idea.id, {
      status: "in_preview",
      flagKey: "pharmacy",
      feedbackRoundId: round.id,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      status: "in_preview",
      flag: { key: "pharmacy", tryUrl: "/sandbox" },
      feedbackRound: { id: round.id, url: round.url },
    });
    // The round's project is Northwind's and Contoso's: Fabrikam sees the flag but no link to the round.
    expect(await ideaAs(fay, idea.id)).toMatchObject({ flag: { key: "pharmacy" }, feedbackRound: null });

    const missingRelease = await setStatus(idea.id, {
      status: "released",
      releaseId: "01900000-0000-7000-8000-000000000000",
    });
    expect(missingRelease.json().error.fields).toHaveProperty("releaseId");
    const released = await setStatus(idea.id, { status: "released", releaseId: release?.id });
    expect(released.json()).toMatchObject({
      status: "released",
      release: { version: "26.2", url: "/releases/26.2" },
    });
  });

  it("shows a draft release to the product team only", async () => {
    const idea = await postIdea(ned);
    const draft = await releaseRefByVersion(community.db, "26.3");
    await setStatus(idea.id, { status: "released", releaseId: draft?.id });
    expect((await ideaAs(staff, idea.id)).release?.version).toBe("26.3");
    expect((await ideaAs(ned, idea.id)).release).toBeNull();
  });

  it("tells the voters, commenters and requesters of linked tickets at each change, not the one who made it", async () => {
    const idea = await postIdea(ned);
    await cora.put(`/api/ideas/${idea.id}/vote`);
    await fay.post(`/api/ideas/${idea.id}/comments`, { body: "Yes please." });
    const ticket = await nora.post("/api/desk/tickets", {
      type: "product_feedback",
      subject: "Please make this faster",
      description: "It is slow.",
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    await staff.post(`/api/admin/ideas/${idea.id}/tickets`, { ticketNumber: ticket.json().number });

    await setStatus(idea.id, { status: "planned" });
    const { northwindMember, contosoMember, fabrikamDev, northwindAdmin, staff: sam } = community.demo.people;
    const told = async () => (await notificationsOf(idea.id)).map((row) => row.userId).sort();
    const everyoneWhoAsked = [northwindMember.id, contosoMember.id, fabrikamDev.id, northwindAdmin.id].sort();
    expect(await told()).toEqual(everyoneWhoAsked);
    expect((await notificationsOf(idea.id))[0]).toMatchObject({
      kind: "ideas.status",
      url: `/ideas/${idea.id}`,
      excerpt: "Now planned.",
    });
    expect(await told()).not.toContain(sam.id);

    // The same status again with other links is no change of status: no one is told again.
    await setStatus(idea.id, { status: "planned" });
    expect(await notificationsOf(idea.id)).toHaveLength(4);
    await setStatus(idea.id, { status: "in_preview", flagKey: "pharmacy" });
    expect(await notificationsOf(idea.id)).toHaveLength(8);

    // Opening the idea marks what the person was told about it read.
    await cora.get(`/api/ideas/${idea.id}`);
    const coraRows = (await notificationsOf(idea.id)).filter((row) => row.userId === contosoMember.id);
    expect(coraRows.every((row) => row.readAt !== null)).toBe(true);
  });

  it("is the product team's alone", async () => {
    const idea = await postIdea(ned);
    const refused = await ned.put(`/api/admin/ideas/${idea.id}/status`, { status: "planned" });
    expect(refused.statusCode).toBe(403);
  });
});

describe("merging duplicates", () => {
  it("moves the votes (one per person) and tickets, and keeps the duplicate's page and comments", async () => {
    const target = await postIdea(ned);
    const duplicate = await postIdea(cora);
    await ned.put(`/api/ideas/${duplicate.id}/vote`);
    await fay.put(`/api/ideas/${duplicate.id}/vote`);
    await fay.post(`/api/ideas/${duplicate.id}/comments`, { body: "Here is our case." });
    await staff.post(`/api/admin/ideas/${duplicate.id}/tickets`, { ticketNumber: 1 });

    const merged = await staff.post(`/api/admin/ideas/${duplicate.id}/merge`, { targetId: target.id });
    expect(merged.statusCode, merged.body).toBe(200);
    // Ned voted for both: counted once. Cora (author of the duplicate) and Fay move over.
    expect(merged.json()).toMatchObject({
      id: target.id,
      votes: 3,
      duplicates: [{ id: duplicate.id }],
      tickets: [{ number: 1 }],
    });

    const page = await ideaAs(fay, duplicate.id);
    expect(page).toMatchObject({
      mergedInto: { id: target.id, title: target.title },
      votes: 0,
      comments: [{ body: "Here is our case." }],
    });
    expect((await fay.put(`/api/ideas/${duplicate.id}/vote`)).statusCode).toBe(409);
    const listed = ((await ned.get("/api/ideas")).json().ideas as Idea[]).map((idea) => idea.id);
    expect(listed).toContain(target.id);
    expect(listed).not.toContain(duplicate.id);
  });

  it("refuses merging into itself or into an idea that does not exist, naming targetId", async () => {
    const idea = await postIdea(ned);
    const itself = await staff.post(`/api/admin/ideas/${idea.id}/merge`, { targetId: idea.id });
    expect(itself.json().error.fields).toHaveProperty("targetId");
    const nowhere = await staff.post(`/api/admin/ideas/${idea.id}/merge`, {
      targetId: "01900000-0000-7000-8000-000000000000",
    });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json().error.fields).toHaveProperty("targetId");
  });
});

describe("linked tickets", () => {
  it("lists each ticket only to people who may open it: staff, the requester, colleagues it is shared with", async () => {
    const idea = await postIdea(cora);
    const own = await ned.post("/api/desk/tickets", {
      type: "product_feedback",
      subject: "Not shared with anyone",
      description: "Mine alone.",
    });
    const privateNumber = own.json().number as number;
    await staff.post(`/api/admin/ideas/${idea.id}/tickets`, { ticketNumber: 1 });
    const linked = await staff.post(`/api/admin/ideas/${idea.id}/tickets`, { ticketNumber: privateNumber });
    expect(linked.statusCode, linked.body).toBe(200);

    const numbersFor = async (client: Client) => (await ideaAs(client, idea.id)).tickets.map((t) => t.number);
    expect(await numbersFor(staff)).toEqual([1, privateNumber]);
    expect(await numbersFor(ned)).toEqual([1, privateNumber]);
    // Ticket #1 is shared with Northwind; Ned's new one is not.
    expect(await numbersFor(nora)).toEqual([1]);
    expect(await numbersFor(cora)).toEqual([]);

    const unlinked = await staff.delete(`/api/admin/ideas/${idea.id}/tickets/${own.json().id}`);
    expect(unlinked.json().tickets.map((t: { number: number }) => t.number)).toEqual([1]);
  });

  it("names ticketNumber when no ticket has that number", async () => {
    const idea = await postIdea(ned);
    const response = await staff.post(`/api/admin/ideas/${idea.id}/tickets`, { ticketNumber: 99999 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.ticketNumber).toContain("#99999");
  });
});

describe("chat messages as evidence", () => {
  async function post(client: Client, channelId: string, body: string): Promise<string> {
    const response = await client.post(`/api/chat/channels/${channelId}/messages`, {
      clientId: randomUUID(),
      body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  it("quotes a message with its author and channel to those who may read the channel, and to no one else", async () => {
    const idea = await postIdea(cora);
    const channel = await northwindChannel(community, `evidence-${++sequence}`);
    const messageId = await post(ned, channel.id, "We export **every** Friday and it takes an hour.");

    const linked = await ned.post(`/api/ideas/${idea.id}/messages`, { messageId });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().messages).toEqual([
      {
        readable: true,
        bodyHtml: expect.stringContaining("<strong>every</strong>"),
        author: { id: community.demo.people.northwindMember.id, name: expect.any(String) },
        channelName: channel.name,
        isDirect: false,
        url: `/chat/${channel.id}?message=${messageId}`,
        postedAt: expect.any(String),
      },
    ]);
    expect((await ideaAs(nora, idea.id)).messages).toMatchObject([{ readable: true }]);

    const outsider = await ideaAs(cora, idea.id);
    expect(outsider.messages).toEqual([{ readable: false }]);
    expect(JSON.stringify(outsider)).not.toContain("every");
    expect(JSON.stringify(outsider)).not.toContain(channel.name);
  });

  it("refuses linking a message the person cannot read, naming messageId, and links a message once", async () => {
    const idea = await postIdea(ned);
    const channel = await northwindChannel(community, `evidence-${++sequence}`);
    const messageId = await post(ned, channel.id, "Private words.");
    const refused = await cora.post(`/api/ideas/${idea.id}/messages`, { messageId });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.messageId).toBeDefined();
    const notAnId = await ned.post(`/api/ideas/${idea.id}/messages`, { messageId: "nope" });
    expect(notAnId.statusCode).toBe(400);

    await ned.post(`/api/ideas/${idea.id}/messages`, { messageId });
    const again = await nora.post(`/api/ideas/${idea.id}/messages`, { messageId });
    expect(again.json().messages).toHaveLength(1);
  });

  it("tells whoever linked a message when the idea changes status", async () => {
    const idea = await postIdea(cora);
    const channel = await northwindChannel(community, `evidence-${++sequence}`);
    await nora.post(`/api/ideas/${idea.id}/messages`, { messageId: await post(ned, channel.id, "Yes.") });
    await setStatus(idea.id, { status: "planned" });
    const told = (await notificationsOf(idea.id)).map((row) => row.userId).sort();
    expect(told).toEqual(
      [community.demo.people.contosoMember.id, community.demo.people.northwindAdmin.id].sort(),
    );
  });
});

describe("a ticket's ideas", () => {
  it("lists the ideas a ticket is linked to for whoever may open the ticket, and is missing for anyone else", async () => {
    const idea = await postIdea(cora, { title: "Linked from the ticket page" });
    await staff.post(`/api/admin/ideas/${idea.id}/tickets`, { ticketNumber: 1 });
    const ticketId = (await ideaAs(staff, idea.id)).tickets[0]?.id;
    const titles = async (client: Client) =>
      ((await client.get(`/api/desk/tickets/${ticketId}/ideas`)).json().ideas as IdeaSummary[]).map(
        (i) => i.title,
      );
    expect(await titles(staff)).toContain("Linked from the ticket page");
    expect(await titles(nora)).toContain("Linked from the ticket page");
    expect((await cora.get(`/api/desk/tickets/${ticketId}/ideas`)).statusCode).toBe(404);
  });
});

describe("ideas in the one search", () => {
  it("finds an idea by its problem, with its area and status, linking to its page", async () => {
    const idea = await postIdea(ned, {
      title: "Quarantine lots",
      problem: "Let pharmacists quarantine a lot.",
    });
    const response = await fay.get(`/api/search?q=${encodeURIComponent("quarantine")}&kind=idea`);
    expect(response.statusCode, response.body).toBe(200);
    const hits = response.json().groups[0]?.hits as SearchHit[];
    expect(hits.map((hit) => hit.path)).toContain(`/ideas/${idea.id}`);
    expect(hits.find((hit) => hit.id === idea.id)).toMatchObject({
      kind: "idea",
      context: "Service desk · Under review",
    });
  });
});

describe("personal data", () => {
  it("takes a person's ideas, comments and votes with them, and erasing with content removes their texts", async () => {
    const idea = await postIdea(fay, { problem: "Fay's own words." });
    await fay.post(`/api/ideas/${idea.id}/comments`, { body: "Fay's comment." });
    const area = personalDataAreas().find((candidate) => candidate.name === "ideas");
    if (!area) throw new Error("ideas declare their personal data");
    const { fabrikamDev } = community.demo.people;
    const collected = (await area.collect(community.ctx, fabrikamDev)) as Record<string, { idea?: string }[]>;
    expect(collected.comments?.map((comment) => comment.idea)).toContain(idea.title);
    expect(collected.votes?.map((vote) => vote.idea)).toContain(idea.title);

    await area.erase(community.ctx, {
      userId: fabrikamDev.id,
      pseudonym: "Former member 0000",
      pseudonymEmail: "erased@invalid",
      formerEmail: fabrikamDev.email,
      removeContent: true,
    });
    const erased = await ideaAs(ned, idea.id);
    expect(erased.problem).toBe("(Removed at the author's request.)");
    expect(erased.comments.map((comment) => comment.body)).toEqual(["(Removed at the author's request.)"]);
  });
});

describe("personal data of evidence", () => {
  it("lists the chat messages and tickets a person linked to ideas in their export", async () => {
    const idea = await postIdea(cora);
    const channel = await northwindChannel(community, `evidence-${++sequence}`);
    const sent = await ned.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "Evidence Ned links himself.",
    });
    const messageId = sent.json().id as string;
    expect((await ned.post(`/api/ideas/${idea.id}/messages`, { messageId })).statusCode).toBe(200);
    const area = personalDataAreas().find((candidate) => candidate.name === "ideas");
    if (!area) throw new Error("ideas declare their personal data");
    const collected = (await area.collect(community.ctx, community.demo.people.northwindMember)) as Record<
      string,
      { idea?: string; messageId?: string }[]
    >;
    expect(collected.linkedMessages).toContainEqual(expect.objectContaining({ idea: idea.title, messageId }));
    expect(collected.linkedTickets).toBeInstanceOf(Array);
  });
});

describe("the demo roadmap", () => {
  it("has an idea in each column, a declined one and a merged duplicate", async () => {
    const list = (await ned.get("/api/ideas")).json().ideas as Idea[];
    const statuses = new Set(list.map((idea) => idea.status));
    for (const status of ["under_review", "planned", "in_preview", "released", "declined"])
      expect(statuses).toContain(status);
    const preview = list.find((idea) => idea.status === "in_preview");
    expect(preview && (await ideaAs(ned, preview.id)).duplicates).toHaveLength(1);
  });
});
