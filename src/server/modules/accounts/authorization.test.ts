/**
 * Who may call the accounts routes: signing in, one's own profile and sessions, invitations, administration
 * (the callers and the rules of the matrix: src/server/testing/authorization.ts).
 */
import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { generate } from "otplib";
import { passkeys, sessions } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { actingAs } from "../../platform/context.js";
import { listOutbox } from "../../platform/mail/service.js";
import { hashToken } from "../../platform/tokens.js";
import {
  asStaffCtx,
  authorizationMatrix,
  community,
  ctxAs,
  everyone,
  northwind,
  northwindResource,
  people,
  type Role,
  type Row,
  signedIn,
  staffOnly,
  throwawayUser,
  unique,
} from "../../testing/authorization.js";
import { SoftwarePasskey } from "../../testing/passkey-authenticator.js";
import { exportLinkIn, linkIn } from "../../testing/smtp.js";
import { createApiToken } from "./api-tokens.js";
import { configureOrganisationSignIn } from "./identity-providers.js";
import { issueInvitation } from "./invitations.js";
import { createOrganisation } from "./organisations.js";
import { addPasskey, passkeyRegistrationOptions } from "./passkeys.js";
import { requestPasswordReset } from "./password-reset.js";
import { requestExport, runPersonalDataExports } from "./personal-data-export.js";
import { createScimToken } from "./scim-tokens.js";
import { startSession } from "./sessions.js";
import { actorOf } from "./users.js";

async function lastMailTo(email: string): Promise<string> {
  const [mail] = await listOutbox(community().db, { to: email, limit: 1 });
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

async function passwordResetToken(): Promise<string> {
  const user = await throwawayUser();
  await requestPasswordReset(community().ctx, user.email);
  return linkIn(await lastMailTo(user.email), "/reset-password");
}

async function sessionOfSameOrgMember(): Promise<string> {
  const { db, config } = community();
  const token = await startSession(db, config, {
    userId: people().northwindMember.id,
    ip: null,
    userAgent: "authorization matrix",
  });
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)));
  if (!row) throw new Error("session was not written");
  return row.id;
}

/** Registers a software passkey for `user` through the service, as their profile page would. */
async function passkeyOf(user: Parameters<typeof actorOf>[0]) {
  const ctx = actingAs(community().ctx, actorOf(user));
  const key = new SoftwarePasskey(community().config.publicUrl);
  const { id } = await addPasskey(ctx, {
    name: "Matrix key",
    response: key.register(await passkeyRegistrationOptions(ctx)),
  });
  return { id, key };
}

/**
 * Calls `use` with a passkey of the same-organisation member, then removes it if it is still there:
 * with a passkey, their password sign-in would ask for it, and later rows sign them in by password.
 */
async function withNorthwindMemberPasskey(
  use: (passkeyId: string) => Promise<LightMyRequestResponse>,
): Promise<LightMyRequestResponse> {
  const { id } = await passkeyOf(people().northwindMember);
  try {
    return await use(id);
  } finally {
    await community().db.delete(passkeys).where(eq(passkeys.id, id));
  }
}

async function matrixOrganisation() {
  const name = unique("matrix-org");
  return createOrganisation(community().ctx, { name, kind: "customer", domains: [`${name}.example`] });
}

const matrixSignIn = (organisation: { domains: string[] }) => ({
  issuer: "https://idp.example",
  clientId: "convene",
  clientSecret: "matrix-secret",
  domains: organisation.domains,
  enabled: true,
  passwordSignIn: true,
});

/** A ready export of the same-organisation member, and the token its e-mail carries. */
async function northwindMemberExport(): Promise<{ id: string; token: string }> {
  const { db, config } = community();
  const member = people().northwindMember;
  // An export the matrix's own request queued for this person is built first: one at a time.
  await runPersonalDataExports(db, config);
  await requestExport(actingAs(community().ctx, actorOf(member)));
  await runPersonalDataExports(db, config);
  return exportLinkIn(await lastMailTo(member.email));
}

/** A live API token of the same-organisation member, made through the service. */
async function northwindMemberToken(): Promise<string> {
  const owner = actingAs(community().ctx, actorOf(people().northwindMember));
  const created = await createApiToken(owner, {
    name: unique("matrix token"),
    access: "read",
    area: "all",
    expiresInDays: 7,
  });
  return created.token.id;
}

/** A live SCIM token of Northwind, made by staff through the service. */
async function northwindScimToken(): Promise<string> {
  const created = await createScimToken(asStaffCtx(), northwind().id, {
    name: unique("matrix identity provider"),
  });
  return created.token.id;
}

/** Organisation admins and staff manage others' tokens; a member (of any organisation) may not. */
const tokenManagers = (status: number) => ({ ...staffOnly(status), orgAdmin: status });

const nameOf = (role: Role) =>
  role === "anonymous"
    ? "Nobody"
    : {
        sameOrg: "Ned Member",
        otherOrg: "Cora Member",
        orgAdmin: "Nora Admin",
        staff: "Sam Staff",
      }[role];

/** The same-organisation member's own: their organisation's admin and staff are as strangers to it. */
const ownOnly = (status: number) => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: 404,
  staff: 404,
});

/** Options for a caller refused before any are handed out: the answer is never looked at. */
const fakeCreation = {
  rp: { id: "localhost", name: "Convene" },
  user: { id: "bm9ib2R5", name: "nobody", displayName: "Nobody" },
  challenge: "bm90LWEtY2hhbGxlbmdl",
  pubKeyCredParams: [{ type: "public-key" as const, alg: -7 }],
};

const rows: Row[] = [
  {
    route: "POST /api/auth/login",
    expected: everyone(200),
    call: ({ client, email }) =>
      client.post("/api/auth/login", { email: email ?? "dev@fabrikam.example", password: DEMO_PASSWORD }),
  },
  {
    route: "GET /api/auth/session",
    expected: everyone(200),
    call: ({ client }) => client.get("/api/auth/session"),
  },
  {
    route: "POST /api/auth/logout",
    expected: signedIn(204),
    call: async ({ client, email }) => {
      const fresh = email ? await community().signIn(email) : client;
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
    route: "PATCH /api/me",
    variant: "release e-mails",
    expected: signedIn(200),
    call: ({ client }) => client.patch("/api/me", { releaseEmails: true }),
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
    expected: signedIn(200),
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
    route: "GET /api/me/totp/recovery-codes",
    // Only one's own: there is no id to ask for anyone else's, so another organisation's member sees theirs.
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/totp/recovery-codes"),
  },
  {
    route: "POST /api/me/totp/recovery-codes",
    variant: "with two-factor on",
    expected: signedIn(200),
    call: async ({ client, role }) => {
      if (role === "anonymous")
        return client.post("/api/me/totp/recovery-codes", { password: DEMO_PASSWORD });
      const { secret } = (await client.post("/api/me/totp/setup")).json();
      await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
      const response = await client.post("/api/me/totp/recovery-codes", { password: DEMO_PASSWORD });
      await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD });
      return response;
    },
  },
  {
    route: "GET /api/me/api-tokens",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/api-tokens"),
  },
  {
    route: "POST /api/me/api-tokens",
    expected: signedIn(201),
    call: ({ client }) =>
      client.post("/api/me/api-tokens", {
        name: unique("matrix token"),
        access: "read",
        area: "sandbox",
        expiresInDays: 30,
      }),
  },
  {
    route: "DELETE /api/me/api-tokens/:id",
    variant: "the same-organisation member's token",
    expected: { anonymous: 401, sameOrg: 204, otherOrg: 404, orgAdmin: 404, staff: 404 },
    call: async ({ client }) => client.delete(`/api/me/api-tokens/${await northwindMemberToken()}`),
  },
  {
    route: "GET /api/api-tokens",
    expected: tokenManagers(200),
    call: ({ client }) => client.get("/api/api-tokens"),
  },
  {
    route: "DELETE /api/api-tokens/:id",
    variant: "a Northwind member's token",
    expected: tokenManagers(204),
    call: async ({ client }) => client.delete(`/api/api-tokens/${await northwindMemberToken()}`),
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
  // Personal data
  {
    route: "GET /api/me/personal-data",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/personal-data"),
  },
  {
    route: "POST /api/me/personal-data/exports",
    expected: signedIn(202),
    call: async ({ client }) => {
      await runPersonalDataExports(community().db, community().config);
      return client.post("/api/me/personal-data/exports");
    },
  },
  {
    route: "GET /api/me/personal-data/exports/:id/file",
    variant: "the same-organisation member's export with its link's token",
    // Only its owner: neither their organisation's admin nor staff can read someone's export.
    expected: { anonymous: 401, sameOrg: 200, otherOrg: 404, orgAdmin: 404, staff: 404 },
    call: async ({ client }) => {
      const { id, token } = await northwindMemberExport();
      return client.get(`/api/me/personal-data/exports/${id}/file?token=${token}`);
    },
  },
  {
    route: "POST /api/me/erasure",
    expected: { ...signedIn(201) },
    call: async ({ client }) => {
      await client.delete("/api/me/erasure");
      return client.post("/api/me/erasure", { removeContent: false, confirmation: "erase my account" });
    },
  },
  {
    route: "DELETE /api/me/erasure",
    expected: signedIn(204),
    call: async ({ client }) => {
      await client.post("/api/me/erasure", { removeContent: false, confirmation: "erase my account" });
      return client.delete("/api/me/erasure");
    },
  },
  {
    route: "POST /api/admin/users/:id/erasure",
    variant: "a Northwind member",
    // Staff only: an organisation's admin cannot erase one of their people (it is for good).
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/admin/users/${(await throwawayUser()).id}/erasure`, {
        removeContent: false,
        confirmation: "erase this account",
      }),
  },
  // Passkeys: one's own only; no one else, an organisation's admin or staff included, lists or changes them.
  {
    route: "GET /api/me/passkeys",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/me/passkeys"),
  },
  {
    route: "POST /api/me/passkeys/registration-options",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/me/passkeys/registration-options"),
  },
  {
    route: "POST /api/me/passkeys",
    expected: signedIn(201),
    call: async ({ client, role }) => {
      const key = new SoftwarePasskey(community().config.publicUrl);
      if (role === "anonymous")
        return client.post("/api/me/passkeys", { name: "Mine", response: key.register(fakeCreation) });
      const options = (await client.post("/api/me/passkeys/registration-options")).json();
      const response = await client.post("/api/me/passkeys", {
        name: "Mine",
        response: key.register(options),
      });
      // Password-only sign-in again for the rest of the file.
      await community().db.delete(passkeys).where(eq(passkeys.credentialId, key.credentialId));
      return response;
    },
  },
  {
    route: "PATCH /api/me/passkeys/:id",
    variant: "a passkey of the same-organisation member",
    expected: ownOnly(200),
    call: ({ client }) =>
      withNorthwindMemberPasskey((id) => client.patch(`/api/me/passkeys/${id}`, { name: "Renamed" })),
  },
  {
    route: "DELETE /api/me/passkeys/:id",
    variant: "a passkey of the same-organisation member",
    expected: ownOnly(204),
    call: ({ client }) =>
      withNorthwindMemberPasskey((id) =>
        client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD }),
      ),
  },
  {
    route: "POST /api/auth/passkey/options",
    expected: everyone(200),
    call: ({ client }) => client.post("/api/auth/passkey/options"),
  },
  {
    route: "POST /api/auth/passkey",
    variant: "a passkey of someone else's",
    // Whoever holds a person's passkey signs in as that person, whoever was signed in on the browser.
    expected: everyone(200),
    call: async ({ client }) => {
      const { key } = await passkeyOf(await throwawayUser());
      const options = (await client.post("/api/auth/passkey/options")).json();
      return client.post("/api/auth/passkey", { response: key.assert(options) });
    },
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
      const organisation = await createOrganisation(community().ctx, {
        name,
        kind: "customer",
        domains: [`${name}.example`],
      });
      return client.patch(`/api/admin/organisations/${organisation.id}`, { name: `${name} renamed` });
    },
  },
  {
    route: "POST /api/auth/oidc/start",
    expected: everyone(200),
    call: ({ client }) => client.post("/api/auth/oidc/start", { email: "someone@fabrikam.example" }),
  },
  {
    route: "GET /api/auth/oidc/callback",
    // Every failure, a missing state included, is a redirect to the sign-in page.
    expected: everyone(303),
    call: ({ client }) => client.get("/api/auth/oidc/callback?code=x&state=y"),
  },
  {
    route: "GET /api/admin/organisations/:id/sign-in",
    expected: staffOnly(200),
    call: ({ client }) => client.get(`/api/admin/organisations/${northwind().id}/sign-in`),
  },
  {
    route: "PUT /api/admin/organisations/:id/sign-in",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const organisation = await matrixOrganisation();
      return client.put(`/api/admin/organisations/${organisation.id}/sign-in`, matrixSignIn(organisation));
    },
  },
  {
    route: "DELETE /api/admin/organisations/:id/sign-in",
    expected: staffOnly(204),
    call: async ({ client }) => {
      const organisation = await matrixOrganisation();
      await configureOrganisationSignIn(community().ctx, organisation.id, {
        ...matrixSignIn(organisation),
        clientSecret: "matrix-secret",
      });
      return client.delete(`/api/admin/organisations/${organisation.id}/sign-in`);
    },
  },
  {
    route: "POST /api/admin/identity-providers/discovery",
    expected: staffOnly(200),
    // Nothing listens on port 1: the check answers what went wrong, without reaching out of the machine.
    call: ({ client }) =>
      client.post("/api/admin/identity-providers/discovery", { issuer: "http://127.0.0.1:1" }),
  },
  {
    route: "GET /api/admin/organisations/:id/scim-tokens",
    expected: staffOnly(200),
    call: ({ client }) => client.get(`/api/admin/organisations/${northwind().id}/scim-tokens`),
  },
  {
    route: "POST /api/admin/organisations/:id/scim-tokens",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post(`/api/admin/organisations/${northwind().id}/scim-tokens`, { name: unique("Okta") }),
  },
  {
    route: "DELETE /api/admin/scim-tokens/:id",
    expected: staffOnly(204),
    call: async ({ client }) => client.delete(`/api/admin/scim-tokens/${await northwindScimToken()}`),
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
];

authorizationMatrix(rows);
