import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { sendDueNotifications } from "../../platform/notifications/mailer.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { connectRealtime } from "../../testing/realtime.js";
import { type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";
import { userSummaries } from "../accounts/index.js";
import { createUser } from "../accounts/users.js";
import { ticketChanged } from "./contracts/tickets.js";

type Person = { id: string; name: string };
type Comment = {
  id: string;
  author: { id: string | null; name: string; isStaff: boolean };
  bodyHtml: string;
  internal: boolean;
};
type Attachment = { id: string; filename: string; contentType: string; size: number; url: string };
type Ticket = {
  id: string;
  number: number;
  type: string;
  subject: string;
  status: string;
  requester: { id: string | null; name: string; email: string };
  organisation: Person | null;
  assignee: Person | null;
  sharedWithOrganisation: boolean;
  description: string;
  descriptionHtml: string;
  attachments: Attachment[];
  comments: Comment[];
  watchers: Person[];
  watching: boolean;
  canManage: boolean;
};
type TicketSummary = Pick<
  Ticket,
  "id" | "number" | "type" | "subject" | "status" | "organisation" | "assignee" | "sharedWithOrganisation"
>;

type Socket = Awaited<ReturnType<typeof connectRealtime>>;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let community: TestCommunity;
/** staff@vendor.example */
let staff: Client;
/** member@northwind.example: the requester of most tickets here. */
let requester: Client;
/** A plain (not org admin) second member of Northwind. */
let colleague: Client;
/** member@contoso.example */
let outsider: Client;

const COLLEAGUE_EMAIL = "colleague@northwind.example";
/** A second member of the product team, who watches a ticket someone else answers. */
const SECOND_STAFF_EMAIL = "second.staff@vendor.example";
// A 1x1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  await createUser(community.ctx, {
    email: COLLEAGUE_EMAIL,
    name: "Cole League",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  staff = await community.signIn("staff@vendor.example");
  requester = await community.signIn("member@northwind.example");
  colleague = await community.signIn(COLLEAGUE_EMAIL);
  outsider = await community.signIn("member@contoso.example");
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

// Descriptions here carry no digits, so a "#<number>" search can only match by ticket number.
async function open(
  client: Client,
  input: { type?: string; subject?: string; description?: string; sharedWithOrganisation?: boolean } = {},
): Promise<Ticket> {
  const response = await client.post("/api/desk/tickets", {
    type: "support_question",
    subject: "The visit schedule does not load",
    description: "Opening the visit schedule shows an empty page.",
    ...input,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function view(client: Client, ticket: { id: string }): Promise<Ticket> {
  const response = await client.get(`/api/desk/tickets/${ticket.id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function queue(client: Client, query = ""): Promise<TicketSummary[]> {
  const response = await client.get(`/api/desk/tickets${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().tickets;
}

const idsOf = (tickets: { id: string }[]) => tickets.map((t) => t.id);

async function patch(client: Client, ticket: { id: string }, body: object): Promise<Ticket> {
  const response = await client.patch(`/api/desk/tickets/${ticket.id}`, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function reply(client: Client, ticket: { id: string }, body: string, internal?: boolean) {
  const response = await client.post(`/api/desk/tickets/${ticket.id}/comments`, {
    body,
    ...(internal === undefined ? {} : { internal }),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Comment;
}

/** Everything queued so far has been handed to the SMTP listener once this resolves. */
async function mailDelivered(): Promise<void> {
  await community.app.mailer.flush();
}

/**
 * Runs the missed-mail worker as a node would at `now` (by default just past the ten minutes a
 * notification waits unread before it is e-mailed) and hands what it queued to the SMTP listener.
 */
async function sendMissedMail(now = new Date(Date.now() + 11 * 60_000)): Promise<void> {
  await sendDueNotifications(community.db, community.config, userSummaries, now);
  await mailDelivered();
}

/** The inbox's e-mail about a ticket (titled like the ticket in the inbox). */
const inboxMailAbout = (ticket: Ticket) => (mail: ReceivedMail) =>
  mail.subject === `#${ticket.number} ${ticket.subject}`;
const inboxMailTo = (address: string, ticket: Ticket) => (mail: ReceivedMail) =>
  inboxMailAbout(ticket)(mail) && mail.to.includes(address);
/** The desk's own e-mail about a ticket, only for a requester without an account. */
const about = (ticket: Ticket) => (mail: ReceivedMail) =>
  mail.subject.startsWith(`[Convene #${ticket.number}]`);
const mailTo = (address: string, ticket: Ticket, text: string) => (mail: ReceivedMail) =>
  about(ticket)(mail) && mail.to.includes(address) && mail.text.includes(text);

describe("opening a ticket", () => {
  it.each(["support_question", "dev_environment_question", "product_feedback"])(
    "a member opens a %s, new, unshared by default and filed under their organisation",
    async (type) => {
      const ticket = await open(requester, { type, subject: `A ${type} from Ned` });
      expect(ticket).toMatchObject({
        type,
        subject: `A ${type} from Ned`,
        status: "new",
        requester: { email: "member@northwind.example" },
        organisation: { id: community.demo.organisations.northwind.id, name: "Northwind Research Unit" },
        assignee: null,
        sharedWithOrganisation: false,
        canManage: false,
        comments: [],
        attachments: [],
      });
    },
  );

  it("refuses an access request opened from the desk, naming the type field", async () => {
    const response = await requester.post("/api/desk/tickets", {
      type: "access_request",
      subject: "Let my colleague in",
      description: "Please.",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "validation", fields: { type: expect.any(String) } });
  });

  it("names the fields of bad input: a subject that is too short and an unknown type", async () => {
    const response = await requester.post("/api/desk/tickets", {
      type: "complaint",
      subject: "Hi",
      description: "Something.",
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe("validation");
    expect(error.fields).toEqual({ type: expect.any(String), subject: expect.any(String) });
  });

  it("refuses a ticket from someone signed out", async () => {
    const response = await community.anonymous().post("/api/desk/tickets", {
      type: "support_question",
      subject: "Anonymous question",
      description: "Who am I?",
    });
    expect(response.statusCode).toBe(401);
  });

  it("renders the Markdown description without scripts or event handlers, keeping the text as written", async () => {
    const description =
      "Look **here**: <script>alert(1)</script> and <img src=x onerror=alert(1)> and [a link](javascript:alert(1))";
    const ticket = await open(requester, { subject: "Markdown with hostile HTML", description });
    for (const html of [ticket.descriptionHtml, (await view(staff, ticket)).descriptionHtml]) {
      expect(html).toContain("<strong>here</strong>");
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/onerror/i);
      expect(html).not.toMatch(/javascript:/i);
    }
    expect(ticket.description).toBe(description);

    const comment = await reply(
      requester,
      ticket,
      "Also <script>alert(1)</script><img src=x onerror=alert(1)>",
    );
    expect(comment.bodyHtml).not.toMatch(/<script/i);
    expect(comment.bodyHtml).not.toMatch(/onerror/i);
  });
});

describe("who sees a ticket", () => {
  it("the requester sees their ticket and finds it in their queue", async () => {
    const ticket = await open(requester, { subject: "Only mine so far" });
    expect((await view(requester, ticket)).subject).toBe("Only mine so far");
    expect(idsOf(await queue(requester))).toContain(ticket.id);
  });

  it("a colleague sees it only while the requester shares it with the organisation", async () => {
    const ticket = await open(requester, { subject: "Shared later" });
    expect((await colleague.get(`/api/desk/tickets/${ticket.id}`)).statusCode).toBe(404);
    expect(idsOf(await queue(colleague))).not.toContain(ticket.id);

    expect((await patch(requester, ticket, { sharedWithOrganisation: true })).sharedWithOrganisation).toBe(
      true,
    );
    expect((await view(colleague, ticket)).subject).toBe("Shared later");
    expect(idsOf(await queue(colleague))).toContain(ticket.id);

    await patch(requester, ticket, { sharedWithOrganisation: false });
    expect((await colleague.get(`/api/desk/tickets/${ticket.id}`)).statusCode).toBe(404);
    expect(idsOf(await queue(colleague))).not.toContain(ticket.id);
  });

  it("a colleague who sees a shared ticket may not change its sharing", async () => {
    const ticket = await open(requester, { subject: "Shared from the start", sharedWithOrganisation: true });
    const response = await colleague.patch(`/api/desk/tickets/${ticket.id}`, {
      sharedWithOrganisation: false,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("forbidden");
    expect((await view(requester, ticket)).sharedWithOrganisation).toBe(true);
  });

  it("a member of another organisation gets 404 for a shared ticket, its comments, attachments and watching", async () => {
    const ticket = await open(requester, { subject: "Northwind only", sharedWithOrganisation: true });
    const url = `/api/desk/tickets/${ticket.id}`;
    const responses = {
      get: await outsider.get(url),
      comment: await outsider.post(`${url}/comments`, { body: "Hello from Contoso" }),
      attachment: await outsider.upload(`${url}/attachments`, {
        filename: "note.txt",
        contentType: "text/plain",
        data: Buffer.from("from Contoso"),
      }),
      watch: await outsider.post(`${url}/watch`),
      unwatch: await outsider.delete(`${url}/watch`),
      share: await outsider.patch(url, { sharedWithOrganisation: false }),
    };
    for (const [what, response] of Object.entries(responses)) {
      expect({ what, status: response.statusCode }).toEqual({ what, status: 404 });
      expect(response.json().error.code).toBe("not_found");
    }
    expect(idsOf(await queue(outsider))).not.toContain(ticket.id);
    const seen = await view(staff, ticket);
    expect(seen.comments).toEqual([]);
    expect(seen.attachments).toEqual([]);
    expect(seen.watchers).toEqual([]);
  });

  it("a customer's queue stays within what they may see, whatever the filter", async () => {
    const ticket = await open(requester, { subject: "Filter cannot widen", sharedWithOrganisation: false });
    const northwind = community.demo.organisations.northwind.id;
    expect(await queue(outsider, `?organisationId=${northwind}`)).toEqual([]);
    expect(idsOf(await queue(colleague, `?organisationId=${northwind}`))).not.toContain(ticket.id);
    expect(idsOf(await queue(outsider, `?q=%23${ticket.number}`))).toEqual([]);
  });
});

describe("the staff queue", () => {
  let support: Ticket;
  let feedback: Ticket;
  let devQuestion: Ticket;

  beforeAll(async () => {
    support = await open(requester, {
      type: "support_question",
      subject: "Randomisation list upload rejected",
      description: "The upload of the randomisation list is rejected without a reason.",
    });
    feedback = await open(outsider, {
      type: "product_feedback",
      subject: "Idea for the pharmacy view",
      description: "It would help to see dispensing per site.",
    });
    devQuestion = await open(requester, {
      type: "dev_environment_question",
      subject: "Sandbox question",
      description: "Where do the sandbox calibrations of the centrifuge appear?",
    });
    await patch(staff, support, { assigneeId: community.demo.people.staff.id });
    await patch(staff, feedback, { status: "open" });
  });

  it("staff see every organisation's tickets; the seeded shared ticket and the access request among them", async () => {
    const all = await queue(staff);
    expect(idsOf(all)).toEqual(expect.arrayContaining([support.id, feedback.id, devQuestion.id]));
    expect(all.map((t) => t.number)).toEqual(expect.arrayContaining([1, 2]));
  });

  it("filters by type", async () => {
    const found = await queue(staff, "?type=product_feedback");
    expect(idsOf(found)).toContain(feedback.id);
    expect(idsOf(found)).not.toContain(support.id);
    expect(found.every((t) => t.type === "product_feedback")).toBe(true);
    expect((await queue(staff, "?type=access_request")).map((t) => t.number)).toEqual([2]);
  });

  it("filters by status", async () => {
    const found = await queue(staff, "?status=open");
    expect(idsOf(found)).toContain(feedback.id);
    expect(idsOf(found)).not.toContain(support.id);
    expect(found.every((t) => t.status === "open")).toBe(true);
  });

  it("filters by assignee: me, none, or a person's id", async () => {
    const staffId = community.demo.people.staff.id;
    for (const query of ["?assigneeId=me", `?assigneeId=${staffId}`]) {
      const found = await queue(staff, query);
      expect(idsOf(found)).toContain(support.id);
      expect(idsOf(found)).not.toContain(feedback.id);
      expect(found.every((t) => t.assignee?.id === staffId)).toBe(true);
    }
    const unassigned = await queue(staff, "?assigneeId=none");
    expect(idsOf(unassigned)).toEqual(expect.arrayContaining([feedback.id, devQuestion.id]));
    expect(idsOf(unassigned)).not.toContain(support.id);
    expect(unassigned.every((t) => t.assignee === null)).toBe(true);
  });

  it("filters by organisation", async () => {
    const contoso = community.demo.organisations.contoso.id;
    const found = await queue(staff, `?organisationId=${contoso}`);
    expect(idsOf(found)).toContain(feedback.id);
    expect(idsOf(found)).not.toContain(support.id);
    expect(found.every((t) => t.organisation?.id === contoso)).toBe(true);
  });

  it("searches the subject and, by full text with stemming, the description", async () => {
    expect(idsOf(await queue(staff, "?q=randomisation"))).toEqual([support.id]);
    // Only in the description, and in another word form: found through the full-text index.
    expect(idsOf(await queue(staff, "?q=calibration"))).toEqual([devQuestion.id]);
    expect(idsOf(await queue(staff, "?q=dispensing%20site"))).toEqual([feedback.id]);
    expect(await queue(staff, "?q=nonexistentword")).toEqual([]);
  });

  it("reads the one search syntax: phrases, exclusions, from: the requester, and names a bad filter", async () => {
    const q = (text: string) => `?q=${encodeURIComponent(text)}`;
    expect(idsOf(await queue(staff, q('"randomisation list"')))).toEqual([support.id]);
    expect(idsOf(await queue(staff, q("sandbox -centrifuge")))).not.toContain(devQuestion.id);
    const fromOutsider = await queue(staff, q("dispensing from:member@contoso.example"));
    expect(idsOf(fromOutsider)).toEqual([feedback.id]);
    expect(await queue(staff, q("randomisation from:cora"))).toEqual([]);
    const bad = await staff.get(`/api/desk/tickets${q("upload after:someday")}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({ q: "after: needs a day like 2026-11-01." });
  });

  it('finds a ticket by "#<number>", and only that ticket', async () => {
    expect(idsOf(await queue(staff, `?q=%23${feedback.number}`))).toEqual([feedback.id]);
    const mentions = await open(requester, {
      subject: `Follow-up to ${feedback.number}`,
      description: `Same as ticket ${feedback.number} and #${feedback.number}.`,
    });
    expect(idsOf(await queue(staff, `?q=%23${feedback.number}`))).toEqual([feedback.id]);
    // A bare number is also text: it finds the ticket and the ones that mention it.
    expect(idsOf(await queue(staff, `?q=${feedback.number}`)).sort()).toEqual(
      [feedback.id, mentions.id].sort(),
    );
  });

  it("treats % and _ in a search as text, not as wildcards", async () => {
    const underscore = await open(requester, { subject: "Field visit_date stays empty" });
    const percent = await open(requester, { subject: "Upload stops at eighty % done" });
    const withUnderscore = await queue(staff, "?q=_");
    expect(idsOf(withUnderscore)).toContain(underscore.id);
    expect(withUnderscore.every((t) => t.subject.includes("_"))).toBe(true);
    expect(idsOf(await queue(staff, "?q=%25"))).toEqual([percent.id]);
  });

  it("finds nothing, rather than failing, for a number too large to be a ticket's", async () => {
    expect(await queue(staff, "?q=%2399999999999")).toEqual([]);
    expect(await queue(staff, "?q=99999999999")).toEqual([]);
  });

  it("refuses a malformed filter, naming it", async () => {
    const response = await staff.get("/api/desk/tickets?assigneeId=someone&status=pending");
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields)).toEqual(
      expect.arrayContaining(["assigneeId", "status"]),
    );
  });
});

describe("working a ticket", () => {
  it("staff assign a ticket to a member of the product team, and unassign it", async () => {
    const ticket = await open(requester, { subject: "Please assign me" });
    const assigned = await patch(staff, ticket, { assigneeId: community.demo.people.staff.id });
    expect(assigned.assignee).toEqual({ id: community.demo.people.staff.id, name: "Sam Staff" });
    expect((await patch(staff, ticket, { assigneeId: null })).assignee).toBeNull();
  });

  it("refuses to assign a ticket to someone outside the product team", async () => {
    const ticket = await open(requester, { subject: "Assign to a customer?" });
    const response = await staff.patch(`/api/desk/tickets/${ticket.id}`, {
      assigneeId: community.demo.people.northwindAdmin.id,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ assigneeId: expect.any(String) });
    expect((await view(staff, ticket)).assignee).toBeNull();
  });

  it("refuses to assign a ticket to a deactivated member of the product team", async () => {
    const former = await createUser(community.ctx, {
      email: "former@vendor.example",
      name: "Former Staff",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.vendor.id,
      isStaff: true,
    });
    const picker = async () =>
      ((await staff.get("/api/desk/staff")).json().users as Person[]).map((u) => u.id);
    expect(await picker()).toContain(former.id);
    expect((await staff.patch(`/api/admin/users/${former.id}`, { status: "deactivated" })).statusCode).toBe(
      200,
    );
    expect(await picker()).not.toContain(former.id);

    const ticket = await open(requester, { subject: "Assign to someone who left?" });
    const response = await staff.patch(`/api/desk/tickets/${ticket.id}`, { assigneeId: former.id });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ assigneeId: expect.any(String) });
  });

  it("a customer may change neither status nor assignee", async () => {
    const ticket = await open(requester, { subject: "I would like to close this myself" });
    for (const body of [{ status: "closed" }, { assigneeId: community.demo.people.staff.id }]) {
      const response = await requester.patch(`/api/desk/tickets/${ticket.id}`, body);
      expect(response.statusCode).toBe(403);
    }
    expect((await view(requester, ticket)).status).toBe("new");
  });

  it("staff change the status, recorded in the audit log with from and to", async () => {
    const ticket = await open(requester, { subject: "Status change audited" });
    expect((await patch(staff, ticket, { status: "waiting_on_customer" })).status).toBe(
      "waiting_on_customer",
    );
    expect((await patch(staff, ticket, { status: "resolved" })).status).toBe("resolved");
    const response = await staff.get(`/api/admin/audit?action=ticket.status_changed&target=${ticket.id}`);
    expect(response.statusCode).toBe(200);
    const entries = response.json().entries as { actorId: string; details: Record<string, unknown> }[];
    expect(entries.map((e) => e.details).reverse()).toEqual([
      { number: ticket.number, from: "new", to: "waiting_on_customer" },
      { number: ticket.number, from: "waiting_on_customer", to: "resolved" },
    ]);
    expect(entries.every((e) => e.actorId === community.demo.people.staff.id)).toBe(true);
  });

  it("refuses an unknown status, naming the field", async () => {
    const ticket = await open(requester, { subject: "Unknown status" });
    const response = await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "pending" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.status).toBeTruthy();
  });

  it("an internal note is shown to staff and never to the customer", async () => {
    const ticket = await open(requester, { subject: "Internal note hidden", sharedWithOrganisation: true });
    await reply(staff, ticket, "We are looking into it.");
    const note = await reply(staff, ticket, "Root cause is the zebracorn cache; do not tell them yet.", true);
    expect(note.internal).toBe(true);

    const staffView = await view(staff, ticket);
    expect(staffView.comments.map((c) => c.internal)).toEqual([false, true]);
    expect(JSON.stringify(staffView)).toContain("zebracorn");
    for (const customer of [requester, colleague]) {
      const response = await customer.get(`/api/desk/tickets/${ticket.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain("zebracorn");
      expect(response.json().comments).toHaveLength(1);
      expect(response.json().comments[0].internal).toBe(false);
    }
  });

  it("hides the seeded ticket's internal note from its requester", async () => {
    const seeded = (await queue(requester)).find((t) => t.number === 1);
    expect(seeded).toBeDefined();
    const response = await requester.get(`/api/desk/tickets/${seeded?.id}`);
    expect(response.body).toContain("we can reproduce it");
    expect(response.body).not.toContain("overlapping visit windows");
  });

  it("refuses an internal note from a customer", async () => {
    const ticket = await open(requester, { subject: "Customer tries an internal note" });
    const response = await requester.post(`/api/desk/tickets/${ticket.id}/comments`, {
      body: "Secret from the customer",
      internal: true,
    });
    expect(response.statusCode).toBe(403);
    expect((await view(staff, ticket)).comments).toEqual([]);
  });

  it("a customer's reply to a ticket waiting on them moves it back to open", async () => {
    const ticket = await open(requester, { subject: "Waiting on me" });
    await patch(staff, ticket, { status: "waiting_on_customer" });
    await reply(staff, ticket, "Which browser do you use?");
    expect((await view(requester, ticket)).status).toBe("waiting_on_customer");
    await reply(requester, ticket, "Firefox.");
    expect((await view(requester, ticket)).status).toBe("open");
  });

  it("a staff reply leaves the status as it is", async () => {
    const ticket = await open(requester, { subject: "Staff reply keeps status" });
    await patch(staff, ticket, { status: "waiting_on_customer" });
    await reply(staff, ticket, "Still waiting for you.");
    expect((await view(staff, ticket)).status).toBe("waiting_on_customer");
  });
});

describe("e-mail about a ticket", () => {
  it("a staff reply reaches the requester and the colleague it is shared with through their inbox: nothing at once, one e-mail after the delay, none to the author", async () => {
    const ticket = await open(requester, { subject: "Mail on replies", sharedWithOrganisation: true });
    // Staff watch too, but hear nothing of what they do themselves.
    expect((await staff.post(`/api/desk/tickets/${ticket.id}/watch`)).statusCode).toBe(200);

    const answer = await reply(staff, ticket, "Here is the answer you wanted.");
    await sendMissedMail(new Date());
    expect(smtp.received.filter(inboxMailAbout(ticket))).toEqual([]);

    await sendMissedMail();
    const toRequester = await smtp.waitFor(inboxMailTo("member@northwind.example", ticket));
    const toColleague = await smtp.waitFor(inboxMailTo(COLLEAGUE_EMAIL, ticket));
    for (const mail of [toRequester, toColleague]) {
      expect(mail.text).toContain("Sam Staff · A reply on my ticket");
      expect(mail.text).toContain("Here is the answer you wanted.");
      expect(mail.text).toContain(
        `${community.config.publicUrl}/desk/tickets/${ticket.id}#comment-${answer.id}`,
      );
    }
    // Everyone it is shared with hears once; the staff author not at all.
    const recipients = smtp.received.filter(inboxMailAbout(ticket)).flatMap((m) => m.to);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).not.toContain("staff@vendor.example");

    // A status change is told the same way, in an e-mail of its own once it too was missed.
    await patch(staff, ticket, { status: "waiting_on_customer" });
    await sendMissedMail();
    const statusMail = await smtp.waitFor(
      (m) => inboxMailTo("member@northwind.example", ticket)(m) && m.text.includes("Waiting on customer"),
    );
    expect(statusMail.text).not.toContain("Here is the answer you wanted.");

    const toRequesterInAll = smtp.received.filter(inboxMailTo("member@northwind.example", ticket));
    expect(toRequesterInAll).toHaveLength(2);
    expect(smtp.received.filter(inboxMailTo("staff@vendor.example", ticket))).toEqual([]);
    // Account holders never get the desk's own e-mail besides.
    expect(smtp.received.filter(about(ticket))).toEqual([]);
  });

  it("a person who opened the ticket after the reply gets no e-mail about it", async () => {
    const ticket = await open(requester, { subject: "Read it at once", sharedWithOrganisation: true });
    await reply(staff, ticket, "An answer read in the app.");
    await view(requester, ticket);

    await sendMissedMail();
    await smtp.waitFor(inboxMailTo(COLLEAGUE_EMAIL, ticket));
    expect(smtp.received.filter(inboxMailTo("member@northwind.example", ticket))).toEqual([]);
  });

  it("the customer's own reply goes to the colleague it is shared with but not back to them", async () => {
    const ticket = await open(requester, { subject: "My own reply", sharedWithOrganisation: true });
    await reply(requester, ticket, "Adding the screenshot you asked for.");
    await sendMissedMail();
    const toColleague = await smtp.waitFor(inboxMailTo(COLLEAGUE_EMAIL, ticket));
    expect(toColleague.text).toContain("screenshot you asked for");
    expect(smtp.received.filter(inboxMailTo("member@northwind.example", ticket))).toEqual([]);
  });

  it("an internal note e-mails nobody", async () => {
    const ticket = await open(requester, { subject: "Quiet note", sharedWithOrganisation: true });
    await colleague.post(`/api/desk/tickets/${ticket.id}/watch`);
    await reply(staff, ticket, "Internal: escalate to the platform team.", true);
    await mailDelivered();
    await sendMissedMail();
    expect(smtp.received.filter(inboxMailAbout(ticket))).toEqual([]);
    expect(smtp.received.filter((m) => m.text.includes("escalate to the platform team"))).toEqual([]);
  });

  it("a watcher who stops watching, or who can no longer see the ticket, gets no e-mail", async () => {
    await createUser(community.ctx, {
      email: SECOND_STAFF_EMAIL,
      name: "Wade Watcher",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.vendor.id,
      isStaff: true,
    });
    const secondStaff = await community.signIn(SECOND_STAFF_EMAIL);
    const unwatchedTicket = await open(requester, { subject: "Stopped watching" });
    await secondStaff.post(`/api/desk/tickets/${unwatchedTicket.id}/watch`);
    const unwatched = await secondStaff.delete(`/api/desk/tickets/${unwatchedTicket.id}/watch`);
    expect(unwatched.json().watching).toBe(false);
    await reply(staff, unwatchedTicket, "An update after unwatching.");

    const unsharedTicket = await open(requester, {
      subject: "Stop telling me",
      sharedWithOrganisation: true,
    });
    await colleague.post(`/api/desk/tickets/${unsharedTicket.id}/watch`);
    await patch(requester, unsharedTicket, { sharedWithOrganisation: false });
    await reply(staff, unsharedTicket, "An update after unsharing.");

    await sendMissedMail();
    await smtp.waitFor(inboxMailTo("member@northwind.example", unwatchedTicket));
    await smtp.waitFor(inboxMailTo("member@northwind.example", unsharedTicket));
    expect(smtp.received.filter(inboxMailTo(SECOND_STAFF_EMAIL, unwatchedTicket))).toEqual([]);
    expect(smtp.received.filter(inboxMailTo(COLLEAGUE_EMAIL, unsharedTicket))).toEqual([]);
  });

  it("the requester of an access request, who has no account, still gets the desk's reply and status change directly", async () => {
    const [request] = await queue(staff, "?type=access_request");
    if (!request) throw new Error("the demo has an access request");
    const ticket = await view(staff, request);
    expect(ticket.requester.id).toBeNull();

    await reply(staff, ticket, "We are looking at your request.");
    await patch(staff, ticket, { status: "waiting_on_customer" });
    await mailDelivered();
    const replied = await smtp.waitFor(mailTo(ticket.requester.email, ticket, "looking at your request"));
    expect(replied.text).toContain("Sam Staff replied");
    expect(replied.text).toContain(`/desk/tickets/${ticket.id}`);
    await smtp.waitFor(mailTo(ticket.requester.email, ticket, '"Waiting on customer"'));
    expect(
      smtp.received.filter(mailTo(ticket.requester.email, ticket, "looking at your request")),
    ).toHaveLength(1);
    expect(
      smtp.received.filter(mailTo(ticket.requester.email, ticket, '"Waiting on customer"')),
    ).toHaveLength(1);
  });
});

describe("e-mail to people who left", () => {
  it("a deactivated watcher gets no ticket e-mail, while the requester still does", async () => {
    const ticket = await open(requester, { subject: "After they left", sharedWithOrganisation: true });
    await colleague.post(`/api/desk/tickets/${ticket.id}/watch`);
    const colleagueId = (await colleague.get("/api/me")).json().id;
    expect((await staff.patch(`/api/admin/users/${colleagueId}`, { status: "deactivated" })).statusCode).toBe(
      200,
    );
    try {
      await reply(staff, ticket, "An update after the colleague left.");
      await sendMissedMail();
      await smtp.waitFor(inboxMailTo("member@northwind.example", ticket));
      expect(smtp.received.filter(inboxMailTo(COLLEAGUE_EMAIL, ticket))).toEqual([]);
    } finally {
      await staff.patch(`/api/admin/users/${colleagueId}`, { status: "active" });
      colleague = await community.signIn(COLLEAGUE_EMAIL);
    }
  });
});

describe("attachments", () => {
  it("the requester uploads a PNG and a text file; requester and staff download the same bytes", async () => {
    const ticket = await open(requester, { subject: "Screenshots attached" });
    const files = [
      { filename: "screen.png", contentType: "image/png", data: PNG },
      { filename: "console.log", contentType: "text/plain", data: Buffer.from("error: schedule conflict\n") },
    ];
    for (const file of files) {
      const response = await requester.upload(`/api/desk/tickets/${ticket.id}/attachments`, file);
      expect(response.statusCode, response.body).toBe(201);
      const attachment = response.json() as Attachment;
      expect(attachment).toMatchObject({
        filename: file.filename,
        contentType: file.contentType,
        size: file.data.length,
        url: `/api/desk/attachments/${attachment.id}`,
      });
      for (const reader of [requester, staff]) {
        const download = await reader.get(attachment.url);
        expect(download.statusCode).toBe(200);
        expect(download.headers["content-type"]).toContain(file.contentType);
        expect(download.rawPayload.equals(file.data)).toBe(true);
      }
      const stranger = await outsider.get(attachment.url);
      expect(stranger.statusCode).toBe(404);
      expect(stranger.rawPayload.equals(file.data)).toBe(false);
      expect((await community.anonymous().get(attachment.url)).statusCode).toBe(401);
    }
    expect((await view(requester, ticket)).attachments.map((a) => a.filename)).toEqual([
      "screen.png",
      "console.log",
    ]);
  });

  it("answers a download's Range with just those bytes, and a range past the end with 416", async () => {
    const ticket = await open(requester, { subject: "A log to resume" });
    const data = Buffer.from("0123456789abcdefghij");
    const uploaded = await requester.upload(`/api/desk/tickets/${ticket.id}/attachments`, {
      filename: "resume.log",
      contentType: "text/plain",
      data,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const url = uploaded.json().url as string;
    const get = (range: string) =>
      community.app.inject({ method: "GET", url, headers: { cookie: requester.cookie ?? "", range } });
    const whole = await requester.get(url);
    expect(whole.headers["accept-ranges"]).toBe("bytes");
    const middle = await get("bytes=5-9");
    expect(middle.statusCode).toBe(206);
    expect(middle.headers["content-range"]).toBe("bytes 5-9/20");
    expect(middle.body).toBe("56789");
    const tail = await get("bytes=-3");
    expect(tail.statusCode).toBe(206);
    expect(tail.body).toBe("hij");
    const past = await get("bytes=20-");
    expect(past.statusCode).toBe(416);
    expect(past.headers["content-range"]).toBe("bytes */20");
    expect(past.json().error.code).toBe("range_not_satisfiable");
  });

  it("staff attach a file to a customer's ticket and the customer downloads it", async () => {
    const ticket = await open(requester, { subject: "Staff sends a file" });
    const data = Buffer.from('{"build":"sandbox"}');
    const response = await staff.upload(`/api/desk/tickets/${ticket.id}/attachments`, {
      filename: "build.json",
      contentType: "application/json",
      data,
    });
    expect(response.statusCode).toBe(201);
    const download = await requester.get(response.json().url);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(data)).toBe(true);
  });

  it("refuses a disallowed file type with 415, and a type whose extension does not match", async () => {
    const ticket = await open(requester, { subject: "Executable attached" });
    const url = `/api/desk/tickets/${ticket.id}/attachments`;
    const exe = await requester.upload(url, {
      filename: "setup.exe",
      contentType: "application/x-msdownload",
      data: Buffer.from("MZ\x90\x00fake executable"),
    });
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error).toMatchObject({
      code: "unsupported_media_type",
      fields: { file: expect.any(String) },
    });
    const disguised = await requester.upload(url, {
      filename: "setup.exe",
      contentType: "image/png",
      data: PNG,
    });
    expect(disguised.statusCode).toBe(415);
    expect((await view(requester, ticket)).attachments).toEqual([]);
  });

  it("refuses a request without a file", async () => {
    const ticket = await open(requester, { subject: "No file" });
    const response = await requester.post(`/api/desk/tickets/${ticket.id}/attachments`, {});
    expect(response.statusCode).toBe(400);
  });
});

describe("the upload size limit", () => {
  let small: TestCommunity;

  beforeAll(async () => {
    small = await startTestCommunity({ maxUploadBytes: 1024 });
  });
  afterAll(() => small?.close());

  it("accepts a file at the limit and refuses one over it with 413", async () => {
    const member = await small.signIn("member@northwind.example");
    const created = await member.post("/api/desk/tickets", {
      type: "support_question",
      subject: "Large log file",
      description: "See the attached log.",
    });
    expect(created.statusCode).toBe(201);
    const url = `/api/desk/tickets/${created.json().id}/attachments`;
    const atLimit = await member.upload(url, {
      filename: "fits.txt",
      contentType: "text/plain",
      data: Buffer.alloc(1024, "a"),
    });
    expect(atLimit.statusCode, atLimit.body).toBe(201);
    const over = await member.upload(url, {
      filename: "big.txt",
      contentType: "text/plain",
      data: Buffer.alloc(4096, "b"),
    });
    expect(over.statusCode).toBe(413);
    expect(over.json().error.code).toBe("payload_too_large");
    const ticket = (await member.get(`/api/desk/tickets/${created.json().id}`)).json() as Ticket;
    expect(ticket.attachments.map((a) => a.filename)).toEqual(["fits.txt"]);
  });
});

describe("live ticket pages", () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await community.listen();
  });

  it("tells staff alone of an internal note, and the requester of a public reply, a status and an assignee change", async () => {
    const requesterSocket = await connectRealtime({ baseUrl, cookie: requester.cookie ?? "" });
    const staffSocket = await connectRealtime({ baseUrl, cookie: staff.cookie ?? "" });
    try {
      const ticket = await open(requester, { subject: "Live internal note" });
      const about = (socket: Socket) =>
        socket.events(ticketChanged).filter((frame) => frame.payload.ticketId === ticket.id);
      const nth = (socket: Socket, count: number) => socket.waitFor(() => about(socket).length >= count);
      await nth(staffSocket, 1);
      await nth(requesterSocket, 1);

      const note = await staff.post(`/api/desk/tickets/${ticket.id}/comments`, {
        body: "Customer is on the old build.",
        internal: true,
      });
      expect(note.statusCode, note.body).toBe(201);
      await nth(staffSocket, 2);
      // Events arrive in order: the status change's event comes after the note's would have.
      expect((await staff.patch(`/api/desk/tickets/${ticket.id}`, { status: "open" })).statusCode).toBe(200);
      await nth(requesterSocket, 2);
      await nth(staffSocket, 3);
      expect(about(requesterSocket).map((frame) => frame.id)).toEqual([
        about(staffSocket)[0]?.id,
        about(staffSocket)[2]?.id,
      ]);

      const assign = await staff.patch(`/api/desk/tickets/${ticket.id}`, {
        assigneeId: community.demo.people.staff.id,
      });
      expect(assign.statusCode, assign.body).toBe(200);
      await nth(requesterSocket, 3);
      const reply = await staff.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "On it." });
      expect(reply.statusCode, reply.body).toBe(201);
      await nth(requesterSocket, 4);
      // What the requester's page then fetches holds the reply, never the note.
      const seen = (await requester.get(`/api/desk/tickets/${ticket.id}`)).json() as Ticket;
      expect(seen.comments.map((comment) => comment.internal)).toEqual([false]);
    } finally {
      await requesterSocket.close();
      await staffSocket.close();
    }
  });

  it("tells the requester and staff at once that a ticket changed, colleagues once it is shared, never another organisation", async () => {
    const sockets = await Promise.all(
      [requester, staff, colleague, outsider].map((client) =>
        connectRealtime({ baseUrl, cookie: client.cookie ?? "" }),
      ),
    );
    const [requesterSocket, staffSocket, colleagueSocket, outsiderSocket] = sockets as [
      Socket,
      Socket,
      Socket,
      Socket,
    ];
    try {
      const ticket = await open(requester, { subject: "Live reply wanted" });
      const changed = (socket: Socket) =>
        socket.waitForEvent(ticketChanged, (payload) => payload.ticketId === ticket.id);
      await changed(staffSocket);
      const reply = await staff.post(`/api/desk/tickets/${ticket.id}/comments`, { body: "Looking into it." });
      expect(reply.statusCode, reply.body).toBe(201);
      await changed(requesterSocket);
      expect(colleagueSocket.events(ticketChanged)).toEqual([]);

      await requester.patch(`/api/desk/tickets/${ticket.id}`, { sharedWithOrganisation: true });
      await changed(colleagueSocket);
      // A later event for everyone marks the point by which the outsider would have had it.
      const marker = await open(outsider, { subject: "Marker for the outsider" });
      await outsiderSocket.waitForEvent(ticketChanged, (payload) => payload.ticketId === marker.id);
      expect(JSON.stringify(outsiderSocket.events(ticketChanged))).not.toContain(ticket.id);
    } finally {
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  });
});
