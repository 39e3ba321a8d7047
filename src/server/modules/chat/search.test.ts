import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchGroup, SearchHit } from "../../../shared/contracts/search.js";
import { RANKED_MATCHES } from "../../platform/search/text-query.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let ned: Client;
let nora: Client;
let cora: Client;

beforeAll(async () => {
  community = await startTestCommunity({ chatPostsPerSecond: 1000, chatPostBurst: 1000 });
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
});
afterAll(() => community.close());

async function channel(client: Client, name: string, kind: "public" | "private" = "public") {
  const response = await client.post("/api/chat/channels", { name, kind });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; slug: string };
}

async function post(client: Client, channelId: string, body: string): Promise<{ id: string }> {
  const response = await client.post(`/api/chat/channels/${channelId}/messages`, {
    clientId: randomUUID(),
    body,
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function search(client: Client, q: string, kind?: string): Promise<SearchGroup[]> {
  const response = await client.get(`/api/search?q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ""}`);
  expect(response.statusCode).toBe(200);
  return response.json().groups;
}

const hitsOf = (groups: SearchGroup[], kind: string): SearchHit[] =>
  groups.find((group) => group.kind === kind)?.hits ?? [];
const marked = ({ text, marks }: { text: string; marks: { start: number; end: number }[] }) =>
  marks.map(({ start, end }) => text.slice(start, end));

describe("the one search over chat", () => {
  it("finds a message by a word's start, marks the match and links to it in its channel", async () => {
    const open = await channel(ned, "search-one-open");
    const message = await post(ned, open.id, "The centrifugation protocol for cohort B is ready");
    const [hit] = hitsOf(await search(cora, "centrifug"), "message");
    expect(hit).toMatchObject({
      id: message.id,
      title: { text: "#search-one-open" },
      path: `/chat/${open.id}?message=${message.id}`,
    });
    expect(marked(hit?.snippet ?? { text: "", marks: [] })).toEqual(["centrifugation"]);
  });

  it("never shows a private channel's messages, or the channel, to someone outside it", async () => {
    const secret = await channel(ned, "search-one-secret", "private");
    await post(ned, secret.id, "Lyophilisation schedule for the secret cohort");
    expect(hitsOf(await search(ned, "lyophilisation"), "message")).toHaveLength(1);
    expect(hitsOf(await search(ned, "search-one-secret"), "channel")).toHaveLength(1);
    for (const outsider of [cora, nora]) {
      expect(hitsOf(await search(outsider, "lyophilisation"), "message")).toEqual([]);
      expect(hitsOf(await search(outsider, "search-one-secret"), "channel")).toEqual([]);
    }
  });

  it("calls a direct message's hit by the other person, and shows it to nobody else", async () => {
    const dm = await ned.post("/api/chat/dms", { userIds: [community.demo.people.contosoMember.id] });
    expect(dm.statusCode).toBeLessThan(300);
    await post(ned, dm.json().id, "Quick question about the phlebotomy roster");
    const [hit] = hitsOf(await search(ned, "phlebotomy"), "message");
    expect(hit?.title.text).toBe(community.demo.people.contosoMember.name);
    expect(hit?.context).toBe("Direct message");
    expect(hitsOf(await search(nora, "phlebotomy"), "message")).toEqual([]);
  });

  it('reads "phrases", -exclusions and in:, from:, type: and days, as the syntax says', async () => {
    const room = await channel(ned, "search-one-syntax");
    await post(ned, room.id, "Dose escalation meeting moved to Friday");
    expect((await cora.post(`/api/chat/channels/${room.id}/join`)).statusCode).toBeLessThan(300);
    await post(cora, room.id, "Escalation of the dose is paused");
    const texts = async (q: string) =>
      hitsOf(await search(ned, q), "message").map((hit) => hit.snippet?.text ?? "");
    expect(await texts('"dose escalation" in:#search-one-syntax')).toEqual([
      "Dose escalation meeting moved to Friday",
    ]);
    expect(await texts("escalation -paused in:search-one-syntax")).toEqual([
      "Dose escalation meeting moved to Friday",
    ]);
    expect(await texts("escalation in:#search-one-syntax from:cora")).toEqual([
      "Escalation of the dose is paused",
    ]);
    expect(await texts("escalation in:#search-one-syntax after:2999-01-01")).toEqual([]);
    // A place no channel has finds nothing, with words or without.
    expect(await texts("escalation in:#no-such-channel")).toEqual([]);
    expect(await texts("in:#no-such-channel")).toEqual([]);
    const onlyChannels = await search(ned, "search-one-syntax type:channel");
    expect(onlyChannels.map((group) => group.kind)).toEqual(["channel"]);
  });

  it("finds people by name without showing their address, and opens a direct message", async () => {
    const { contosoMember } = community.demo.people;
    const [hit] = hitsOf(await search(ned, contosoMember.name.split(" ")[0] ?? ""), "person");
    expect(hit).toMatchObject({ id: contosoMember.id, path: `/chat?with=${contosoMember.id}` });
    expect(JSON.stringify(hit)).not.toContain(contosoMember.email);
  });

  it("ranks every match of a word with few, and only the newest matches of a broad word", async () => {
    const place = await channel(ned, "search-one-ranking");
    const ids = async (q: string) =>
      (await search(ned, q, "message")).flatMap((group) => group.hits.map((hit) => hit.id));
    const best = await post(ned, place.id, "Xylophone xylophone xylophone: the xylophone rehearsal");
    const weaker = await post(ned, place.id, "One xylophone");
    expect(await ids("xylophone")).toEqual([best.id, weaker.id]);
    // As many weaker matches again as are ranked: the best one is now older than all of them.
    await community.db.execute(sql`
      insert into messages (id, channel_id, author_id, client_id, body)
      select gen_random_uuid(), ${place.id}, ${community.demo.people.northwindMember.id},
        'ranking-' || n, 'Another xylophone ' || n
      from generate_series(1, ${RANKED_MATCHES}) as n`);
    const broad = await ids("xylophone");
    expect(broad.length).toBeGreaterThan(0);
    expect(broad).not.toContain(best.id);
  });

  it('pages one kind with "more", and refuses a query it cannot read, naming q', async () => {
    const busy = await channel(ned, "search-one-more");
    for (let i = 0; i < 7; i++) await post(ned, busy.id, `Aliquot label ${i}`);
    const [group] = await search(ned, "aliquot in:#search-one-more");
    expect(group).toMatchObject({ kind: "message", more: true });
    expect(group?.hits).toHaveLength(5);
    const [all] = await search(ned, "aliquot in:#search-one-more", "message");
    expect(all).toMatchObject({ more: false });
    expect(all?.hits).toHaveLength(7);
    for (const q of ["type:widget x", "before:soon x", "-only"]) {
      const refused = await ned.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(refused.statusCode).toBe(400);
      expect(Object.keys(refused.json().error.fields)).toEqual(["q"]);
    }
    expect((await ned.get("/api/search?q=x&limit=51")).json().error.fields).toHaveProperty("limit");
  });
});
