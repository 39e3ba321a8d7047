import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationKind } from "../../../shared/contracts/notifications.js";
import { notifications, ticketComments, tickets } from "../../db/schema.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import type { Release } from "./contracts/releases.js";

let community: TestCommunity;
let staff: Client;
/** member@northwind.example */
let ned: Client;
/** admin@northwind.example, Ned's colleague. */
let nora: Client;
/** member@contoso.example, of another customer. */
let cora: Client;
let anonymous: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
  anonymous = community.anonymous();
});
afterAll(() => community?.close());

let sequence = 0;
async function draft(): Promise<Release> {
  const response = await staff.post("/api/admin/releases", {
    version: `91.${++sequence}`,
    title: `Loop ${sequence}`,
    releaseDate: "2026-07-01",
    notes: "What ships.",
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function idea(client: Client, title: string): Promise<{ id: string }> {
  const response = await client.post("/api/ideas", { title, problem: "Please.", module: "desk" });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function ticket(
  client: Client,
  subject: string,
  options: { sharedWithOrganisation?: boolean } = {},
): Promise<{ id: string; number: number }> {
  const response = await client.post("/api/desk/tickets", {
    type: "product_feedback",
    subject,
    description: "It would help.",
    ...options,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const notified = (kind: NotificationKind, itemId: string) =>
  community.db
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(and(eq(notifications.kind, kind), eq(notifications.itemId, itemId)));
const sortedIds = async (rows: Promise<{ userId: string }[]>) => (await rows).map((row) => row.userId).sort();

describe("what a release closes", () => {
  it("releases its ideas with it and tells each ticket's requester and watchers once, leaving the ticket open", async () => {
    const { northwindMember, northwindAdmin, contosoMember } = community.demo.people;
    const release = await draft();
    const wanted = await idea(ned, "Faster exports");
    await cora.put(`/api/ideas/${wanted.id}/vote`);
    const asked = await ticket(nora, "Exports are slow");
    // A watcher who publishes is not told of their own doing.
    await staff.post(`/api/desk/tickets/${asked.id}/watch`);

    const linked = await staff.put(`/api/admin/releases/${release.id}/closes`, {
      ideaIds: [wanted.id],
      ticketNumbers: [asked.number],
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().closes).toMatchObject({
      ideas: [{ id: wanted.id, title: "Faster exports" }],
      tickets: [{ number: asked.number, subject: "Exports are slow" }],
    });

    const published = await staff.post(`/api/admin/releases/${release.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);

    const shipped = (await ned.get(`/api/ideas/${wanted.id}`)).json();
    expect(shipped.status).toBe("released");
    expect(shipped.release).toMatchObject({ id: release.id, url: `/releases/${release.version}` });
    // The author and the voter, once each; the publisher is never told of their own doing.
    expect(await sortedIds(notified("ideas.status", wanted.id))).toEqual(
      [northwindMember.id, contosoMember.id].sort(),
    );
    // The requester alone: the watching publisher is the one who did it.
    expect(await sortedIds(notified("desk.ticket_released", asked.id))).toEqual([northwindAdmin.id]);

    const [row] = await community.db.select().from(tickets).where(eq(tickets.id, asked.id));
    expect(row?.status).toBe("new");
    const comments = await community.db
      .select()
      .from(ticketComments)
      .where(eq(ticketComments.ticketId, asked.id));
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ internal: false });
    expect(comments[0]?.body).toContain(`Fixed in [Convene ${release.version}`);
  });

  it("tells the watchers too, but not colleagues who merely may open the ticket", async () => {
    const { northwindMember, northwindAdmin } = community.demo.people;
    const release = await draft();
    const asked = await ticket(ned, "Labels are cut off", { sharedWithOrganisation: true });
    expect((await nora.post(`/api/desk/tickets/${asked.id}/watch`)).statusCode).toBe(200);
    const shared = await ticket(ned, "Shared but unwatched", { sharedWithOrganisation: true });
    await staff.put(`/api/admin/releases/${release.id}/closes`, {
      ticketNumbers: [asked.number, shared.number],
    });
    await staff.post(`/api/admin/releases/${release.id}/publish`);
    expect(await sortedIds(notified("desk.ticket_released", asked.id))).toEqual(
      [northwindMember.id, northwindAdmin.id].sort(),
    );
    expect(await sortedIds(notified("desk.ticket_released", shared.id))).toEqual([northwindMember.id]);
  });

  it("shows each reader only the tickets they may open, and anonymous readers nothing of either", async () => {
    const release = await draft();
    const wanted = await idea(cora, "Dark mode");
    const nedsOwn = await ticket(ned, "Only mine");
    await staff.put(`/api/admin/releases/${release.id}/closes`, {
      ideaIds: [wanted.id],
      ticketNumbers: [1, nedsOwn.number],
    });
    await staff.post(`/api/admin/releases/${release.id}/publish`);

    const closesFor = async (client: Client) =>
      (await client.get(`/api/releases/${release.version}`)).json().closes as Release["closes"];
    const numbers = async (client: Client) => (await closesFor(client)).tickets.map((t) => t.number);
    expect(await numbers(staff)).toEqual([1, nedsOwn.number]);
    expect(await numbers(ned)).toEqual([1, nedsOwn.number]);
    expect(await numbers(nora)).toEqual([1]);
    const contoso = await cora.get(`/api/releases/${release.version}`);
    expect(contoso.json().closes.tickets).toEqual([]);
    expect(contoso.body).not.toContain("Only mine");
    expect((await closesFor(cora)).ideas.map((i) => i.title)).toEqual(["Dark mode"]);
    expect(await closesFor(anonymous)).toEqual({ ideas: [], tickets: [] });
    // Nor do the public lists and the feed carry another organisation's ticket.
    expect((await cora.get("/api/releases")).body).not.toContain("Only mine");
    expect((await anonymous.get("/releases.atom")).body).not.toContain("Only mine");
  });

  it("names the field of a ticket or idea that does not exist, and refuses changes once published", async () => {
    const release = await draft();
    const noTicket = await staff.put(`/api/admin/releases/${release.id}/closes`, { ticketNumbers: [99999] });
    expect(noTicket.statusCode).toBe(400);
    expect(noTicket.json().error.fields.ticketNumbers).toContain("#99999");
    const noIdea = await staff.put(`/api/admin/releases/${release.id}/closes`, {
      ideaIds: ["018f0000-0000-7000-8000-000000000000"],
    });
    expect(noIdea.statusCode).toBe(400);
    expect(noIdea.json().error.fields.ideaIds).toBeDefined();
    const badNumber = await staff.put(`/api/admin/releases/${release.id}/closes`, { ticketNumbers: ["x"] });
    expect(badNumber.statusCode).toBe(400);

    await staff.post(`/api/admin/releases/${release.id}/publish`);
    const late = await staff.put(`/api/admin/releases/${release.id}/closes`, { ticketNumbers: [1] });
    expect(late.statusCode).toBe(409);
  });
});
