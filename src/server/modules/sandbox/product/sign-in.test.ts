import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { freePort } from "../../../testing/ports.js";
import { type RelyingParty, startRelyingParty } from "../../../testing/relying-party.js";
import { WebSession } from "../../../testing/web-session.js";
import { productSessionGuardOf } from "./index.js";

let community: TestCommunity;
let product: RelyingParty;
let base: string;
let staff: Client;
/** Staff's own web session, to accept each new version as they publish it. */
let staffSession: WebSession;

/** Signs a person in to Convene in this web session, as the sign-in page does. */
async function signInToConvene(session: WebSession, email: string): Promise<void> {
  const response = await session.request(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-convene-csrf": "1", origin: base },
    body: JSON.stringify({ email, password: "convene-demo" }),
  });
  expect(response.status).toBe(200);
}

async function acceptCurrentAgreement(session: WebSession): Promise<void> {
  const agreement = (await (await session.request(`${base}/api/sandbox/agreement`)).json()) as { id: string };
  const response = await session.request(`${base}/api/sandbox/agreement/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-convene-csrf": "1", origin: base },
    body: JSON.stringify({ agreementId: agreement.id }),
  });
  expect(response.status).toBe(200);
}

async function publishNewAgreement(): Promise<void> {
  const draft = await staff.post("/api/admin/sandbox/agreements", {
    title: "Access and Use Agreement",
    body: "Version two: no real patient data, and no screenshots of other customers' studies.",
  });
  expect(draft.statusCode).toBe(201);
  expect((await staff.post(`/api/admin/sandbox/agreements/${draft.json().id}/publish`)).statusCode).toBe(200);
}

beforeAll(async () => {
  product = await startRelyingParty();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  community = await startTestCommunity({
    port,
    publicUrl: base,
    product: {
      ...loadConfig({}).product,
      oidcClient: {
        clientId: product.clientId,
        clientSecret: product.clientSecret,
        redirectUris: [product.redirectUri],
        postLogoutRedirectUris: [product.url],
        scopes: ["openid", "offline_access", "email", "profile", "sandbox"],
        backchannelLogoutUri: product.backchannelLogoutUri,
      },
    },
  });
  await community.app.listen({ port, host: "127.0.0.1" });
  product.setIssuer(`${base}/oidc`);
  staff = await community.signIn("staff@vendor.example");
  staffSession = new WebSession();
  await signInToConvene(staffSession, "staff@vendor.example");
  await acceptCurrentAgreement(staffSession);
});

afterAll(async () => {
  await community?.close();
  await product?.close();
});

describe("Convene as the product's OpenID provider", () => {
  it("publishes its discovery document with PKCE, refresh, back-channel logout and the sandbox scope", async () => {
    const discovery = (await (await fetch(`${base}/oidc/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.issuer).toBe(`${base}/oidc`);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery.grant_types_supported).toEqual(
      expect.arrayContaining(["authorization_code", "refresh_token"]),
    );
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining(["openid", "sandbox", "offline_access"]),
    );
    expect(discovery.backchannel_logout_supported).toBe(true);
  });

  it("sends a signed-out person to sign in to Convene, then on to the agreement, then back to the product", async () => {
    const browser = new WebSession();
    const toSignIn = await browser.visit(`${product.url}/login`);
    expect(toSignIn.url).toMatch(new RegExp(`^${base}/sign-in\\?next=%2Foidc%2Finteraction%2F`));
    const interaction = decodeURIComponent(new URL(toSignIn.url).searchParams.get("next") ?? "");

    await signInToConvene(browser, "member@northwind.example");
    const toAgreement = await browser.visit(`${base}${interaction}`);
    expect(toAgreement.url).toBe(`${base}/sandbox/agreement?next=${encodeURIComponent(interaction)}`);

    await acceptCurrentAgreement(browser);
    const signedIn = await browser.visit(`${base}${interaction}`);
    expect(signedIn.url).toBe(`${product.url}/`);
    expect(signedIn.body).toContain("Signed in as <strong>Ned Member</strong>");
    const [session] = [...product.sessions.values()].filter(
      (held) => held.email === "member@northwind.example",
    );
    expect(session).toMatchObject({
      role: "investigator",
      organisation: { name: "Northwind Research Unit" },
    });
  });

  it("refuses a person who is not a sandbox user, back to the product with access_denied", async () => {
    const browser = new WebSession();
    await signInToConvene(browser, "staff@vendor.example");
    const outsider = new WebSession();
    await signInToConvene(outsider, "member@contoso.example");
    // Contoso's member is a sandbox user; removing them makes them an outsider to the product.
    const admin = await community.signIn("staff@vendor.example");
    const contoso = community.demo.people.contosoMember.id;
    expect((await admin.delete(`/api/sandbox/users/${contoso}`)).statusCode).toBe(204);
    const refused = await outsider.visit(`${product.url}/login`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('data-error="access_denied"');
    expect(refused.body).toContain("not a user of the development environment");
  });

  it("refuses the next refresh once a new agreement is published, and logs the product out by back channel", async () => {
    const browser = new WebSession();
    await signInToConvene(browser, "pharmacist@northwind.example");
    await acceptCurrentAgreement(browser);
    const signedIn = await browser.visit(`${product.url}/login`);
    expect(signedIn.body).toContain("role <strong data-role>pharmacist</strong>");

    const renewed = await browser.visit(`${product.url}/refresh`, { method: "POST" });
    expect(renewed.body).toContain("role <strong data-role>pharmacist</strong>");

    await publishNewAgreement();
    const refused = await browser.visit(`${product.url}/refresh`, { method: "POST" });
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('data-error="invalid_grant"');

    // The guard's pass ends what the person still holds, telling the product.
    const pharmacist = community.demo.people.northwindPharmacist.id;
    await productSessionGuardOf(community.db)?.flush();
    expect(productSessionGuardOf(community.db)).not.toBeNull();
    expect(product.loggedOut).toContain(pharmacist);

    // Accepting again lets them back in.
    await acceptCurrentAgreement(browser);
    const again = await browser.visit(`${product.url}/login`);
    expect(again.body).toContain("role <strong data-role>pharmacist</strong>");
  });

  it("serves an independent client (openid-client): code with PKCE, userinfo claims, refresh refused after removal", async () => {
    const config = await client.discovery(
      new URL(`${base}/oidc`),
      product.clientId,
      product.clientSecret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: product.redirectUri,
      scope: "openid email profile sandbox offline_access",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
    });
    const browser = new WebSession();
    await signInToConvene(browser, "admin@northwind.example");
    await acceptCurrentAgreement(browser);
    // Followed up to the redirect back to the product, which this client handles instead.
    let at = authorizationUrl.href;
    for (;;) {
      const response = await browser.request(at);
      const location = response.headers.get("location");
      expect(location).toBeTruthy();
      at = new URL(location ?? "", at).href;
      if (at.startsWith(product.redirectUri)) break;
    }
    const tokens = await client.authorizationCodeGrant(config, new URL(at), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ email: "admin@northwind.example", sandbox_role: "study_coordinator" });
    const info = await client.fetchUserInfo(config, tokens.access_token, String(claims?.sub));
    expect(info).toMatchObject({
      organisation: { name: "Northwind Research Unit" },
      sandbox_role: "study_coordinator",
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "");
    expect(refreshed.access_token).toBeTruthy();

    const admin = community.demo.people.northwindAdmin.id;
    await acceptCurrentAgreement(staffSession);
    expect((await staff.delete(`/api/sandbox/users/${admin}`)).statusCode).toBe(204);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("refuses an authorization request without PKCE", async () => {
    const authorize = new URL(`${base}/oidc/auth`);
    authorize.search = new URLSearchParams({
      client_id: product.clientId,
      response_type: "code",
      redirect_uri: product.redirectUri,
      scope: "openid",
      state: "s",
    }).toString();
    const response = await fetch(authorize, { redirect: "manual" });
    const location = new URL(response.headers.get("location") ?? "", base);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("answers bad requests with 4xx, never a 500: an unknown interaction, a wrong client secret, a forged code", async () => {
    const expired = await fetch(`${base}/oidc/interaction/not-a-real-one`);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("This sign-in has expired");

    const wrongSecret = await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${product.clientId}:wrong`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "x" }),
    });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });

    const forged = await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${product.clientId}:${product.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: "forged",
        redirect_uri: product.redirectUri,
        code_verifier: "x".repeat(43),
      }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: "invalid_grant" });

    const garbage = await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
  });
});

describe("the product client's configuration", () => {
  it("offers every scope unless narrowed, and refuses a scope it does not know or a list without openid", () => {
    const client = {
      PRODUCT_OIDC_CLIENT_ID: "clinical-product",
      PRODUCT_OIDC_CLIENT_SECRET: "s".repeat(32),
      PRODUCT_OIDC_REDIRECT_URIS: "https://dev.product.example/callback",
    };
    expect(loadConfig(client).product.oidcClient?.scopes).toEqual([
      "openid",
      "offline_access",
      "email",
      "profile",
      "sandbox",
    ]);
    expect(
      loadConfig({ ...client, PRODUCT_OIDC_SCOPES: "openid sandbox" }).product.oidcClient?.scopes,
    ).toEqual(["openid", "sandbox"]);
    expect(() => loadConfig({ ...client, PRODUCT_OIDC_SCOPES: "openid admin" })).toThrow(
      /PRODUCT_OIDC_SCOPES/,
    );
    expect(() => loadConfig({ ...client, PRODUCT_OIDC_SCOPES: "email sandbox" })).toThrow(/Include openid/);
    expect(() => loadConfig({ PRODUCT_OIDC_CLIENT_ID: "clinical-product" })).toThrow(
      /PRODUCT_OIDC_CLIENT_SECRET[\s\S]*PRODUCT_OIDC_REDIRECT_URIS/,
    );
  });
});
