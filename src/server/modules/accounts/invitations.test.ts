import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, users } from "../../db/schema.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { linkIn, type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let staff: Client;
let northwindAdmin: Client;
let northwindMember: Client;
let contosoMember: Client;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
  [staff, northwindAdmin, northwindMember, contosoMember] = await Promise.all([
    community.signIn("staff@vendor.example"),
    community.signIn("admin@northwind.example"),
    community.signIn("member@northwind.example"),
    community.signIn("member@contoso.example"),
  ]);
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Delivers queued mail over SMTP and returns the invitation links' tokens sent to `to`, oldest first. */
async function invitationTokensFor(to: string, atLeast = 1): Promise<string[]> {
  const isInvitation = (m: ReceivedMail) => m.to.includes(to) && m.subject.includes("invitation");
  await community.app.mailer.flush();
  await smtp.waitFor(() => smtp.received.filter(isInvitation).length >= atLeast);
  return smtp.received.filter(isInvitation).map((m) => linkIn(m.text, "/invite"));
}

async function invitationTokenFor(to: string): Promise<string> {
  const [token] = await invitationTokensFor(to);
  if (!token) throw new Error(`no invitation to ${to}`);
  return token;
}

/**
 * Invitation links are public and accept is limited per IP, so each anonymous visitor here comes
 * from an address of their own: no test depends on how many links the others followed.
 */
let visitor = 0;
function fromNewVisitor() {
  const remoteAddress = `198.51.100.${++visitor}`;
  return {
    preview: (token: string) => community.app.inject({ url: `/api/invitations/${token}`, remoteAddress }),
    accept: (token: string, body: unknown) =>
      community.app.inject({
        method: "POST",
        url: `/api/invitations/${token}/accept`,
        headers: { [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
        payload: body as object,
        remoteAddress,
      }),
  };
}

async function usersWithEmail(email: string) {
  return community.db.select().from(users).where(eq(users.email, email));
}

async function auditFor(action: string, targetId: string) {
  return community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));
}

describe("a member invites a colleague", () => {
  it("sends an invitation to an address at the organisation's domain by e-mail over SMTP", async () => {
    const response = await northwindMember.post("/api/invitations", {
      email: "Colleague.One@Northwind.example",
    });
    expect(response.statusCode).toBe(201);
    const invitation = response.json();
    const { northwind } = community.demo.organisations;
    expect(invitation).toMatchObject({
      email: "colleague.one@northwind.example",
      organisation: { id: northwind.id, name: "Northwind Research Unit" },
      invitedBy: { id: community.demo.people.northwindMember.id, name: "Ned Member" },
      status: "pending",
    });
    const lifetimeDays =
      (Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)) / (24 * 3600_000);
    expect(lifetimeDays).toBeCloseTo(7, 2);

    await community.app.mailer.flush();
    const mail = await smtp.waitFor((m) => m.to.includes("colleague.one@northwind.example"));
    expect(mail.subject).toContain("Northwind Research Unit");
    expect(mail.text).toContain("Ned Member has invited you");
    expect(mail.text).toContain(`${TEST_ORIGIN}/invite/`);
  });

  it("puts at least 128 bits of randomness in the link and stores only its sha256 hash", async () => {
    const first = await northwindMember.post("/api/invitations", {
      email: "colleague.two@northwind.example",
    });
    const second = await northwindMember.post("/api/invitations", {
      email: "colleague.three@northwind.example",
    });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    const token = await invitationTokenFor("colleague.two@northwind.example");
    const otherToken = await invitationTokenFor("colleague.three@northwind.example");

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeGreaterThanOrEqual(22); // 22 base64url characters carry 132 bits
    expect(otherToken).not.toEqual(token);

    const [row] = await community.db.select().from(invitations).where(eq(invitations.id, first.json().id));
    expect(row?.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const [clear] = await community.db
      .select({ n: count() })
      .from(invitations)
      .where(inArray(invitations.tokenHash, [token, otherToken]));
    expect(clear?.n).toBe(0);
    const audit = await auditFor("invitation.sent", first.json().id);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it("refuses an address at another organisation's domain, naming the e-mail field", async () => {
    const response = await northwindMember.post("/api/invitations", { email: "someone@contoso.example" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation");
    expect(response.json().error.fields.email).toContain("northwind.example");
    const rows = await community.db
      .select()
      .from(invitations)
      .where(eq(invitations.email, "someone@contoso.example"));
    expect(rows).toHaveLength(0);
  });

  it("names the e-mail field of a malformed invitation", async () => {
    const response = await northwindMember.post("/api/invitations", { email: "not-an-address" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.email).toEqual(expect.any(String));
  });

  it("forbids a member from inviting into another organisation", async () => {
    const response = await northwindMember.post("/api/invitations", {
      email: "someone@contoso.example",
      organisationId: community.demo.organisations.contoso.id,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("forbidden");
    // ...even when the address is at their own domain.
    const ownDomain = await northwindMember.post("/api/invitations", {
      email: "sneaky@northwind.example",
      organisationId: community.demo.organisations.contoso.id,
    });
    expect(ownDomain.statusCode).toBe(403);
    const rows = await community.db
      .select()
      .from(invitations)
      .where(inArray(invitations.email, ["someone@contoso.example", "sneaky@northwind.example"]));
    expect(rows).toHaveLength(0);
  });

  it("refuses to invite an address that already has an account", async () => {
    const response = await northwindAdmin.post("/api/invitations", { email: "Member@Northwind.example" });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("conflict");
    expect(response.json().error.fields.email).toEqual(expect.any(String));
  });

  it("requires a signed-in person", async () => {
    const response = await community.anonymous().post("/api/invitations", { email: "x@northwind.example" });
    expect(response.statusCode).toBe(401);
    expect((await community.anonymous().get("/api/invitations")).statusCode).toBe(401);
  });

  it("allows 20 invitations per inviter a day and answers 429 to the 21st", async () => {
    const dev = community.demo.people.fabrikamDev;
    const fabrikam = await community.signIn("dev@fabrikam.example");
    const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000);
    const earlier = await community.db
      .insert(invitations)
      .values(
        Array.from({ length: 19 }, (_, i) => ({
          tokenHash: sha256(randomBytes(32).toString("base64url")),
          email: `earlier-${i}@fabrikam.example`,
          organisationId: community.demo.organisations.fabrikam.id,
          invitedBy: dev.id,
          expiresAt,
        })),
      )
      .returning({ id: invitations.id });

    const twentieth = await fabrikam.post("/api/invitations", { email: "twentieth@fabrikam.example" });
    expect(twentieth.statusCode).toBe(201);
    const twentyFirst = await fabrikam.post("/api/invitations", { email: "twenty-first@fabrikam.example" });
    expect(twentyFirst.statusCode).toBe(429);
    expect(twentyFirst.json().error.code).toBe("rate_limited");
    expect(await usersWithEmail("twenty-first@fabrikam.example")).toHaveLength(0);
    const refused = await community.db
      .select()
      .from(invitations)
      .where(eq(invitations.email, "twenty-first@fabrikam.example"));
    expect(refused).toHaveLength(0);

    // The limit is per inviter: staff still invite into the same organisation.
    const byStaff = await staff.post("/api/invitations", {
      email: "twenty-first@fabrikam.example",
      organisationId: community.demo.organisations.fabrikam.id,
    });
    expect(byStaff.statusCode).toBe(201);

    // ...and per day: once the earlier ones are more than 24 hours old, the inviter may send again.
    await community.db
      .update(invitations)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(
        inArray(
          invitations.id,
          earlier.map((r) => r.id),
        ),
      );
    const nextDay = await fabrikam.post("/api/invitations", { email: "next-day@fabrikam.example" });
    expect(nextDay.statusCode).toBe(201);
  });
  it("holds the daily limit when an inviter sends many invitations at once", async () => {
    const inviter = community.demo.people.contosoMember;
    await community.db.insert(invitations).values(
      Array.from({ length: 19 }, (_, i) => ({
        tokenHash: sha256(randomBytes(32).toString("base64url")),
        email: `parallel-earlier-${i}@contoso.example`,
        organisationId: community.demo.organisations.contoso.id,
        invitedBy: inviter.id,
        expiresAt: new Date(Date.now() + 7 * 24 * 3600_000),
      })),
    );
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        contosoMember.post("/api/invitations", { email: `parallel-${i}@contoso.example` }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 429, 429, 429, 429]);
    const [sent] = await community.db
      .select({ n: count() })
      .from(invitations)
      .where(eq(invitations.invitedBy, inviter.id));
    expect(sent?.n).toBe(20);
  });
});

describe("staff invitations", () => {
  it("lets staff invite anyone into any organisation, without the domain check", async () => {
    const response = await staff.post("/api/invitations", {
      email: "consultant@freelance.example",
      organisationId: community.demo.organisations.contoso.id,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      email: "consultant@freelance.example",
      organisation: { id: community.demo.organisations.contoso.id, name: "Contoso Clinical" },
      invitedBy: { id: community.demo.people.staff.id },
      status: "pending",
    });
    const token = await invitationTokenFor("consultant@freelance.example");
    const visitor = fromNewVisitor();
    const accepted = await visitor.accept(token, { name: "Casey Consultant", password: "a-long-password-1" });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user.organisation).toMatchObject({ name: "Contoso Clinical", kind: "customer" });
  });

  it("answers 404 when staff invite into an organisation that does not exist", async () => {
    const response = await staff.post("/api/invitations", {
      email: "nobody@nowhere.example",
      organisationId: "01890000-0000-7000-8000-000000000000",
    });
    expect(response.statusCode).toBe(404);
  });
});

describe("who sees and revokes pending invitations", () => {
  it("the org admin lists their organisation's pending invitations and revokes one: its link is then gone", async () => {
    const sent = await northwindMember.post("/api/invitations", { email: "to-revoke@northwind.example" });
    expect(sent.statusCode).toBe(201);
    const { id } = sent.json();
    const token = await invitationTokenFor("to-revoke@northwind.example");

    const list = await northwindAdmin.get("/api/invitations?status=pending");
    expect(list.statusCode).toBe(200);
    const listed = list.json().invitations as { id: string; status: string; organisation: { id: string } }[];
    expect(listed.map((i) => i.id)).toContain(id);
    expect(listed.every((i) => i.status === "pending")).toBe(true);
    expect(listed.every((i) => i.organisation.id === community.demo.organisations.northwind.id)).toBe(true);

    const revoked = await northwindAdmin.post(`/api/invitations/${id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id, status: "revoked" });
    const pendingAfter = (await northwindAdmin.get("/api/invitations?status=pending")).json().invitations;
    expect(pendingAfter.map((i: { id: string }) => i.id)).not.toContain(id);

    const visitor = fromNewVisitor();
    const preview = await visitor.preview(token);
    expect(preview.statusCode).toBe(410);
    expect(preview.json().error.code).toBe("gone");
    const accept = await visitor.accept(token, { name: "Too Late", password: "a-long-password-1" });
    expect(accept.statusCode).toBe(410);
    expect(await usersWithEmail("to-revoke@northwind.example")).toHaveLength(0);

    const again = await northwindAdmin.post(`/api/invitations/${id}/revoke`);
    expect(again.statusCode).toBe(409);

    const [audit] = await auditFor("invitation.revoked", id);
    expect(audit?.actorId).toBe(community.demo.people.northwindAdmin.id);
  });

  it("hides an invitation from a member of another organisation, who cannot revoke it either", async () => {
    const sent = await northwindAdmin.post("/api/invitations", { email: "hidden@northwind.example" });
    expect(sent.statusCode).toBe(201);
    const { id } = sent.json();

    const theirList = (await contosoMember.get("/api/invitations")).json().invitations;
    expect(theirList.map((i: { id: string }) => i.id)).not.toContain(id);
    const stranger = await contosoMember.post(`/api/invitations/${id}/revoke`);
    expect(stranger.statusCode).toBe(404);

    // A colleague who neither sent it nor administers the organisation does not see or revoke it either.
    const colleagueList = (await northwindMember.get("/api/invitations")).json().invitations;
    expect(colleagueList.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await northwindMember.post(`/api/invitations/${id}/revoke`)).statusCode).toBe(404);

    const anonymous = await community.anonymous().post(`/api/invitations/${id}/revoke`);
    expect(anonymous.statusCode).toBe(401);

    const [row] = await community.db.select().from(invitations).where(eq(invitations.id, id));
    expect(row?.revokedAt).toBeNull();
  });

  it("a member sees the invitations they sent and revokes their own", async () => {
    const sent = await northwindMember.post("/api/invitations", { email: "own@northwind.example" });
    const { id } = sent.json();
    const mine = (await northwindMember.get("/api/invitations")).json().invitations;
    expect(mine.map((i: { id: string }) => i.id)).toContain(id);
    expect(
      mine.every(
        (i: { invitedBy: { id: string } }) => i.invitedBy.id === community.demo.people.northwindMember.id,
      ),
    ).toBe(true);

    const revoked = await northwindMember.post(`/api/invitations/${id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe("revoked");
    const [audit] = await auditFor("invitation.revoked", id);
    expect(audit?.actorId).toBe(community.demo.people.northwindMember.id);
  });

  it("staff see every organisation's invitations and filter by organisation", async () => {
    await northwindMember.post("/api/invitations", { email: "for-staff-list@northwind.example" });
    const contosoInvite = await staff.post("/api/invitations", {
      email: "for-staff-list@contoso.example",
      organisationId: community.demo.organisations.contoso.id,
    });
    expect(contosoInvite.statusCode).toBe(201);
    const all = (await staff.get("/api/invitations")).json().invitations as {
      organisation: { id: string };
    }[];
    const organisationsSeen = new Set(all.map((i) => i.organisation.id));
    expect(organisationsSeen).toContain(community.demo.organisations.northwind.id);
    expect(organisationsSeen).toContain(community.demo.organisations.contoso.id);
    const contosoId = community.demo.organisations.contoso.id;
    const filtered = (await staff.get(`/api/invitations?organisationId=${contosoId}`)).json().invitations as {
      organisation: { id: string };
    }[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((i) => i.organisation.id === contosoId)).toBe(true);
  });

  it("a new invitation to the same address revokes the earlier link", async () => {
    await northwindMember.post("/api/invitations", { email: "twice@northwind.example" });
    await invitationTokenFor("twice@northwind.example");
    await northwindAdmin.post("/api/invitations", { email: "twice@northwind.example" });
    const [firstToken, secondToken] = await invitationTokensFor("twice@northwind.example", 2);
    if (!firstToken || !secondToken) throw new Error("expected two invitation links");
    expect(secondToken).not.toEqual(firstToken);
    const visitor = fromNewVisitor();
    expect((await visitor.preview(firstToken)).statusCode).toBe(410);
    expect((await visitor.preview(secondToken)).statusCode).toBe(200);
  });
});

describe("following an invitation link", () => {
  it("previews a valid link with the address and the organisation's name", async () => {
    await northwindMember.post("/api/invitations", { email: "preview@northwind.example" });
    const token = await invitationTokenFor("preview@northwind.example");
    const preview = await fromNewVisitor().preview(token);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({
      email: "preview@northwind.example",
      organisation: { name: "Northwind Research Unit" },
      expiresAt: expect.any(String),
    });
    expect(Date.parse(preview.json().expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
  });

  it("creates the account in the inviting organisation, signs the person in and works exactly once", async () => {
    const sent = await northwindMember.post("/api/invitations", { email: "newcomer@northwind.example" });
    const token = await invitationTokenFor("newcomer@northwind.example");
    const visitor = fromNewVisitor();

    const accepted = await visitor.accept(token, { name: "  Nia Newcomer ", password: "a-long-password-1" });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user).toMatchObject({
      email: "newcomer@northwind.example",
      name: "Nia Newcomer",
      organisation: { id: community.demo.organisations.northwind.id, name: "Northwind Research Unit" },
      isStaff: false,
      isOrgAdmin: false,
    });
    const cookie = accepted.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    const me = await community.app.inject({
      url: "/api/me",
      headers: { cookie: `${SESSION_COOKIE}=${cookie?.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe("newcomer@northwind.example");
    const signedIn = await community.signIn("newcomer@northwind.example", "a-long-password-1");
    expect((await signedIn.get("/api/me")).json().organisation.name).toBe("Northwind Research Unit");

    const listed = (await northwindAdmin.get("/api/invitations")).json().invitations;
    expect(listed.find((i: { id: string }) => i.id === sent.json().id)?.status).toBe("accepted");
    const [acceptedAudit] = await auditFor("invitation.accepted", sent.json().id);
    expect(acceptedAudit?.actorId).toBe(accepted.json().user.id);
    const [sentAudit] = await auditFor("invitation.sent", sent.json().id);
    expect(sentAudit?.actorId).toBe(community.demo.people.northwindMember.id);

    // The same link a second time: gone, and no second account (nor a renamed one).
    const reused = await fromNewVisitor().accept(token, {
      name: "Someone Else",
      password: "another-password-2",
    });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().error.code).toBe("gone");
    expect(reused.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    expect((await fromNewVisitor().preview(token)).statusCode).toBe(410);
    const accounts = await usersWithEmail("newcomer@northwind.example");
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.name).toBe("Nia Newcomer");
    expect(
      (
        await community
          .anonymous()
          .post("/api/auth/login", { email: "newcomer@northwind.example", password: "another-password-2" })
      ).statusCode,
    ).toBe(401);
  });

  it("creates one account when the same link is accepted several times at once", async () => {
    await northwindMember.post("/api/invitations", { email: "parallel-accept@northwind.example" });
    const token = await invitationTokenFor("parallel-accept@northwind.example");
    const responses = await Promise.all(
      [1, 2, 3].map((i) =>
        fromNewVisitor().accept(token, { name: `Parallel ${i}`, password: "a-long-password-1" }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 410, 410]);
    expect(await usersWithEmail("parallel-accept@northwind.example")).toHaveLength(1);
  });

  it("answers 410 to an expired link and creates no account", async () => {
    const sent = await northwindMember.post("/api/invitations", { email: "expired@northwind.example" });
    const token = await invitationTokenFor("expired@northwind.example");
    await community.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, sent.json().id));
    const visitor = fromNewVisitor();
    expect((await visitor.preview(token)).statusCode).toBe(410);
    const accept = await visitor.accept(token, { name: "Late Comer", password: "a-long-password-1" });
    expect(accept.statusCode).toBe(410);
    expect(await usersWithEmail("expired@northwind.example")).toHaveLength(0);
    const listed = (await northwindMember.get("/api/invitations")).json().invitations;
    expect(listed.find((i: { id: string }) => i.id === sent.json().id)?.status).toBe("expired");
  });

  it("answers 404 to a link nobody issued", async () => {
    const unknown = randomBytes(32).toString("base64url");
    const visitor = fromNewVisitor();
    const preview = await visitor.preview(unknown);
    expect(preview.statusCode).toBe(404);
    expect(preview.json().error.code).toBe("not_found");
    expect(
      (await visitor.accept(unknown, { name: "Nobody", password: "a-long-password-1" })).statusCode,
    ).toBe(404);
  });

  it("refuses a short password, naming the field, and leaves the link usable", async () => {
    await northwindMember.post("/api/invitations", { email: "short@northwind.example" });
    const token = await invitationTokenFor("short@northwind.example");
    const visitor = fromNewVisitor();
    const refused = await visitor.accept(token, { name: "Shay Short", password: "short" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.password).toEqual(expect.any(String));
    const noName = await visitor.accept(token, { name: "  ", password: "a-long-password-1" });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.fields.name).toEqual(expect.any(String));
    expect(await usersWithEmail("short@northwind.example")).toHaveLength(0);

    expect((await visitor.preview(token)).statusCode).toBe(200);
    const accepted = await visitor.accept(token, { name: "Shay Short", password: "a-long-password-1" });
    expect(accepted.statusCode).toBe(200);
  });
});
