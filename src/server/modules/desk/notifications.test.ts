import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createUser } from "../accounts/users.js";
import { submitAccessRequest } from "./access-requests.js";

let community: TestCommunity;
/** staff@vendor.example */
let staff: Client;
/** member@northwind.example: the requester. */
let requester: Client;
/** admin@northwind.example, a colleague of the requester. */
let colleague: Client;
/** member@contoso.example */
let outsider: Client;
/** A second member of the product team. */
let otherStaff: Client;

type Entry = {
  item: { type: string; id: string; title: string; url: string };
  notifications: { kind: string; excerpt: string; readAt: string | null }[];
  unread: number;
};

beforeAll(async () => {
  community = await startTestCommunity();
  await createUser(community.ctx, {
    email: "second-staff@vendor.example",
    name: "Sam Second",
    password: DEMO_PASSWORD,
    organisationId: community.demo.people.staff.organisationId,
    isStaff: true,
  });
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  colleague = await community.signIn("admin@northwind.example");
  outsider = await community.signIn("member@contoso.example");
  otherStaff = await community.signIn("second-staff@vendor.example");
});
afterAll(() => community?.close());

async function openTicket(subject: string, sharedWithOrganisation = false) {
  const response = await requester.post("/api/desk/tickets", {
    type: "support_question",
    subject,
    description: "The export **stops** at 10,000 rows.",
    sharedWithOrganisation,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; number: number };
}

async function comment(client: Client, ticketId: string, body: string, internal = false) {
  const response = await client.post(`/api/desk/tickets/${ticketId}/comments`, { body, internal });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string };
}

async function entryFor(client: Client, itemId: string): Promise<Entry | undefined> {
  const response = await client.get("/api/notifications");
  expect(response.statusCode).toBe(200);
  return (response.json().entries as Entry[]).find((entry) => entry.item.id === itemId);
}

const kindsAbout = async (client: Client, itemId: string) =>
  ((await entryFor(client, itemId))?.notifications ?? []).map((n) => n.kind).reverse();

describe("desk notifications", () => {
  it("tell the product team of a new ticket, and nobody else", async () => {
    const ticket = await openTicket("Export stops early");
    expect(await kindsAbout(staff, ticket.id)).toEqual(["desk.new_ticket"]);
    expect(await kindsAbout(otherStaff, ticket.id)).toEqual(["desk.new_ticket"]);
    expect(await kindsAbout(requester, ticket.id)).toEqual([]);
    expect(await kindsAbout(colleague, ticket.id)).toEqual([]);
    const entry = await entryFor(staff, ticket.id);
    expect(entry?.item).toMatchObject({
      type: "desk_ticket",
      title: `#${ticket.number} Export stops early`,
      url: `/desk/tickets/${ticket.id}`,
    });
  });

  it("tell the requester and watchers of a public reply, linked to the comment, never of an internal note", async () => {
    const ticket = await openTicket("Reply to me");
    expect((await otherStaff.post(`/api/desk/tickets/${ticket.id}/watch`, {})).statusCode).toBe(200);
    const note = await comment(staff, ticket.id, "Customer is on the old build", true);
    expect(await kindsAbout(requester, ticket.id)).toEqual([]);
    expect(await kindsAbout(otherStaff, ticket.id)).toEqual(["desk.new_ticket", "desk.ticket_reply"]);

    const reply = await comment(staff, ticket.id, "Fixed in **2.4.1**: please update.");
    const entry = await entryFor(requester, ticket.id);
    expect(entry?.notifications.map((n) => n.kind)).toEqual(["desk.ticket_reply"]);
    expect(entry?.notifications[0]?.excerpt).toBe("Fixed in 2.4.1: please update.");
    expect(entry?.item.url).toBe(`/desk/tickets/${ticket.id}#comment-${reply.id}`);
    expect(entry?.notifications.some((n) => n.excerpt.includes("old build"))).toBe(false);
    expect(await kindsAbout(staff, ticket.id)).toEqual(["desk.new_ticket"]);
    expect(await kindsAbout(colleague, ticket.id)).toEqual([]);
    expect(await kindsAbout(outsider, ticket.id)).toEqual([]);
    expect(note.id).not.toBe(reply.id);
  });

  it("tell colleagues a ticket is shared with, and never another organisation", async () => {
    const ticket = await openTicket("Shared with the team", true);
    await comment(staff, ticket.id, "Looking into it");
    expect(await kindsAbout(colleague, ticket.id)).toEqual(["desk.ticket_reply"]);
    expect(await kindsAbout(requester, ticket.id)).toEqual(["desk.ticket_reply"]);
    expect(await kindsAbout(outsider, ticket.id)).toEqual([]);
  });

  it("tell the requester of a status change, and mark it read when they open the ticket", async () => {
    const ticket = await openTicket("Status please");
    const changed = await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "waiting_on_customer" });
    expect(changed.statusCode, changed.body).toBe(200);
    const entry = await entryFor(requester, ticket.id);
    expect(entry?.notifications[0]).toMatchObject({
      kind: "desk.ticket_status",
      excerpt: "New → Waiting on customer",
      readAt: null,
    });
    expect(entry?.unread).toBe(1);

    expect((await requester.get(`/api/desk/tickets/${ticket.id}`)).statusCode).toBe(200);
    expect((await entryFor(requester, ticket.id))?.unread).toBe(0);
    // Opening it marks only the opener's.
    expect((await entryFor(staff, ticket.id))?.unread).toBe(1);
  });

  it("tell the product team of an access request, and nobody else", async () => {
    await submitAccessRequest(community.ctx, {
      name: "Riley Requester",
      email: "riley@contoso.example",
      organisation: "Contoso Clinical",
      role: "Study coordinator",
      reason: "I run the Phase 1 unit's studies.",
    });
    const inbox = (await staff.get("/api/notifications")).json().entries as Entry[];
    const entry = inbox.find((e) => e.item.type === "desk_access_request");
    expect(entry?.item.title).toBe("Access request: Riley Requester (Contoso Clinical)");
    expect(entry?.notifications[0]).toMatchObject({
      kind: "desk.access_request",
      excerpt: "I run the Phase 1 unit's studies.",
    });
    const id = entry?.item.id ?? "";
    expect(await kindsAbout(otherStaff, id)).toEqual(["desk.access_request"]);
    expect(await kindsAbout(outsider, id)).toEqual([]);
    expect(await kindsAbout(colleague, id)).toEqual([]);
  });
});
