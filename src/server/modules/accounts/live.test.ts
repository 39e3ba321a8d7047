/**
 * Live admin lists over the real WebSocket: organisations and people created or changed reach the
 * product team, who alone list them, and no customer, their organisation's admin included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { connectRealtime, type RealtimeClient } from "../../testing/realtime.js";
import { ticketChanged } from "../desk/contracts/tickets.js";
import { organisationChanged } from "./contracts/organisations.js";
import { userChanged } from "./contracts/users.js";

let community: TestCommunity;
let staff: Client;
let orgAdmin: Client;
let staffSocket: RealtimeClient;
let orgAdminSocket: RealtimeClient;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  orgAdmin = await community.signIn("admin@northwind.example");
  const baseUrl = await community.listen();
  staffSocket = await connectRealtime({ baseUrl, cookie: staff.cookie ?? "" });
  orgAdminSocket = await connectRealtime({ baseUrl, cookie: orgAdmin.cookie ?? "" });
});
afterAll(async () => {
  await staffSocket?.close();
  await orgAdminSocket?.close();
  await community?.close();
});

describe("live admin lists", () => {
  it("tell the product team, and no customer, of an organisation and a person that changed", async () => {
    const created = await staff.post("/api/admin/organisations", {
      name: "Tailspin Trials",
      kind: "customer",
      domains: ["tailspin.example"],
    });
    expect(created.statusCode, created.body).toBe(201);
    const organisationId = created.json().id as string;
    await staffSocket.waitForEvent(
      organisationChanged,
      (payload) => payload.organisationId === organisationId,
    );

    const member = community.demo.people.northwindMember;
    const changed = await staff.patch(`/api/admin/users/${member.id}`, { isOrgAdmin: true });
    expect(changed.statusCode, changed.body).toBe(200);
    await staffSocket.waitForEvent(userChanged, (payload) => payload.userId === member.id);

    // A later event for the org admin: anything before it would have reached them first.
    const ticket = await orgAdmin.post("/api/desk/tickets", {
      type: "support_question",
      subject: "A marker for the live tests",
      description: "Only its event matters here.",
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    await orgAdminSocket.waitForEvent(ticketChanged, (payload) => payload.ticketId === ticket.json().id);
    expect(orgAdminSocket.events(organisationChanged)).toEqual([]);
    expect(orgAdminSocket.events(userChanged)).toEqual([]);
  });
});
