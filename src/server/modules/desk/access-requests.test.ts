import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, organisations, ticketComments, tickets, users } from "../../db/schema.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { linkIn, startSmtpCatcher } from "../../testing/smtp.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let staff: Client;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  staff = await community.signIn("staff@vendor.example");
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

/**
 * The form is limited per IP, so each visitor here comes from an address of their own and no test
 * depends on how many requests the others sent; the rate-limit test picks its own address.
 */
let visitors = 0;
const newVisitorIp = () => `198.51.100.${++visitors}`;

function postFrom(remoteAddress: string, url: string, body: unknown) {
  return community.app.inject({
    method: "POST",
    url,
    headers: { [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: body as object,
    remoteAddress,
  });
}

type Form = { name: string; email: string; organisation: string; role: string; reason: string };
const form = (overrides: Partial<Form> = {}): Form => ({
  name: "Riley Requester",
  email: "riley@contoso.example",
  organisation: "Contoso Clinical",
  role: "Study coordinator",
  reason: "I run the Phase 1 unit's studies and want to follow the product roadmap.",
  ...overrides,
});

/** Submits the Request access form from a fresh visitor and returns the ticket staff see. */
async function requestAccess(overrides: Partial<Form> = {}, ip = newVisitorIp()) {
  const response = await postFrom(ip, "/api/access-requests", form(overrides));
  expect(response.statusCode).toBe(202);
  const { ticketNumber } = response.json() as { ticketNumber: number };
  const [row] = await community.db.select().from(tickets).where(eq(tickets.number, ticketNumber));
  if (!row) throw new Error(`ticket #${ticketNumber} was not written`);
  return { ticketNumber, id: row.id, ip };
}

async function mailTo(address: string, subjectPart: string) {
  await community.app.mailer.flush();
  return smtp.waitFor((m) => m.to.includes(address) && m.subject.includes(subjectPart));
}

async function auditFor(action: string, targetId: string) {
  return community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));
}

async function invitationsFor(email: string) {
  return community.db.select().from(invitations).where(eq(invitations.email, email));
}

async function ticketState(id: string) {
  const [row] = await community.db.select().from(tickets).where(eq(tickets.id, id));
  const [notes] = await community.db
    .select({ n: count() })
    .from(ticketComments)
    .where(eq(ticketComments.ticketId, id));
  return {
    status: row?.status,
    organisationId: row?.organisationId,
    accessRequest: row?.accessRequest,
    notes: notes?.n,
  };
}

describe("requesting access", () => {
  it("turns the public form into an access-request ticket in the staff queue", async () => {
    const { ticketNumber, id, ip } = await requestAccess({
      name: "Quinn Query",
      email: "Quinn@Contoso.example",
    });
    const queue = await staff.get("/api/desk/tickets?type=access_request");
    expect(queue.statusCode).toBe(200);
    const listed = queue.json().tickets.find((t: { number: number }) => t.number === ticketNumber);
    expect(listed).toMatchObject({
      id,
      type: "access_request",
      status: "new",
      requester: { id: null, name: "Quinn Query", email: "quinn@contoso.example" },
    });
    expect(
      queue.json().tickets.every((t: { type: string }) => t.type === "access_request"),
      "the type filter holds",
    ).toBe(true);

    const ticket = (await staff.get(`/api/desk/tickets/${id}`)).json();
    expect(ticket.accessRequest).toEqual({
      name: "Quinn Query",
      email: "quinn@contoso.example",
      organisation: "Contoso Clinical",
      role: "Study coordinator",
      reason: "I run the Phase 1 unit's studies and want to follow the product roadmap.",
    });
    expect(ticket.canManage).toBe(true);

    const acknowledgement = await mailTo("quinn@contoso.example", `#${ticketNumber}`);
    expect(acknowledgement.text).toContain("Quinn Query");

    const [audit] = await auditFor("access.requested", id);
    expect(audit).toMatchObject({ actorId: null, actorEmail: "quinn@contoso.example", ip });
  });

  it("is not visible to customers, even those at the requester's domain", async () => {
    const { ticketNumber, id } = await requestAccess({
      name: "Hidden Hope",
      email: "hope@northwind.example",
    });
    for (const email of ["member@northwind.example", "admin@northwind.example", "member@contoso.example"]) {
      const customer = await community.signIn(email);
      const list = await customer.get("/api/desk/tickets?type=access_request");
      expect(list.statusCode).toBe(200);
      expect(list.json().tickets.map((t: { number: number }) => t.number)).not.toContain(ticketNumber);
      const all = await customer.get("/api/desk/tickets");
      expect(all.json().tickets.map((t: { id: string }) => t.id)).not.toContain(id);
      expect((await customer.get(`/api/desk/tickets/${id}`)).statusCode).toBe(404);
    }
  });

  it("names every missing or malformed field and writes no ticket", async () => {
    const [before] = await community.db.select({ n: count() }).from(tickets);
    const empty = await postFrom(newVisitorIp(), "/api/access-requests", {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe("validation");
    expect(Object.keys(empty.json().error.fields).sort()).toEqual([
      "email",
      "name",
      "organisation",
      "reason",
      "role",
    ]);
    const malformed = await postFrom(
      newVisitorIp(),
      "/api/access-requests",
      form({ email: "not-an-address", reason: "short" }),
    );
    expect(malformed.statusCode).toBe(400);
    expect(Object.keys(malformed.json().error.fields).sort()).toEqual(["email", "reason"]);
    const [after] = await community.db.select({ n: count() }).from(tickets);
    expect(after?.n).toBe(before?.n);
  });

  it("answers 429 after 10 requests from one address in an hour, while other addresses still get through", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < 10; i++) {
      const response = await postFrom(ip, "/api/access-requests", form({ email: `flood${i}@spam.example` }));
      expect(response.statusCode).toBe(202);
    }
    const eleventh = await postFrom(ip, "/api/access-requests", form({ email: "flood10@spam.example" }));
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.code).toBe("rate_limited");
    const [written] = await community.db
      .select({ n: count() })
      .from(tickets)
      .where(eq(tickets.requesterEmail, "flood10@spam.example"));
    expect(written?.n).toBe(0);
    const elsewhere = await postFrom(
      "203.0.113.78",
      "/api/access-requests",
      form({ email: "ok@spam.example" }),
    );
    expect(elsewhere.statusCode).toBe(202);
  });
});

describe("staff approve an access request", () => {
  it("refuses an organisation whose domains do not cover the address, naming the field and changing nothing", async () => {
    const { id } = await requestAccess({ name: "Mia Mismatch", email: "mia@contoso.example" });
    const before = await ticketState(id);

    const wrongOrganisation = await staff.post(`/api/desk/tickets/${id}/approve`, {
      organisationId: community.demo.organisations.northwind.id,
    });
    expect(wrongOrganisation.statusCode).toBe(400);
    expect(wrongOrganisation.json().error.fields.organisationId).toContain("mia@contoso.example");

    const wrongNewOrganisation = await staff.post(`/api/desk/tickets/${id}/approve`, {
      newOrganisation: { name: "Mismatch Medical", kind: "customer", domains: ["mismatch.example"] },
    });
    expect(wrongNewOrganisation.statusCode).toBe(400);
    expect(wrongNewOrganisation.json().error.fields["newOrganisation.domains"]).toEqual(expect.any(String));

    expect(await invitationsFor("mia@contoso.example")).toHaveLength(0);
    expect(await ticketState(id)).toEqual(before);
    expect(before.status).toBe("new");
    const created = await community.db
      .select()
      .from(organisations)
      .where(eq(organisations.name, "Mismatch Medical"));
    expect(created, "the new organisation is rolled back with the refusal").toHaveLength(0);
    expect(await auditFor("access.approved", id)).toHaveLength(0);
  });

  it("refuses a new organisation claiming a domain another organisation owns, changing nothing", async () => {
    const { id } = await requestAccess({ name: "Cy Clash", email: "cy@contoso.example" });
    const before = await ticketState(id);
    const response = await staff.post(`/api/desk/tickets/${id}/approve`, {
      newOrganisation: { name: "Contoso Spin-off", kind: "customer", domains: ["contoso.example"] },
    });
    expect(response.statusCode).toBe(409);
    expect(Object.values(response.json().error.fields ?? {}).join(" ")).toContain("contoso.example");
    expect(await ticketState(id)).toEqual(before);
    expect(await invitationsFor("cy@contoso.example")).toHaveLength(0);
    const created = await community.db
      .select()
      .from(organisations)
      .where(eq(organisations.name, "Contoso Spin-off"));
    expect(created).toHaveLength(0);
  });

  it("into a new organisation: the invitation arrives by e-mail and accepting it signs the person in as its member", async () => {
    const { id } = await requestAccess({
      name: "Tia Tailspin",
      email: "tia@tailspin.example",
      organisation: "Tailspin Toys",
    });
    const approved = await staff.post(`/api/desk/tickets/${id}/approve`, {
      newOrganisation: { name: "Tailspin Toys", kind: "partner", domains: ["tailspin.example"] },
    });
    expect(approved.statusCode).toBe(200);
    const ticket = approved.json();
    expect(ticket).toMatchObject({
      status: "resolved",
      organisation: { name: "Tailspin Toys" },
      accessRequest: { email: "tia@tailspin.example", decision: "approved" },
    });
    expect(ticket.comments.some((c: { internal: boolean }) => c.internal)).toBe(true);

    const [organisation] = await community.db
      .select()
      .from(organisations)
      .where(eq(organisations.name, "Tailspin Toys"));
    expect(organisation?.kind).toBe("partner");
    const [invitation] = await invitationsFor("tia@tailspin.example");
    expect(invitation?.organisationId).toBe(organisation?.id);
    expect(invitation?.accessRequestTicketId).toBe(id);

    const mail = await mailTo("tia@tailspin.example", "invitation");
    expect(mail.subject).toContain("Tailspin Toys");
    const token = linkIn(mail.text, "/invite");
    const ip = newVisitorIp();
    const preview = await community.app.inject({ url: `/api/invitations/${token}`, remoteAddress: ip });
    expect(preview.json()).toMatchObject({
      email: "tia@tailspin.example",
      organisation: { name: "Tailspin Toys" },
    });

    const accepted = await postFrom(ip, `/api/invitations/${token}/accept`, {
      name: "Tia Tailspin",
      password: "tailspin-password-1",
    });
    expect(accepted.statusCode).toBe(200);
    const cookie = accepted.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie?.value).toBeTruthy();
    const me = await community.app.inject({
      url: "/api/me",
      headers: { cookie: `${SESSION_COOKIE}=${cookie?.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      email: "tia@tailspin.example",
      name: "Tia Tailspin",
      organisation: { id: organisation?.id, name: "Tailspin Toys", kind: "partner" },
      isStaff: false,
      isOrgAdmin: false,
    });

    const [audit] = await auditFor("access.approved", id);
    expect(audit?.actorId).toBe(community.demo.people.staff.id);
    expect(audit?.details).toMatchObject({ email: "tia@tailspin.example", organisation: "Tailspin Toys" });
  });

  it("into an existing organisation at the requester's domain, and only once", async () => {
    const { id } = await requestAccess({ name: "Otto Once", email: "otto@contoso.example" });
    const choice = { organisationId: community.demo.organisations.contoso.id };
    const first = await staff.post(`/api/desk/tickets/${id}/approve`, choice);
    expect(first.statusCode).toBe(200);
    expect(first.json().organisation).toMatchObject({ id: choice.organisationId, name: "Contoso Clinical" });
    const mail = await mailTo("otto@contoso.example", "invitation");
    expect(mail.subject).toContain("Contoso Clinical");

    const second = await staff.post(`/api/desk/tickets/${id}/approve`, choice);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe("conflict");
    const declineAfter = await staff.post(`/api/desk/tickets/${id}/decline`, { reason: "Changed our mind." });
    expect(declineAfter.statusCode).toBe(409);
    expect(await invitationsFor("otto@contoso.example")).toHaveLength(1);
    expect(await auditFor("access.approved", id)).toHaveLength(1);
    expect((await ticketState(id)).accessRequest?.decision).toBe("approved");
  });
});

describe("staff decline an access request", () => {
  it("e-mails the reason to the requester and closes the ticket", async () => {
    const { id, ticketNumber } = await requestAccess({
      name: "Dana Decline",
      email: "dana@elsewhere.example",
    });
    const reason = "We only admit people from organisations under contract.";
    const declined = await staff.post(`/api/desk/tickets/${id}/decline`, { reason });
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({
      status: "closed",
      accessRequest: { decision: "declined", declineReason: reason },
    });

    const mail = await mailTo("dana@elsewhere.example", "Your request to join");
    expect(mail.subject).toContain(`#${ticketNumber}`);
    expect(mail.text).toContain(reason);
    expect(mail.text).toContain("Dana Decline");
    expect(await invitationsFor("dana@elsewhere.example")).toHaveLength(0);

    const [audit] = await auditFor("access.declined", id);
    expect(audit?.actorId).toBe(community.demo.people.staff.id);
    expect(audit?.details).toMatchObject({ reason, email: "dana@elsewhere.example" });
    expect((await staff.post(`/api/desk/tickets/${id}/decline`, { reason })).statusCode).toBe(409);
  });

  it("names the reason when it is missing", async () => {
    const { id } = await requestAccess({ email: "no-reason@elsewhere.example" });
    const response = await staff.post(`/api/desk/tickets/${id}/decline`, { reason: "" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.reason).toEqual(expect.any(String));
    expect((await ticketState(id)).status).toBe("new");
  });
});

describe("who may decide", () => {
  it("forbids customers and org admins (403) and asks anonymous callers to sign in (401)", async () => {
    const { id } = await requestAccess({ name: "Nate Northwind", email: "nate@northwind.example" });
    const before = await ticketState(id);
    const approve = { organisationId: community.demo.organisations.northwind.id };
    const decline = { reason: "Not from a customer, thanks." };
    for (const email of ["member@northwind.example", "admin@northwind.example", "dev@fabrikam.example"]) {
      const caller = await community.signIn(email);
      const approved = await caller.post(`/api/desk/tickets/${id}/approve`, approve);
      expect(approved.statusCode, `${email} approving`).toBe(403);
      expect(approved.json().error.code).toBe("forbidden");
      expect((await caller.post(`/api/desk/tickets/${id}/decline`, decline)).statusCode).toBe(403);
    }
    const anonymous = community.anonymous();
    const anonymousApprove = await anonymous.post(`/api/desk/tickets/${id}/approve`, approve);
    expect(anonymousApprove.statusCode).toBe(401);
    expect(anonymousApprove.json().error.code).toBe("unauthenticated");
    expect((await anonymous.post(`/api/desk/tickets/${id}/decline`, decline)).statusCode).toBe(401);

    expect(await ticketState(id)).toEqual(before);
    expect(await invitationsFor("nate@northwind.example")).toHaveLength(0);
    const [account] = await community.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.email, "nate@northwind.example"));
    expect(account?.n).toBe(0);
  });

  it("refuses to approve or decline a ticket that is not an access request", async () => {
    const member = await community.signIn("member@northwind.example");
    const opened = await member.post("/api/desk/tickets", {
      type: "support_question",
      subject: "How do I export?",
      description: "Where is the export button?",
    });
    const id = opened.json().id;
    const approved = await staff.post(`/api/desk/tickets/${id}/approve`, {
      organisationId: community.demo.organisations.northwind.id,
    });
    expect(approved.statusCode).toBe(409);
    expect(
      (await staff.post(`/api/desk/tickets/${id}/decline`, { reason: "Not a request." })).statusCode,
    ).toBe(409);
  });
});

describe("approving with a malformed new organisation", () => {
  // It starts a community of its own, which takes long on a busy machine.
  it("names the nested fields that are wrong", { timeout: 120_000 }, async () => {
    const community = await startTestCommunity();
    try {
      const staff = await community.signIn("staff@vendor.example");
      const queue = await staff.get("/api/desk/tickets?type=access_request");
      const ticket = queue.json().tickets[0];
      const response = await staff.post(`/api/desk/tickets/${ticket.id}/approve`, {
        newOrganisation: { name: "Acme", kind: "hospital", domains: ["not a domain"] },
      });
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json().error.fields)).toEqual(
        expect.arrayContaining(["newOrganisation.kind", "newOrganisation.domains.0"]),
      );
      const neither = await staff.post(`/api/desk/tickets/${ticket.id}/approve`, {});
      expect(neither.statusCode).toBe(400);
      expect(neither.json().error.fields.organisationId).toBeTruthy();
    } finally {
      await community.close();
    }
  });
});
