import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import type { SlaClock, SlaPolicy, SlaReportRow } from "./contracts/sla.js";
import { defaultSlaPolicy } from "./sla.js";
import { warnOfBreaches } from "./sla-warnings.js";

let community: TestCommunity;
/** staff@vendor.example */
let staff: Client;
/** member@northwind.example */
let requester: Client;

type TicketView = {
  id: string;
  priority: string;
  impact: string | null;
  dueAt: string | null;
  sla: SlaClock;
};

const allDay = { start: "00:00", end: "24:00" };
/** Open around the clock, so wall time is business time whenever the test runs. */
const aroundTheClock = {
  timeZone: "America/New_York",
  week: Array(7).fill(allDay),
  holidays: ["2026-07-04"],
  targets: defaultSlaPolicy.targets,
};

const put = (client: Client, url: string, body: unknown) =>
  community.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie ?? "", "x-convene-csrf": "1", origin: TEST_ORIGIN },
    payload: body as object,
  });

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  const northwind = community.demo.organisations.northwind.id;
  const response = await put(staff, `/api/desk/sla/policies/${northwind}`, aroundTheClock);
  expect(response.statusCode, response.body).toBe(200);
});
afterAll(() => community?.close());

async function openTicket(impact: string) {
  const response = await requester.post("/api/desk/tickets", {
    type: "support_question",
    subject: "The randomisation export is empty",
    description: "Nothing in the file since this morning.",
    impact,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TicketView;
}

describe("service levels", () => {
  it("lists each organisation's policy, the default for those without one", async () => {
    const { policies } = (await staff.get("/api/desk/sla/policies")).json() as { policies: SlaPolicy[] };
    const byName = new Map(policies.map((policy) => [policy.organisation.name, policy]));
    expect(byName.get("Northwind Research Unit")).toMatchObject({
      custom: true,
      timeZone: "America/New_York",
    });
    expect(byName.get("Fabrikam Labs")).toMatchObject({ custom: false, timeZone: "UTC" });
    expect(byName.has("Product Team")).toBe(false);
  });

  it("refuses a time zone that does not exist, naming the field", async () => {
    const northwind = community.demo.organisations.northwind.id;
    const response = await put(staff, `/api/desk/sla/policies/${northwind}`, {
      ...aroundTheClock,
      timeZone: "Europe/Atlantis",
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("timeZone");
  });

  it("starts the priority from the customer's impact and lets staff change it", async () => {
    const ticket = await openTicket("blocks_work");
    expect(ticket).toMatchObject({ impact: "blocks_work", priority: "high" });
    expect(ticket.sla.timeZone).toBe("America/New_York");
    expect(ticket.sla.firstResponse).toMatchObject({ state: "running", targetMinutes: 240 });
    const changed = await staff.patch(`/api/desk/tickets/${ticket.id}`, { priority: "urgent" });
    expect(changed.json()).toMatchObject({
      priority: "urgent",
      sla: { firstResponse: { targetMinutes: 60 } },
    });
  });

  it("pauses both clocks for both sides while the ticket waits on the customer", async () => {
    const ticket = await openTicket("degrades_work");
    await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "waiting_on_customer" });
    for (const client of [staff, requester]) {
      const seen = (await client.get(`/api/desk/tickets/${ticket.id}`)).json() as TicketView;
      expect(seen.sla.firstResponse.state).toBe("paused");
      expect(seen.sla.resolution.state).toBe("paused");
    }
    await requester.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "Here is the file." });
    const resumed = (await requester.get(`/api/desk/tickets/${ticket.id}`)).json() as TicketView;
    expect(resumed.sla.resolution.state).toBe("running");
  });

  it("stops the first-response clock at the first public staff reply, not an internal note", async () => {
    const ticket = await openTicket("question");
    await staff.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "Looking.", internal: true });
    let seen = (await staff.get(`/api/desk/tickets/${ticket.id}`)).json() as TicketView;
    expect(seen.sla.firstResponse.state).toBe("running");
    await staff.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "We are on it." });
    seen = (await staff.get(`/api/desk/tickets/${ticket.id}`)).json() as TicketView;
    expect(seen.sla.firstResponse.state).toBe("stopped");
  });

  it("sorts the queue by the target falling due soonest and filters by priority", async () => {
    const question = await openTicket("question");
    const urgent = await openTicket("blocks_work");
    await staff.patch(`/api/desk/tickets/${urgent.id}`, { priority: "urgent" });
    const { tickets } = (await staff.get("/api/desk/tickets?sort=due")).json() as { tickets: TicketView[] };
    const due = tickets.flatMap((ticket) => (ticket.dueAt ? [ticket.dueAt] : []));
    expect(due).toEqual([...due].sort());
    // Opened later, but its hour runs out long before the question's sixteen.
    const ids = tickets.map((ticket) => ticket.id);
    expect(ids.indexOf(urgent.id)).toBeLessThan(ids.indexOf(question.id));
    const high = (await staff.get("/api/desk/tickets?priority=high")).json() as { tickets: TicketView[] };
    expect(high.tickets.every((ticket) => ticket.priority === "high")).toBe(true);
  });

  it("warns the assignee and staff once as a target nears, once more when it is missed", async () => {
    const ticket = await openTicket("blocks_work");
    await staff.patch(`/api/desk/tickets/${ticket.id}`, {
      priority: "urgent",
      assigneeId: community.demo.people.staff.id,
    });
    const opened = Date.now();
    const minutes = (count: number) => new Date(opened + count * 60_000);
    const warnings = async () => {
      const inbox = (await staff.get("/api/notifications")).json() as {
        entries: { item: { id: string }; notifications: { kind: string; excerpt: string }[] }[];
      };
      return (inbox.entries.find((entry) => entry.item.id === ticket.id)?.notifications ?? []).filter(
        (notification) => notification.kind === "desk.sla_warning",
      );
    };
    await warnOfBreaches(community.ctx, minutes(50));
    await warnOfBreaches(community.ctx, minutes(52));
    expect((await warnings()).map((warning) => warning.excerpt)).toEqual([
      expect.stringMatching(/^First response due in \d+ min/),
    ]);
    await warnOfBreaches(community.ctx, minutes(90));
    expect((await warnings()).map((warning) => warning.excerpt)).toContainEqual(
      expect.stringMatching(/^First response target missed/),
    );
    const requesterInbox = (await requester.get("/api/notifications")).json() as {
      entries: { notifications: { kind: string }[] }[];
    };
    const customerKinds = requesterInbox.entries.flatMap((entry) => entry.notifications.map((n) => n.kind));
    expect(customerKinds).not.toContain("desk.sla_warning");
  });

  it("reports opened tickets, reply and resolution times, breaches and backlog by organisation and month", async () => {
    const ticket = await openTicket("question");
    await staff.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "Answered." });
    await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "resolved" });
    const month = new Date().toISOString().slice(0, 7);
    const response = await staff.get(`/api/desk/reports/sla?from=${month}&to=${month}`);
    expect(response.statusCode, response.body).toBe(200);
    const { rows } = response.json() as { rows: SlaReportRow[] };
    const northwind = rows.find((row) => row.organisation.name === "Northwind Research Unit");
    expect(northwind?.opened).toBeGreaterThanOrEqual(7);
    expect(northwind?.firstResponse.count).toBeGreaterThanOrEqual(2);
    expect(northwind?.resolution.count).toBeGreaterThanOrEqual(1);
    expect(northwind?.backlog).toBe((northwind?.opened ?? 0) - (northwind?.resolution.count ?? 0));
    const csv = await staff.get(`/api/desk/reports/sla.csv?from=${month}&to=${month}`);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\r\n")[0]).toContain("first_response_median_business_minutes");
    expect(csv.body).toContain(`Northwind Research Unit,${month},${northwind?.opened}`);
  });

  it("names the field of a malformed report month", async () => {
    const response = await staff.get("/api/desk/reports/sla?from=2026-13");
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("from");
  });
});
