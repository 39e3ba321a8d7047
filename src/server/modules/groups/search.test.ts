import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Highlighted, SearchGroup } from "../../../shared/contracts/search.js";
import type { SearchKind } from "../../../shared/search-query.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let owner: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

const subjects = (response: { json: () => { results: { subject: string }[] } }) =>
  response.json().results.map((hit) => hit.subject);

describe("search inside groups", () => {
  it("finds published messages of groups the person reads, by word stem", async () => {
    const found = await owner.get("/api/groups/search?q=centrifuges");
    expect(found.statusCode, found.body).toBe(200);
    expect(subjects(found)).toContain("Centrifuge downtime and sample stability");
  });

  it("never returns messages of groups the person may not read", async () => {
    await owner.post("/api/groups", { handle: "secret-lab", name: "Secret lab", visibility: "unlisted" });
    await owner.post("/api/groups/secret-lab/topics", {
      subject: "Zanzibar",
      body: "zanzibar protocol notes",
    });
    expect(subjects(await owner.get("/api/groups/search?q=zanzibar"))).toEqual(["Zanzibar"]);
    expect(subjects(await outsider.get("/api/groups/search?q=zanzibar"))).toEqual([]);
    // Listed but not joined: still not readable.
    expect(subjects(await outsider.get("/api/groups/search?q=centrifuge"))).toEqual([]);
  });

  it("leaves out messages waiting for moderation", async () => {
    await owner.post("/api/groups", {
      handle: "held-search",
      name: "Held search",
      postingPolicy: "moderated",
    });
    const member = await community.signIn("admin@northwind.example");
    await member.post("/api/groups/held-search/join");
    await member.post("/api/groups/held-search/topics", { subject: "Quokka", body: "quokka pending" });
    expect(subjects(await owner.get("/api/groups/search?q=quokka"))).toEqual([]);
  });

  it("names a too-short query", async () => {
    const response = await owner.get("/api/groups/search?q=a");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.q).toBeDefined();
  });
});

describe("GET /api/search: groups, their topics and messages", () => {
  const groupKinds: SearchKind[] = ["topic", "group_message", "group"];
  let member: Client; // pharmacist@northwind.example: in the listed group only
  let replier: Client; // admin@northwind.example: in the listed group, answered there
  const topicIds: Record<string, string> = {};
  let replyId: string;

  async function searchAll(client: Client, q: string, kind?: SearchKind) {
    const response = await client.get(`/api/search?${new URLSearchParams({ q, ...(kind ? { kind } : {}) })}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().groups as SearchGroup[]).filter((group) => groupKinds.includes(group.kind));
  }
  const hitsOf = (groups: SearchGroup[], kind: SearchKind) =>
    groups.find((group) => group.kind === kind)?.hits ?? [];
  const titles = (groups: SearchGroup[]) =>
    groups.flatMap((group) => group.hits.map((hit) => `${group.kind}: ${hit.title.text}`)).sort();
  const marked = (text: Highlighted | null | undefined) =>
    text?.marks.map(({ start, end }) => text.text.slice(start, end)) ?? [];

  async function startTopic(client: Client, handle: string, subject: string, body: string) {
    const response = await client.post(`/api/groups/${handle}/topics`, { subject, body });
    expect(response.statusCode, response.body).toBe(201);
    topicIds[subject] = response.json().message.topicId;
  }

  beforeAll(async () => {
    member = await community.signIn("pharmacist@northwind.example");
    replier = await community.signIn("admin@northwind.example");
    await owner.post("/api/groups", {
      handle: "okapi-watchers",
      name: "Okapi watchers",
      description: "People who watch **okapis** in the wild.",
    });
    await owner.post("/api/groups", { handle: "okapi-den", name: "Okapi den", visibility: "unlisted" });
    await owner.post("/api/groups", {
      handle: "okapi-queue",
      name: "Okapi queue",
      postingPolicy: "moderated",
    });
    await startTopic(owner, "okapi-watchers", "Okapi sightings", "An okapi crossed the river at dawn.");
    await startTopic(owner, "okapi-den", "Okapi secrets", "The okapi den is behind the falls.");
    for (const client of [member, replier]) {
      for (const handle of ["okapi-watchers", "okapi-queue"])
        expect((await client.post(`/api/groups/${handle}/join`)).statusCode).toBe(200);
    }
    const reply = await replier.post(
      `/api/groups/okapi-watchers/topics/${topicIds["Okapi sightings"]}/messages`,
      {
        body: "Another okapi was seen near the lodge.",
      },
    );
    expect(reply.statusCode, reply.body).toBe(201);
    replyId = reply.json().message.id;
    // Waits for the owner, who moderates the group.
    await startTopic(replier, "okapi-queue", "Okapi feeding", "What do they eat?");
  });

  it("finds a topic by its subject, a message by its text and a group by its name, each linked to its page, the match marked", async () => {
    const groups = await searchAll(member, "okapi");
    const topic = hitsOf(groups, "topic").find((hit) => hit.title.text === "Okapi sightings");
    expect(topic).toMatchObject({
      id: topicIds["Okapi sightings"],
      context: "Okapi watchers",
      path: `/groups/okapi-watchers/topics/${topicIds["Okapi sightings"]}`,
    });
    expect(marked(topic?.title)).toEqual(["Okapi"]);

    const message = hitsOf(groups, "group_message").find((hit) => hit.id === replyId);
    expect(message).toMatchObject({
      title: { text: "Okapi sightings", marks: [] },
      context: "Okapi watchers",
      path: `/groups/okapi-watchers/topics/${topicIds["Okapi sightings"]}?message=${replyId}`,
    });
    expect(message?.snippet?.text).toBe("Another okapi was seen near the lodge.");
    expect(marked(message?.snippet)).toEqual(["okapi"]);

    const group = hitsOf(groups, "group").find((hit) => hit.title.text === "Okapi watchers");
    expect(group).toMatchObject({ context: "@okapi-watchers", path: "/groups/okapi-watchers" });
    expect(marked(group?.title)).toEqual(["Okapi"]);
    // The description as the directory shows it.
    expect(group?.snippet?.text).toBe("People who watch okapis in the wild.");
  });

  it("never shows an unlisted group, nor its topics and messages, to someone not in it", async () => {
    for (const client of [member, outsider]) {
      const found = JSON.stringify(await searchAll(client, "okapi"));
      expect(found).not.toMatch(/okapi-den|Okapi den|Okapi secrets|behind the falls/);
    }
    // Its members find all of it.
    expect(titles(await searchAll(owner, "okapi"))).toEqual(
      expect.arrayContaining(["group: Okapi den", "group_message: Okapi secrets", "topic: Okapi secrets"]),
    );
  });

  it("never shows the topics and messages of a group to someone who is not a member, though the group is listed", async () => {
    expect(titles(await searchAll(outsider, "okapi"))).toEqual([
      "group: Okapi queue",
      "group: Okapi watchers",
    ]);
  });

  it("shows a topic waiting for moderation only to its author and the group's moderators, as the group's page does", async () => {
    for (const client of [owner, replier])
      expect(titles(await searchAll(client, "okapi feeding", "topic"))).toEqual(["topic: Okapi feeding"]);
    expect(await searchAll(member, "okapi feeding", "topic")).toEqual([]);
    // Its message is not published: no one finds it.
    for (const client of [owner, replier, member]) expect(await searchAll(client, "eat")).toEqual([]);
  });

  it("narrows to a group with in:, by its handle", async () => {
    expect(titles(await searchAll(owner, "okapi in:okapi-den"))).toEqual([
      "group_message: Okapi secrets",
      "topic: Okapi secrets",
    ]);
    expect(titles(await searchAll(owner, "okapi in:@okapi-watchers"))).toEqual([
      "group_message: Okapi sightings",
      "group_message: Okapi sightings",
      "topic: Okapi sightings",
    ]);
    // A group one may not read stays out of reach by handle, too.
    expect(await searchAll(member, "okapi in:okapi-den")).toEqual([]);
    // A handle no group has finds nothing, with words or without.
    expect(await searchAll(owner, "okapi in:no-such-group")).toEqual([]);
    expect(await searchAll(owner, "in:no-such-group")).toEqual([]);
  });

  it("narrows to an author with from:", async () => {
    const groups = await searchAll(member, "okapi from:admin@northwind.example");
    expect(groups.map((group) => group.kind)).toEqual(["group_message"]);
    expect(hitsOf(groups, "group_message").map((hit) => hit.id)).toEqual([replyId]);
    // Filters alone, without words, list what they name.
    const everything = await searchAll(member, "from:admin@northwind.example in:okapi-watchers");
    expect(titles(everything)).toEqual(["group_message: Okapi sightings"]);
    expect(titles(await searchAll(member, "okapi from:member@northwind.example"))).toEqual([
      "group_message: Okapi sightings",
      "topic: Okapi sightings",
    ]);
  });

  it("runs the groups' own search box on the same queries and syntax", async () => {
    expect(subjects(await member.get("/api/groups/search?q=okapi"))).toEqual(
      expect.arrayContaining(["Okapi sightings"]),
    );
    expect(
      subjects(await member.get(`/api/groups/search?${new URLSearchParams({ q: "okapi in:okapi-den" })}`)),
    ).toEqual([]);
    expect(
      subjects(await owner.get(`/api/groups/search?${new URLSearchParams({ q: "okapi in:okapi-den" })}`)),
    ).toEqual(["Okapi secrets"]);
    const byReplier = await member.get(
      `/api/groups/search?${new URLSearchParams({ q: "okapi from:admin@northwind.example" })}`,
    );
    expect(byReplier.json().results).toEqual([
      expect.objectContaining({ messageId: replyId, snippet: "Another «okapi» was seen near the lodge." }),
    ]);
  });
});
