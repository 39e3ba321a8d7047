import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
let requester: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
});
afterAll(async () => {
  await community?.close();
});

async function openTicket(): Promise<{ id: string; number: number }> {
  const response = await requester.post("/api/desk/tickets", {
    type: "support_question",
    subject: "The visit schedule does not load",
    description: "Opening the visit schedule shows an empty page.",
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function createMacro(body: object): Promise<{ id: string; name: string }> {
  const response = await staff.post("/api/desk/macros", body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe("managing macros", () => {
  it("lists the demo's macros by name, shared with every member of the product team", async () => {
    const response = await staff.get("/api/desk/macros");
    expect(response.statusCode).toBe(200);
    const names = response.json().macros.map((m: { name: string }) => m.name);
    expect(names).toContain("Resolve: fixed in the development environment");
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
  });

  it("changes and removes a macro", async () => {
    const macro = await createMacro({ name: "Temporary", body: "Text", status: null, assignee: null });
    const changed = await staff.put(`/api/desk/macros/${macro.id}`, {
      name: "Temporary, renamed",
      body: "Text",
      status: "closed",
      assignee: "none",
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: "Temporary, renamed", status: "closed", assignee: "none" });
    expect((await staff.delete(`/api/desk/macros/${macro.id}`)).statusCode).toBe(204);
    expect((await staff.delete(`/api/desk/macros/${macro.id}`)).statusCode).toBe(404);
  });

  it("refuses a second macro of the same name, an unknown status and an assignee outside the team", async () => {
    await createMacro({ name: "Unique name", body: "Text", status: null, assignee: null });
    const twice = await staff.post("/api/desk/macros", {
      name: "Unique name",
      body: "x",
      status: null,
      assignee: null,
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.fields).toHaveProperty("name");
    const status = await staff.post("/api/desk/macros", {
      name: "S",
      body: "x",
      status: "done",
      assignee: null,
    });
    expect(status.json().error.fields).toHaveProperty("status");
    const customer = community.demo.people.northwindMember.id;
    const assignee = await staff.post("/api/desk/macros", {
      name: "A",
      body: "x",
      status: null,
      assignee: customer,
    });
    expect(assignee.statusCode).toBe(400);
    expect(assignee.json().error.fields).toHaveProperty("assignee");
  });
});

describe("replying with a macro", () => {
  it("posts the reply, resolves the ticket and assigns it to the sender together", async () => {
    const ticket = await openTicket();
    const macro = await createMacro({
      name: "Resolve and take",
      body: "Fixed.",
      status: "resolved",
      assignee: "me",
    });
    const response = await staff.post(`/api/desk/tickets/${ticket.id}/macro-replies`, {
      macroId: macro.id,
      body: "Hi Ned, fixed in build 813.",
    });
    expect(response.statusCode, response.body).toBe(201);
    const after = response.json();
    expect(after.status).toBe("resolved");
    expect(after.assignee.id).toBe(community.demo.people.staff.id);
    expect(after.comments.at(-1).bodyHtml).toContain("fixed in build 813");
  });

  it("leaves status and assignee alone when the macro changes neither", async () => {
    const ticket = await openTicket();
    const macro = await createMacro({ name: "Reply only", body: "Thanks.", status: null, assignee: null });
    const response = await staff.post(`/api/desk/tickets/${ticket.id}/macro-replies`, {
      macroId: macro.id,
      body: "Thanks.",
    });
    expect(response.json()).toMatchObject({ status: "new", assignee: null });
  });

  it("changes nothing when the macro is gone, and names the field", async () => {
    const ticket = await openTicket();
    const macro = await createMacro({ name: "Soon gone", body: "x", status: "closed", assignee: null });
    await staff.delete(`/api/desk/macros/${macro.id}`);
    const response = await staff.post(`/api/desk/tickets/${ticket.id}/macro-replies`, {
      macroId: macro.id,
      body: "Closing.",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("macroId");
    const after = (await staff.get(`/api/desk/tickets/${ticket.id}`)).json();
    expect(after).toMatchObject({ status: "new", comments: [] });
  });
});
