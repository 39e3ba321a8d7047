import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchGroup, SearchHit } from "../../../shared/contracts/search.js";
import { RANKED_MATCHES } from "../../platform/search/text-query.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
let ned: Client; // Northwind member, requester of the demo's shared ticket
let nora: Client; // Northwind admin
let cora: Client; // Contoso member

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
});
afterAll(() => community.close());

async function search(client: Client, q: string): Promise<SearchGroup[]> {
  const response = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().groups;
}

const ticketHits = async (client: Client, q: string): Promise<SearchHit[]> =>
  (await search(client, q)).find((group) => group.kind === "ticket")?.hits ?? [];

const marked = (text: { text: string; marks: { start: number; end: number }[] }) =>
  text.marks.map((mark) => text.text.slice(mark.start, mark.end).toLowerCase());

async function openTicket(client: Client, subject: string, description: string, shared = false) {
  const response = await client.post("/api/desk/tickets", {
    type: "support_question",
    subject,
    description,
    sharedWithOrganisation: shared,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; number: number };
}

describe("tickets in the one search", () => {
  it("finds the requester's ticket with the match highlighted, its organisation and status, linking to its page", async () => {
    const ticket = await openTicket(
      ned,
      "Cohort calendar shows the wrong weekday",
      "Since this morning the cohort calendar starts weeks on a Sunday.",
    );
    const [hit, ...others] = await ticketHits(ned, "weekday");
    expect(others).toEqual([]);
    expect(hit).toMatchObject({
      kind: "ticket",
      id: ticket.id,
      path: `/desk/tickets/${ticket.id}`,
      context: `#${ticket.number} · Northwind Research Unit · New`,
    });
    expect(hit?.title.text).toBe("Cohort calendar shows the wrong weekday");
    expect(marked(hit?.title ?? { text: "", marks: [] })).toEqual(["weekday"]);
    const [inBody] = await ticketHits(ned, "sunday");
    expect(inBody?.id).toBe(ticket.id);
    expect(marked(inBody?.snippet ?? { text: "", marks: [] })).toEqual(["sunday"]);
  });

  it("shows a ticket shared with the organisation to colleagues and staff, never to another organisation", async () => {
    const shared = await openTicket(
      ned,
      "Dosing diary export is empty",
      "The dosing diary export downloads an empty file.",
      true,
    );
    expect((await ticketHits(nora, "dosing diary")).map((hit) => hit.id)).toEqual([shared.id]);
    expect((await ticketHits(staff, "dosing diary")).map((hit) => hit.id)).toEqual([shared.id]);
    expect(await ticketHits(cora, "dosing diary")).toEqual([]);
  });

  it("keeps a ticket that is not shared from the requester's colleagues", async () => {
    const own = await openTicket(ned, "Question about kiosk licences", "How many kiosk licences do we have?");
    expect((await ticketHits(ned, "kiosk")).map((hit) => hit.id)).toEqual([own.id]);
    expect(await ticketHits(nora, "kiosk")).toEqual([]);
    expect(await ticketHits(cora, "kiosk")).toEqual([]);
    expect((await ticketHits(staff, "kiosk")).map((hit) => hit.id)).toEqual([own.id]);
  });

  it("never finds a ticket by the words of an internal note", async () => {
    // The demo ticket's internal note names "build 812"; its public text does not.
    const demoTicket = (await ticketHits(ned, "schedule conflict"))[0];
    expect(demoTicket?.title.text).toBe("Study build fails to publish in the development environment");
    expect(await ticketHits(ned, "overlapping validation")).toEqual([]);
    expect(await ticketHits(nora, "overlapping validation")).toEqual([]);
  });

  it("narrows to tickets with type:, and to a requester with from:", async () => {
    const coras = await openTicket(
      cora,
      "Randomisation list upload fails",
      "Uploading the randomisation list fails.",
    );
    const neds = await openTicket(
      ned,
      "Randomisation seed question",
      "Which randomisation seed does the sandbox use?",
    );
    const onlyTickets = await search(staff, "randomisation type:ticket");
    expect(onlyTickets.map((group) => group.kind)).toEqual(["ticket"]);
    expect(onlyTickets[0]?.hits.map((hit) => hit.id).sort()).toEqual([coras.id, neds.id].sort());
    expect(
      (await ticketHits(staff, "randomisation from:member@contoso.example")).map((hit) => hit.id),
    ).toEqual([coras.id]);
    expect((await ticketHits(staff, "randomisation from:ned")).map((hit) => hit.id)).toEqual([neds.id]);
    // from: alone lists the requester's tickets; another organisation's requester gives a customer none.
    expect((await ticketHits(cora, "from:member@contoso.example")).map((hit) => hit.id)).toContain(coras.id);
    expect(await ticketHits(cora, "from:member@northwind.example")).toEqual([]);
    // A ticket lives in no channel, group, project or study.
    expect(await ticketHits(staff, "randomisation in:general")).toEqual([]);
  });

  it("ranks every match of a word with few, and only the newest matches of a broad word", async () => {
    const best = await openTicket(
      ned,
      "Glockenspiel glockenspiel",
      "Glockenspiel glockenspiel glockenspiel.",
    );
    const weaker = await openTicket(ned, "One glockenspiel", "It rang once.");
    expect((await ticketHits(ned, "glockenspiel")).map((hit) => hit.id)).toEqual([best.id, weaker.id]);
    // As many weaker matches again as are ranked, opened after it: the best one is older than all of them.
    const { people, organisations } = community.demo;
    await community.db.execute(sql`
      insert into tickets (id, type, subject, description, requester_id, requester_name, requester_email, organisation_id)
      select gen_random_uuid(), 'support_question', 'Another glockenspiel ' || n, 'Once more.',
        ${people.northwindMember.id}, ${people.northwindMember.name}, ${people.northwindMember.email},
        ${organisations.northwind.id}
      from generate_series(1, ${RANKED_MATCHES}) as n`);
    const broad = (await ticketHits(ned, "glockenspiel")).map((hit) => hit.id);
    expect(broad).toHaveLength(5);
    expect(broad).not.toContain(best.id);
  });
});
