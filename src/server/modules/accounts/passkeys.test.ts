import { asc, eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, organisations, passkeys, webauthnChallenges } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { listOutbox } from "../../platform/mail/service.js";
import {
  type Client,
  sessionCookieFrom,
  startTestCommunity,
  TEST_ORIGIN,
  type TestCommunity,
} from "../../testing/harness.js";
import { SoftwarePasskey } from "../../testing/passkey-authenticator.js";
import type { RequestOptions } from "./contracts/passkeys.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community.close());

/** Registers a fresh software passkey for the person signed in on `client`. */
async function registerPasskey(
  client: Client,
  name = "Laptop",
): Promise<{ key: SoftwarePasskey; id: string }> {
  const key = new SoftwarePasskey(TEST_ORIGIN);
  const options = (await client.post("/api/me/passkeys/registration-options")).json();
  const added = await client.post("/api/me/passkeys", { name, response: key.register(options) });
  expect(added.statusCode).toBe(201);
  return { key, id: added.json().id };
}

const passwordlessOptions = async (): Promise<RequestOptions> =>
  (await community.anonymous().post("/api/auth/passkey/options")).json();

const signInWithPasskey = (response: unknown) =>
  community.anonymous().post("/api/auth/passkey", { response });

const login = (email: string, extra: Record<string, unknown> = {}) =>
  community.anonymous().post("/api/auth/login", { email, password: DEMO_PASSWORD, ...extra });

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await community.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.targetId, targetId))
    .orderBy(asc(auditLog.id));
  return rows.map((row) => row.action);
}

describe("passkeys on the profile", () => {
  it("adds a passkey with a name, lists it, renames it, and removes it only with the password", async () => {
    const client = await community.signIn("member@northwind.example");
    const { id } = await registerPasskey(client, "Work laptop");
    const listed = (await client.get("/api/me/passkeys")).json().passkeys;
    expect(listed).toEqual([
      expect.objectContaining({ id, name: "Work laptop", transports: ["internal"], lastUsedAt: null }),
    ]);

    const renamed = await client.patch(`/api/me/passkeys/${id}`, { name: "  Old laptop " });
    expect(renamed.json()).toMatchObject({ id, name: "Old laptop" });
    const blank = await client.patch(`/api/me/passkeys/${id}`, { name: " " });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields.name).toBeTruthy();

    const wrongPassword = await client.delete(`/api/me/passkeys/${id}`, { password: "not-it" });
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().error.fields.password).toBeTruthy();
    expect((await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD })).statusCode).toBe(204);
    expect((await client.get("/api/me/passkeys")).json().passkeys).toEqual([]);
    expect(await auditActions(id)).toEqual([
      "auth.passkey_added",
      "auth.passkey_renamed",
      "auth.passkey_removed",
    ]);
    const [mail] = await listOutbox(community.db, { to: "member@northwind.example", limit: 1 });
    expect(mail?.subject).toBe("A passkey was added to your Convene account");
    expect(mail?.text).toContain("“Work laptop”");
  });

  it("refuses a registration answer made for another site, naming the response", async () => {
    const client = await community.signIn("member@northwind.example");
    const options = (await client.post("/api/me/passkeys/registration-options")).json();
    const key = new SoftwarePasskey(TEST_ORIGIN);
    const added = await client.post("/api/me/passkeys", {
      name: "Phishing",
      response: key.register(options, { origin: "https://convene.example.net" }),
    });
    expect(added.statusCode).toBe(400);
    expect(added.json().error.fields.response).toMatch(/origin/i);
  });

  it("refuses a registration answering someone else's challenge, and a challenge answered twice", async () => {
    const owner = await community.signIn("member@northwind.example");
    const other = await community.signIn("admin@northwind.example");
    const options = (await owner.post("/api/me/passkeys/registration-options")).json();
    const response = new SoftwarePasskey(TEST_ORIGIN).register(options);
    const stolen = await other.post("/api/me/passkeys", { name: "Not mine", response });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().error.fields.response).toMatch(/expired or was already answered/);
    // The attempt spent it: not even its person can answer it now.
    const again = await owner.post("/api/me/passkeys", { name: "Mine", response });
    expect(again.statusCode).toBe(400);
  });

  it("does not show or touch another person's passkeys", async () => {
    const owner = await community.signIn("member@contoso.example");
    const { id } = await registerPasskey(owner);
    const admin = await community.signIn("admin@northwind.example");
    expect((await admin.get("/api/me/passkeys")).json().passkeys).toEqual([]);
    expect((await admin.patch(`/api/me/passkeys/${id}`, { name: "Mine now" })).statusCode).toBe(404);
    expect((await admin.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD })).statusCode).toBe(404);
    await owner.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });
});

describe("a passkey as the second factor", () => {
  it("asks for the passkey after the password and signs in with it", async () => {
    const client = await community.signIn("dev@fabrikam.example");
    const { key, id } = await registerPasskey(client);

    const first = await login("dev@fabrikam.example");
    expect(first.statusCode).toBe(401);
    const { code, details } = first.json().error;
    expect(code).toBe("second_factor_required");
    expect(details.methods).toEqual(["passkey"]);
    expect(details.passkeyOptions.allowCredentials).toEqual([
      { id: key.credentialId, type: "public-key", transports: ["internal"] },
    ]);
    const signedIn = await login("dev@fabrikam.example", { passkey: key.assert(details.passkeyOptions) });
    expect(signedIn.statusCode).toBe(200);
    const [row] = await community.db.select().from(passkeys).where(eq(passkeys.id, id));
    expect(row?.lastUsedAt).not.toBeNull();
    expect(row?.signCount).toBe(1);
    expect(await auditActions(id)).toContain("auth.passkey_used");

    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
    expect((await login("dev@fabrikam.example")).statusCode).toBe(200);
  });

  it("still offers the authenticator app and recovery codes beside the passkey", async () => {
    const client = await community.signIn("pharmacist@northwind.example");
    const { secret } = (await client.post("/api/me/totp/setup")).json();
    await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
    const { id } = await registerPasskey(client);
    const first = await login("pharmacist@northwind.example");
    expect(first.json().error.details.methods).toEqual(["passkey", "totp", "recoveryCode"]);
    expect(
      (await login("pharmacist@northwind.example", { totpCode: await generate({ secret }) })).statusCode,
    ).toBe(200);
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
    await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD });
  });

  it("refuses another person's passkey as the second factor and counts it towards the lockout", async () => {
    const owner = await community.signIn("member@northwind.example");
    const { key, id } = await registerPasskey(owner);
    const victim = await community.signIn("dev@fabrikam.example");
    const victimKey = await registerPasskey(victim);

    const first = await login("dev@fabrikam.example");
    const options = first.json().error.details.passkeyOptions;
    const refused = await login("dev@fabrikam.example", { passkey: key.assert(options) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.fields.passkey).toMatch(/not registered for this account/);
    const failures = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "auth.sign_in_failed"))
      .orderBy(asc(auditLog.id));
    expect(failures.at(-1)?.details).toMatchObject({ reason: "passkey_unknown_passkey", failedLogins: 1 });

    await owner.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
    await victim.delete(`/api/me/passkeys/${victimKey.id}`, { password: DEMO_PASSWORD });
  });

  it("refuses a passwordless sign-in's challenge used as a second factor", async () => {
    const client = await community.signIn("dev@fabrikam.example");
    const { key, id } = await registerPasskey(client);
    const refused = await login("dev@fabrikam.example", { passkey: key.assert(await passwordlessOptions()) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.fields.passkey).toMatch(/expired or was already answered/);
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });
});

describe("passwordless sign-in with a passkey", () => {
  it("signs in without e-mail or password, counted as both factors even with two-factor on", async () => {
    const client = await community.signIn("staff@vendor.example");
    const { secret } = (await client.post("/api/me/totp/setup")).json();
    await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
    const { key, id } = await registerPasskey(client);

    const options = await passwordlessOptions();
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const signedIn = await signInWithPasskey(key.assert(options));
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.email).toBe("staff@vendor.example");
    expect(signedIn.cookies.find((cookie) => cookie.name === "convene_session")?.httpOnly).toBe(true);
    const signedInRows = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "auth.signed_in"))
      .orderBy(asc(auditLog.id));
    expect(signedInRows.at(-1)?.details).toEqual({ method: "passkey" });

    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
    await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD });
  });

  it("refuses an unknown passkey, naming the response", async () => {
    const stranger = new SoftwarePasskey(TEST_ORIGIN);
    const refused = await signInWithPasskey(stranger.assert(await passwordlessOptions()));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({
      code: "unauthenticated",
      fields: { response: expect.stringMatching(/not registered/) },
    });
  });

  it("refuses a challenge answered twice, an expired one, and one never handed out", async () => {
    const client = await community.signIn("member@contoso.example");
    const { key, id } = await registerPasskey(client);

    const options = await passwordlessOptions();
    const answer = key.assert(options);
    expect((await signInWithPasskey(answer)).statusCode).toBe(200);
    const replayed = await signInWithPasskey(answer);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error.fields.response).toMatch(/expired or was already answered/);

    const late = await passwordlessOptions();
    await community.db.update(webauthnChallenges).set({ expiresAt: new Date(Date.now() - 1000) });
    expect((await signInWithPasskey(key.assert(late))).json().error.fields.response).toMatch(/expired/);

    const madeUp = key.assert({ challenge: "bm90LWhhbmRlZC1vdXQ", rpId: "localhost" });
    expect((await signInWithPasskey(madeUp)).statusCode).toBe(401);
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });

  it("refuses an answer for another site, one without user verification, and a clone's older counter", async () => {
    const client = await community.signIn("member@contoso.example");
    const { key, id } = await registerPasskey(client);
    const otherSite = await signInWithPasskey(
      key.assert(await passwordlessOptions(), { origin: "https://convene.example.net" }),
    );
    expect(otherSite.statusCode).toBe(401);
    const otherRp = await signInWithPasskey(
      key.assert({ ...(await passwordlessOptions()), rpId: "example.net" }),
    );
    expect(otherRp.statusCode).toBe(401);
    const unverified = await signInWithPasskey(key.assert(await passwordlessOptions(), { verified: false }));
    expect(unverified.statusCode).toBe(401);

    expect(
      (await signInWithPasskey(key.assert(await passwordlessOptions(), { counter: 7 }))).statusCode,
    ).toBe(200);
    const clone = await signInWithPasskey(key.assert(await passwordlessOptions(), { counter: 3 }));
    expect(clone.statusCode).toBe(401);
    expect(clone.json().error.fields.response).toMatch(/did not verify/);
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });

  it("refuses the passkey of a deactivated person, and a removed passkey", async () => {
    const staff = await community.signIn("staff@vendor.example");
    const { key, id } = await registerPasskey(await community.signIn("member@contoso.example"));
    const personId = community.demo.people.contosoMember.id;

    await staff.patch(`/api/admin/users/${personId}`, { status: "deactivated" });
    const closed = await signInWithPasskey(key.assert(await passwordlessOptions()));
    expect(closed.statusCode).toBe(401);
    expect(closed.json().error.fields.response).toMatch(/closed/);
    await staff.patch(`/api/admin/users/${personId}`, { status: "active" });

    // Open again, the passkey signs in (deactivation ended the person's sessions) and is then removed.
    const back = await signInWithPasskey(key.assert(await passwordlessOptions()));
    expect(back.statusCode).toBe(200);
    const removal = await community.app.inject({
      method: "DELETE",
      url: `/api/me/passkeys/${id}`,
      headers: { cookie: sessionCookieFrom(back) ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
      payload: { password: DEMO_PASSWORD },
    });
    expect(removal.statusCode).toBe(204);
    const removed = await signInWithPasskey(key.assert(await passwordlessOptions()));
    expect(removed.statusCode).toBe(401);
    expect(removed.json().error.fields.response).toMatch(/removed/);
  });

  it("answers a malformed passkey answer with a 4xx naming the field, never a 500", async () => {
    const client = await community.signIn("member@contoso.example");
    const { key, id } = await registerPasskey(client);
    const genuine = key.assert(await passwordlessOptions());
    const garbled = await signInWithPasskey({
      ...genuine,
      response: { ...genuine.response, authenticatorData: "AAAA", signature: "zz" },
    });
    expect(garbled.statusCode).toBe(401);
    expect(garbled.json().error.fields.response).toBeTruthy();
    const notJson = await signInWithPasskey({
      ...genuine,
      response: { ...genuine.response, clientDataJSON: "e30" },
    });
    expect(notJson.statusCode).toBe(401);
    const notBase64 = await signInWithPasskey({ ...genuine, id: "not base64url!" });
    expect(notBase64.statusCode).toBe(400);
    expect(notBase64.json().error.fields).toHaveProperty("response.id");
    const registration = await client.post("/api/me/passkeys", {
      name: "Garbled",
      response: {
        ...key.register((await client.post("/api/me/passkeys/registration-options")).json()),
        rawId: "AAAA",
      },
    });
    expect(registration.statusCode).toBe(400);
    expect(registration.json().error.fields.response).toBeTruthy();
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });

  it("refuses a passkey sign-in when the person's organisation turned password sign-in off", async () => {
    const client = await community.signIn("member@contoso.example");
    const { key, id } = await registerPasskey(client);
    const contoso = community.demo.people.contosoMember.organisationId;
    // Its own identity provider signs its people in: the passkey is no way around it.
    await community.db
      .update(organisations)
      .set({ passwordSignIn: false })
      .where(eq(organisations.id, contoso));
    const refused = await signInWithPasskey(key.assert(await passwordlessOptions()));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("organisation_sign_in_required");
    await community.db
      .update(organisations)
      .set({ passwordSignIn: true })
      .where(eq(organisations.id, contoso));
    await client.delete(`/api/me/passkeys/${id}`, { password: DEMO_PASSWORD });
  });

  it("limits how often one passkey may be tried", async () => {
    const stranger = new SoftwarePasskey(TEST_ORIGIN);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await signInWithPasskey(stranger.assert(await passwordlessOptions()))).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
