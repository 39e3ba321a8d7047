import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, identityProviders, organisationDomains, users } from "../../db/schema.js";
import { actingAs } from "../../platform/context.js";
import { listOutbox } from "../../platform/mail/service.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import {
  type ProviderPerson,
  startOidcProvider,
  type TestOidcProvider,
} from "../../testing/oidc-provider-server.js";
import { linkIn } from "../../testing/smtp.js";
import { checkIssuerDiscovery } from "./identity-providers.js";
import { issueInvitation } from "./invitations.js";
import { actorOf } from "./users.js";

let community: TestCommunity;
let provider: TestOidcProvider;
beforeAll(async () => {
  community = await startTestCommunity();
  provider = await startOidcProvider({ redirectUri: `${TEST_ORIGIN}/api/auth/oidc/callback` });
});
afterAll(async () => {
  await provider?.close();
  await community?.close();
});

const contoso = () => community.demo.organisations.contoso;
const staffClient = () => community.signIn("staff@vendor.example");

const settingsFor = (overrides: Record<string, unknown> = {}) => ({
  issuer: provider.issuer,
  clientId: provider.clientId,
  clientSecret: provider.clientSecret,
  domains: ["contoso.example", "contoso-research.example"],
  enabled: true,
  passwordSignIn: true,
  ...overrides,
});

async function configure(organisationId: string, overrides: Record<string, unknown> = {}) {
  const staff = await staffClient();
  const response = await staff.put(
    `/api/admin/organisations/${organisationId}/sign-in`,
    settingsFor(overrides),
  );
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

const STATE_COOKIE = "convene_oidc_state";

/** Starts at the sign-in page's operation, signs in at the provider as `person`, and returns to the app. */
async function signInThroughProvider(email: string, person: ProviderPerson | "deny", returnTo?: string) {
  const start = await community.anonymous().post("/api/auth/oidc/start", { email, returnTo });
  expect(start.statusCode, start.body).toBe(200);
  const redirectUrl: string = start.json().redirectUrl;
  expect(redirectUrl).toMatch(new RegExp(`^${provider.issuer}/`));
  const state = start.cookies.find((cookie) => cookie.name === STATE_COOKIE)?.value;
  provider.nextSignIn(person);
  const callback = await provider.followToCallback(redirectUrl);
  const response = await community.app.inject({
    url: callback,
    headers: { cookie: `${STATE_COOKIE}=${state}` },
  });
  const session = response.cookies.find((cookie) => cookie.name === "convene_session")?.value;
  return { response, callback, state, session };
}

const meWith = (session: string | undefined) =>
  community.app.inject({ url: "/api/me", headers: { cookie: `convene_session=${session}` } });

describe("staff configure an organisation's identity provider", () => {
  it("seals the client secret, never answers it, and adds the domains the organisation lacked", async () => {
    const response = await configure(contoso().id);
    expect(response.body).not.toContain(provider.clientSecret);
    expect(response.json()).toMatchObject({
      organisationId: contoso().id,
      passwordSignIn: true,
      identityProvider: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        domains: ["contoso-research.example", "contoso.example"],
        enabled: true,
      },
    });
    const [row] = await community.db
      .select()
      .from(identityProviders)
      .where(eq(identityProviders.organisationId, contoso().id));
    expect(row?.sealedClientSecret).toMatch(/^v1\./);
    expect(row?.sealedClientSecret).not.toContain(provider.clientSecret);
    const [added] = await community.db
      .select()
      .from(organisationDomains)
      .where(eq(organisationDomains.domain, "contoso-research.example"));
    expect(added?.organisationId).toBe(contoso().id);
    const staff = await staffClient();
    const read = await staff.get(`/api/admin/organisations/${contoso().id}/sign-in`);
    expect(read.body).not.toContain(provider.clientSecret);
  });

  it("keeps the stored secret when a change leaves it out", async () => {
    const staff = await staffClient();
    const { clientSecret: _left, ...withoutSecret } = settingsFor();
    const response = await staff.put(`/api/admin/organisations/${contoso().id}/sign-in`, withoutSecret);
    expect(response.statusCode, response.body).toBe(200);
    const start = await community
      .anonymous()
      .post("/api/auth/oidc/start", { email: "someone@contoso.example" });
    expect(start.json().redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
  });

  it("keeps covering the domains an edit of the organisation keeps, and stops covering one it drops", async () => {
    const staff = await staffClient();
    const edited = await staff.patch(`/api/admin/organisations/${contoso().id}`, {
      domains: ["contoso.example", "contoso-labs.example"],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const read = await staff.get(`/api/admin/organisations/${contoso().id}/sign-in`);
    expect(read.json().identityProvider.domains).toEqual(["contoso.example"]);
    await configure(contoso().id);
  });

  it("refuses a domain of another organisation", async () => {
    const staff = await staffClient();
    const response = await staff.put(
      `/api/admin/organisations/${contoso().id}/sign-in`,
      settingsFor({ domains: ["contoso.example", "northwind.example"] }),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error.fields.domains).toContain("northwind.example");
  });

  it("refuses a first configuration without a client secret", async () => {
    const staff = await staffClient();
    const { clientSecret: _left, ...withoutSecret } = settingsFor({ domains: ["fabrikam.example"] });
    const response = await staff.put(
      `/api/admin/organisations/${community.demo.organisations.fabrikam.id}/sign-in`,
      withoutSecret,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("clientSecret");
  });

  it("refuses turning password sign-in off unless the provider is enabled", async () => {
    const staff = await staffClient();
    const response = await staff.put(
      `/api/admin/organisations/${contoso().id}/sign-in`,
      settingsFor({ enabled: false, passwordSignIn: false }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("passwordSignIn");
  });

  it("refuses an http issuer that is not on this machine", async () => {
    const staff = await staffClient();
    const response = await staff.put(
      `/api/admin/organisations/${contoso().id}/sign-in`,
      settingsFor({ issuer: "http://idp.example" }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("issuer");
  });

  it("refuses an http issuer on this machine when Convene itself is served over https", async () => {
    const servedOverHttps = { ...community.config, publicUrl: "https://convene.example" };
    await expect(checkIssuerDiscovery(servedOverHttps, provider.issuer)).rejects.toMatchObject({
      code: "validation",
      fields: { issuer: expect.any(String) },
    });
  });

  it("tests an issuer's discovery document and says clearly when it cannot be read", async () => {
    const staff = await staffClient();
    const found = await staff.post("/api/admin/identity-providers/discovery", { issuer: provider.issuer });
    expect(found.json()).toMatchObject({ ok: true, authorizationEndpoint: `${provider.issuer}/auth` });
    const missing = await staff.post("/api/admin/identity-providers/discovery", {
      issuer: `${provider.issuer}/nowhere`,
    });
    expect(missing.statusCode).toBe(200);
    expect(missing.json().ok).toBe(false);
    expect(missing.json().message).toMatch(/Could not read .*nowhere's discovery document/);
  });
});

describe("signing in through the organisation's provider", () => {
  const person: ProviderPerson = { sub: "contoso-0001", email: "ada@contoso.example", name: "Ada Lovelace" };

  it("answers no redirect for a domain without a provider, so the person uses a password", async () => {
    const response = await community
      .anonymous()
      .post("/api/auth/oidc/start", { email: "member@northwind.example" });
    expect(response.json()).toEqual({ redirectUrl: null });
  });

  it.each(["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "https://evil.example/"])(
    "refuses a return address that is not a path on this site: %j",
    async (returnTo) => {
      const response = await community
        .anonymous()
        .post("/api/auth/oidc/start", { email: "ada@contoso.example", returnTo });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toHaveProperty("returnTo");
    },
  );

  it("creates a member of the organisation on the first sign-in, with the provider's name, and returns", async () => {
    const { response, session } = await signInThroughProvider(person.email, person, "/projects?tab=mine");
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe("/projects?tab=mine");
    const me = await meWith(session);
    expect(me.json()).toMatchObject({
      email: "ada@contoso.example",
      name: "Ada Lovelace",
      organisation: { id: contoso().id },
      isStaff: false,
      isOrgAdmin: false,
    });
    const audit = await community.db.select().from(auditLog).where(eq(auditLog.targetId, me.json().id));
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["user.created_by_identity_provider", "auth.signed_in"]),
    );
  });

  it("finds the person by subject on a later sign-in, though their address changed, and syncs their name", async () => {
    const [before] = await community.db.select().from(users).where(eq(users.email, person.email));
    const { response, session } = await signInThroughProvider(person.email, {
      ...person,
      email: "ada.king@contoso-research.example",
      name: "Ada King",
    });
    expect(response.statusCode).toBe(303);
    const me = (await meWith(session)).json();
    expect(me.id).toBe(before?.id);
    expect(me.name).toBe("Ada King");
  });

  it("links an existing account at a covered address on its first sign-in", async () => {
    const { response, session } = await signInThroughProvider("priya@contoso.example", {
      sub: "contoso-priya",
      email: "priya@contoso.example",
      name: "Priya Raman",
    });
    expect(response.statusCode).toBe(303);
    const [priya] = await community.db.select().from(users).where(eq(users.email, "priya@contoso.example"));
    expect((await meWith(session)).json().id).toBe(priya?.id);
  });

  it("refuses an address at a domain the provider does not cover, and creates nobody", async () => {
    const { response, session } = await signInThroughProvider("bob@contoso.example", {
      sub: "contoso-0002",
      email: "bob@fabrikam.example",
      name: "Bob",
    });
    expect(response.headers.location).toBe("/sign-in?organisationSignIn=not_covered");
    expect(session).toBeUndefined();
    expect(await community.db.select().from(users).where(eq(users.email, "bob@fabrikam.example"))).toEqual(
      [],
    );
  });

  it("refuses an address the provider has not verified", async () => {
    const { response } = await signInThroughProvider("carl@contoso.example", {
      sub: "contoso-0003",
      email: "carl@contoso.example",
      name: "Carl",
      email_verified: false,
    });
    expect(response.headers.location).toBe("/sign-in?organisationSignIn=unverified");
  });

  it("refuses a state used twice, one from another browser, and one with no cookie", async () => {
    const first = await signInThroughProvider(person.email, { ...person, name: "Ada King" });
    expect(first.response.statusCode).toBe(303);
    const replay = await community.app.inject({
      url: first.callback,
      headers: { cookie: `${STATE_COOKIE}=${first.state}` },
    });
    expect(replay.headers.location).toBe("/sign-in?organisationSignIn=expired");

    const start = await community.anonymous().post("/api/auth/oidc/start", { email: person.email });
    provider.nextSignIn(person);
    const callback = await provider.followToCallback(start.json().redirectUrl);
    const otherBrowser = await community.app.inject({
      url: callback,
      headers: { cookie: `${STATE_COOKIE}=someone-elses-state` },
    });
    expect(otherBrowser.headers.location).toBe("/sign-in?organisationSignIn=mismatch");
    const noCookie = await community.app.inject({ url: callback });
    expect(noCookie.headers.location).toBe("/sign-in?organisationSignIn=mismatch");
    expect(noCookie.cookies.find((cookie) => cookie.name === "convene_session")).toBeUndefined();
  });

  it("sends a person who declined at the provider back to the sign-in page", async () => {
    const { response } = await signInThroughProvider(person.email, "deny");
    expect(response.headers.location).toBe("/sign-in?organisationSignIn=denied");
  });

  it("refuses a deactivated person", async () => {
    const dave = { sub: "contoso-0004", email: "dave@contoso.example", name: "Dave" };
    await signInThroughProvider(dave.email, dave);
    await community.db.update(users).set({ status: "deactivated" }).where(eq(users.email, dave.email));
    const { response, session } = await signInThroughProvider(dave.email, dave);
    expect(response.headers.location).toBe("/sign-in?organisationSignIn=deactivated");
    expect(session).toBeUndefined();
  });

  it("does not ask for Convene's two-factor code: the provider answers for the second factor", async () => {
    await community.db
      .update(users)
      .set({ totpEnabled: true, totpSecret: "JBSWY3DPEHPK3PXP" })
      .where(eq(users.email, person.email));
    const { response } = await signInThroughProvider(person.email, { ...person, name: "Ada King" });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/");
  });
});

describe("password sign-in turned off for an organisation", () => {
  it("refuses password sign-in and reset for its people, telling them to use their organisation's sign-in", async () => {
    await configure(contoso().id, { passwordSignIn: false });
    const login = await community
      .anonymous()
      .post("/api/auth/login", { email: "member@contoso.example", password: "convene-demo" });
    expect(login.statusCode).toBe(403);
    expect(login.json().error).toMatchObject({ code: "organisation_sign_in_required" });
    expect(login.json().error.message).toMatch(/Use your organisation's sign-in/);
    const reset = await community
      .anonymous()
      .post("/api/auth/password-reset", { email: "priya@contoso.example" });
    expect(reset.statusCode).toBe(403);
    expect(reset.json().error.code).toBe("organisation_sign_in_required");
    const northwind = await community
      .anonymous()
      .post("/api/auth/login", { email: "member@northwind.example", password: "convene-demo" });
    expect(northwind.statusCode).toBe(200);
  });

  it("refuses accepting an invitation with a password into the organisation", async () => {
    const email = "newcomer@contoso.example";
    await issueInvitation(actingAs(community.ctx, actorOf(community.demo.people.staff)), {
      email,
      organisationId: contoso().id,
    });
    const [mail] = await listOutbox(community.db, { to: email, limit: 1 });
    const token = linkIn(mail?.text ?? "", "/invite");
    const response = await community
      .anonymous()
      .post(`/api/invitations/${token}/accept`, { name: "New Comer", password: "a long enough password" });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("organisation_sign_in_required");
  });

  it("refuses removing the provider while password sign-in is off, and allows it once it is on", async () => {
    const staff = await staffClient();
    const refused = await staff.delete(`/api/admin/organisations/${contoso().id}/sign-in`);
    expect(refused.statusCode).toBe(409);
    await configure(contoso().id, { passwordSignIn: true });
    const removed = await staff.delete(`/api/admin/organisations/${contoso().id}/sign-in`);
    expect(removed.statusCode).toBe(204);
    const login = await community
      .anonymous()
      .post("/api/auth/login", { email: "member@contoso.example", password: "convene-demo" });
    expect(login.statusCode).toBe(200);
  });
});

describe("the vendor's own staff", () => {
  it("sign in through the staff organisation's provider as the staff they are", async () => {
    const vendor = community.demo.organisations.vendor;
    await configure(vendor.id, { domains: ["vendor.example"] });
    const { response, session } = await signInThroughProvider("staff@vendor.example", {
      sub: "staff-0001",
      email: "staff@vendor.example",
      name: "Sam Staff",
    });
    expect(response.statusCode).toBe(303);
    const me = (await meWith(session)).json();
    expect(me).toMatchObject({ id: community.demo.people.staff.id, isStaff: true });
  });
});
