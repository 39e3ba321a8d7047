import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, tickets } from "./db/schema.js";
import { DEMO_PASSWORD } from "./demo/seed.js";
import { issueInvitation } from "./modules/accounts/invitations.js";
import { createOrganisation } from "./modules/accounts/organisations.js";
import { requestPasswordReset } from "./modules/accounts/password-reset.js";
import { actorOf, createUser } from "./modules/accounts/users.js";
import { submitAccessRequest } from "./modules/desk/access-requests.js";
import { attachToTicket, openTicket } from "./modules/desk/tickets.js";
import { startSession } from "./platform/auth/sessions.js";
import type { Ctx } from "./platform/context.js";
import { listOutbox } from "./platform/mail/service.js";
import { hashToken } from "./platform/tokens.js";
import { type Client, startTestCommunity, type TestCommunity } from "./testing/harness.js";
import { linkIn } from "./testing/smtp.js";

/**
 * Who may call what: every route of docs/API.md (and the public platform routes) against five
 * callers. "Member of the same organisation" is member@northwind.example, who opened the Northwind
 * tickets and sent the Northwind invitations used here; "member of another organisation" is
 * member@contoso.example. Every case builds the fresh resource it needs, so cases are independent.
 */

const roles = ["anonymous", "sameOrg", "otherOrg", "orgAdmin", "staff"] as const;
type Role = (typeof roles)[number];

const roleNames: Record<Role, string> = {
  anonymous: "anonymous",
  sameOrg: "member of the same organisation",
  otherOrg: "member of another organisation",
  orgAdmin: "org admin",
  staff: "staff",
};

const roleEmails: Record<Exclude<Role, "anonymous">, string> = {
  sameOrg: "member@northwind.example",
  otherOrg: "member@contoso.example",
  orgAdmin: "admin@northwind.example",
  staff: "staff@vendor.example",
};

type Expected = Record<Role, number>;
const everyone = (status: number): Expected => ({
  anonymous: status,
  sameOrg: status,
  otherOrg: status,
  orgAdmin: status,
  staff: status,
});
const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
const staffOnly = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: 403,
  otherOrg: 403,
  orgAdmin: 403,
  staff: status,
});
/** A Northwind resource the same-organisation member owns: the other organisation never learns it exists. */
const northwindResource = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: status,
});

type Caller = { role: Role; client: Client; email: string | null };
type Row = {
  /** "METHOD /path" exactly as docs/API.md writes it. */
  route: string;
  /** Distinguishes rows of one route that test different permissions (e.g. PATCH of sharing vs status). */
  variant?: string;
  expected: Expected;
  call: (caller: Caller) => Promise<LightMyRequestResponse>;
};

let community: TestCommunity;
const clients = {} as Record<Role, Client>;
let seededTicketId: string;

beforeAll(async () => {
  community = await startTestCommunity();
  clients.anonymous = community.anonymous();
  for (const role of roles) {
    if (role !== "anonymous") clients[role] = await community.signIn(roleEmails[role]);
  }
  const [seeded] = await community.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, 1));
  if (!seeded) throw new Error("the demo seed has no ticket #1");
  seededTicketId = seeded.id;
});
afterAll(() => community?.close());

// --- fresh resources, built through the services so a broken route cannot break another row ---

let sequence = 0;
const unique = (label: string) => `${label}-${++sequence}`;
const people = () => community.demo.people;
const northwind = () => community.demo.organisations.northwind;
const ctxAs = (user: Parameters<typeof actorOf>[0] | null): Ctx => ({
  ...community.ctx,
  actor: user ? actorOf(user) : null,
});

async function northwindTicket(shared = true) {
  const member = people().northwindMember;
  return openTicket(ctxAs(member), actorOf(member), {
    type: "support_question",
    subject: unique("Matrix ticket"),
    description: "A ticket for the authorization matrix.",
    sharedWithOrganisation: shared,
  });
}

async function northwindAttachment() {
  const member = people().northwindMember;
  const ticket = await northwindTicket();
  return attachToTicket(ctxAs(member), actorOf(member), ticket.id, {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("attachment")),
  });
}

async function accessRequest(): Promise<string> {
  const number = await submitAccessRequest(community.ctx, {
    name: "Ada Applicant",
    email: `${unique("applicant")}@northwind.example`,
    organisation: "Northwind Research Unit",
    role: "Study nurse",
    reason: "I run the visits of our unit's studies.",
  });
  const [row] = await community.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number));
  if (!row) throw new Error(`access request #${number} was not written`);
  return row.id;
}

async function lastMailTo(email: string): Promise<string> {
  const [mail] = await listOutbox(community.db, { to: email, limit: 1 });
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail.text;
}

/** A pending invitation into Northwind, sent by the same-organisation member. */
async function northwindInvitation() {
  const email = `${unique("invitee")}@northwind.example`;
  const invitation = await issueInvitation(ctxAs(people().northwindMember), {
    email,
    organisationId: northwind().id,
  });
  return { id: invitation.id, token: linkIn(await lastMailTo(email), "/invite") };
}

async function throwawayUser() {
  return createUser(community.ctx, {
    email: `${unique("someone")}@northwind.example`,
    name: "Some One",
    password: DEMO_PASSWORD,
    organisationId: northwind().id,
  });
}

async function passwordResetToken(): Promise<string> {
  const user = await throwawayUser();
  await requestPasswordReset(community.ctx, user.email);
  return linkIn(await lastMailTo(user.email), "/reset-password");
}

async function sessionOfSameOrgMember(): Promise<string> {
  const token = await startSession(community.db, community.config, {
    userId: people().northwindMember.id,
    ip: null,
    userAgent: "authorization matrix",
  });
  const [row] = await community.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)));
  if (!row) throw new Error("session was not written");
  return row.id;
}

const nameOf = (role: Role) =>
  role === "anonymous"
    ? "Nobody"
    : {
        sameOrg: "Ned Member",
        otherOrg: "Cora Member",
        orgAdmin: "Nora Admin",
        staff: "Sam Staff",
      }[role];

// --- the matrix ---

const rows: Row[] = [
  // Platform
  { route: "GET /api/health", expected: everyone(200), call: ({ client }) => client.get("/api/health") },
  {
    route: "GET /api/openapi.json",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/openapi.json"),
  },

  // Accounts
  {
    route: "POST /api/auth/login",
    expected: everyone(200),
    call: ({ client, email }) =>
      client.post("/api/auth/login", { email: email ?? "dev@fabrikam.example", password: DEMO_PASSWORD }),
  },
  {
    route: "POST /api/auth/logout",
    expected: signedIn(204),
    call: async ({ client, email }) => {
      const fresh = email ? await community.signIn(email) : client;
      return fresh.post("/api/auth/logout");
    },
  },
  { route: "GET /api/me", expected: signedIn(200), call: ({ client }) => client.get("/api/me") },
  {
    route: "PATCH /api/me",
    expected: signedIn(200),
    call: ({ client, role }) => client.patch("/api/me", { name: nameOf(role) }),
  },
  {
    route: "POST /api/me/password",
    expected: signedIn(204),
    call: ({ client }) =>
      client.post("/api/me/password", { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
  },
  {
    route: "GET /api/me/sessions",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/sessions"),
  },
  {
    route: "DELETE /api/me/sessions/:id",
    variant: "a session of the same-organisation member",
    // Only one's own sessions: neither the org admin nor staff end someone else's here.
    expected: { anonymous: 401, sameOrg: 204, otherOrg: 404, orgAdmin: 404, staff: 404 },
    call: async ({ client }) => client.delete(`/api/me/sessions/${await sessionOfSameOrgMember()}`),
  },
  {
    route: "POST /api/me/totp/setup",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/me/totp/setup"),
  },
  {
    route: "POST /api/me/totp/enable",
    expected: signedIn(204),
    call: async ({ client, role }) => {
      if (role === "anonymous") return client.post("/api/me/totp/enable", { code: "123456" });
      const { secret } = (await client.post("/api/me/totp/setup")).json();
      const response = await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
      // Back to password-only sign-in for the rest of the file.
      await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD });
      return response;
    },
  },
  {
    route: "POST /api/me/totp/disable",
    expected: signedIn(204),
    call: ({ client }) => client.post("/api/me/totp/disable", { password: DEMO_PASSWORD }),
  },
  {
    route: "POST /api/auth/password-reset",
    expected: everyone(202),
    call: ({ client }) =>
      client.post("/api/auth/password-reset", { email: `${unique("who")}@northwind.example` }),
  },
  {
    route: "GET /api/auth/password-reset/:token",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/auth/password-reset/${await passwordResetToken()}`),
  },
  {
    route: "POST /api/auth/password-reset/:token",
    expected: everyone(204),
    call: async ({ client }) =>
      client.post(`/api/auth/password-reset/${await passwordResetToken()}`, { password: "a-fresh-password" }),
  },
  {
    route: "POST /api/access-requests",
    expected: everyone(202),
    call: ({ client }) =>
      client.post("/api/access-requests", {
        name: "Ada Applicant",
        email: `${unique("applicant")}@example.org`,
        organisation: "Example Hospital",
        role: "Pharmacist",
        reason: "I want to try the pharmacy preview with our team.",
      }),
  },
  {
    route: "GET /api/invitations/:token",
    expected: everyone(200),
    call: async ({ client }) => client.get(`/api/invitations/${(await northwindInvitation()).token}`),
  },
  {
    route: "POST /api/invitations/:token/accept",
    expected: everyone(200),
    call: async ({ client }) =>
      client.post(`/api/invitations/${(await northwindInvitation()).token}/accept`, {
        name: "New Colleague",
        password: "a-fresh-password",
      }),
  },
  {
    route: "POST /api/invitations",
    variant: "into Northwind",
    // A member invites only into their own organisation; staff into any.
    expected: { anonymous: 401, sameOrg: 201, otherOrg: 403, orgAdmin: 201, staff: 201 },
    call: ({ client }) =>
      client.post("/api/invitations", {
        email: `${unique("colleague")}@northwind.example`,
        organisationId: northwind().id,
      }),
  },
  {
    route: "GET /api/invitations",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/invitations"),
  },
  {
    route: "POST /api/invitations/:id/revoke",
    variant: "sent by the same-organisation member",
    expected: northwindResource(200),
    call: async ({ client }) => client.post(`/api/invitations/${(await northwindInvitation()).id}/revoke`),
  },

  // Administration
  {
    route: "GET /api/admin/organisations",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/organisations"),
  },
  {
    route: "POST /api/admin/organisations",
    expected: staffOnly(201),
    call: ({ client }) => {
      const name = unique("matrix-org");
      return client.post("/api/admin/organisations", {
        name,
        kind: "customer",
        domains: [`${name}.example`],
      });
    },
  },
  {
    route: "PATCH /api/admin/organisations/:id",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const name = unique("matrix-org");
      const organisation = await createOrganisation(community.ctx, {
        name,
        kind: "customer",
        domains: [`${name}.example`],
      });
      return client.patch(`/api/admin/organisations/${organisation.id}`, { name: `${name} renamed` });
    },
  },
  {
    route: "GET /api/admin/users",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/users"),
  },
  {
    route: "PATCH /api/admin/users/:id",
    variant: "a Northwind member",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/admin/users/${(await throwawayUser()).id}`, { isOrgAdmin: true }),
  },
  {
    route: "GET /api/admin/audit",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/audit"),
  },
  {
    route: "GET /api/admin/mail",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/mail"),
  },

  // Service desk
  {
    route: "GET /api/desk/tickets",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/desk/tickets"),
  },
  {
    route: "POST /api/desk/tickets",
    expected: signedIn(201),
    call: ({ client }) =>
      client.post("/api/desk/tickets", {
        type: "product_feedback",
        subject: unique("Matrix feedback"),
        description: "More keyboard shortcuts, please.",
      }),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "ticket #1, shared with Northwind",
    expected: northwindResource(200),
    call: ({ client }) => client.get(`/api/desk/tickets/${seededTicketId}`),
  },
  {
    route: "GET /api/desk/tickets/:id",
    variant: "not shared",
    // A colleague, even the org admin, sees only what the requester shared.
    expected: northwindResource(200, { orgAdmin: 404 }),
    call: async ({ client }) => client.get(`/api/desk/tickets/${(await northwindTicket(false)).id}`),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "sharing",
    // Sharing is the requester's decision (or staff's); a colleague who sees the ticket may not change it.
    expected: northwindResource(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { sharedWithOrganisation: false }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "status",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { status: "open" }),
  },
  {
    route: "PATCH /api/desk/tickets/:id",
    variant: "assignee",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 200 },
    call: async ({ client }) =>
      client.patch(`/api/desk/tickets/${(await northwindTicket()).id}`, { assigneeId: people().staff.id }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "public reply",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, { body: "A public reply." }),
  },
  {
    route: "POST /api/desk/tickets/:id/comments",
    variant: "internal note",
    expected: { anonymous: 401, sameOrg: 403, otherOrg: 404, orgAdmin: 403, staff: 201 },
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${(await northwindTicket()).id}/comments`, {
        body: "An internal note.",
        internal: true,
      }),
  },
  {
    route: "POST /api/desk/tickets/:id/attachments",
    expected: northwindResource(201),
    call: async ({ client }) =>
      client.upload(`/api/desk/tickets/${(await northwindTicket()).id}/attachments`, {
        filename: "steps.txt",
        contentType: "text/plain",
        data: Buffer.from("1. Open the study\n2. Publish\n"),
      }),
  },
  {
    route: "GET /api/desk/attachments/:id",
    expected: northwindResource(200),
    call: async ({ client }) => client.get((await northwindAttachment()).url),
  },
  {
    route: "POST /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.post(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "DELETE /api/desk/tickets/:id/watch",
    expected: northwindResource(200),
    call: async ({ client }) => client.delete(`/api/desk/tickets/${(await northwindTicket()).id}/watch`),
  },
  {
    route: "POST /api/desk/tickets/:id/approve",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/approve`, { organisationId: northwind().id }),
  },
  {
    route: "POST /api/desk/tickets/:id/decline",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/desk/tickets/${await accessRequest()}/decline`, {
        reason: "We cannot verify your role.",
      }),
  },
  {
    route: "GET /api/desk/staff",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/desk/staff"),
  },
];

const cases = rows.flatMap((row) =>
  roles.map(
    (role) =>
      [
        `${row.route}${row.variant ? ` (${row.variant})` : ""}: ${roleNames[role]} gets ${row.expected[role]}`,
        { row, role, status: row.expected[role] },
      ] as const,
  ),
);

describe("authorization of every route", () => {
  it.each(cases)("%s", async (_name, { row, role, status }) => {
    const email = role === "anonymous" ? null : roleEmails[role];
    const response = await row.call({ role, client: clients[role], email });
    expect(response.statusCode, response.body).toBe(status);
    const code = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[status];
    if (code) expect(response.json().error.code).toBe(code);
  });
});

describe("the matrix itself", () => {
  const covered = new Set(rows.map((row) => row.route));

  it("covers every route of docs/API.md, and nothing else but the public platform routes", () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, "../../docs/API.md"), "utf8");
    const documented = [...doc.matchAll(/^\| (GET|POST|PATCH|PUT|DELETE) \| (\/api\/\S+) \|/gm)].map(
      ([, method, route]) => `${method} ${route}`,
    );
    expect(documented.length).toBeGreaterThan(30);
    expect([...covered].sort()).toEqual(
      [...new Set([...documented, "GET /api/health", "GET /api/openapi.json"])].sort(),
    );
  });

  it("covers every route the server declares in its OpenAPI document", async () => {
    const spec = (await community.anonymous().get("/api/openapi.json")).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const declared = Object.entries(spec.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ":$1")}`,
      ),
    );
    expect(declared.length).toBeGreaterThan(30);
    expect(declared.filter((route) => !covered.has(route))).toEqual([]);
  });
});

describe("access is checked before input", () => {
  it("answers an anonymous request with a malformed body 401, not a field list", async () => {
    const response = await community.anonymous().post("/api/desk/tickets", { type: "nonsense" });
    expect(response.statusCode).toBe(401);
  });

  it("answers a customer's malformed request to a staff route 403, not a field list", async () => {
    const member = await community.signIn("member@contoso.example");
    const response = await member.post("/api/admin/organisations", { kind: "nonsense" });
    expect(response.statusCode).toBe(403);
  });
});
