/**
 * SCIM 2.0 provisioning as identity providers drive it. The request sequences and bodies are those
 * Okta's SCIM 2.0 reference ("SCIM 2.0 protocol reference", developer.okta.com) and Microsoft's
 * ("Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", learn.microsoft.com)
 * show, with addresses moved to the demo organisations' domains.
 */
import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createApiToken, resolveApiToken } from "./api-tokens.js";
import { users } from "./schema.js";
import { resolveSession, startSession } from "./sessions.js";
import { actorOf, findUserByEmail } from "./users.js";

let community: TestCommunity;
let northwindToken: string;
let contosoToken: string;

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

async function scimTokenFor(organisationId: string): Promise<string> {
  const staff = await community.signIn("staff@vendor.example");
  const response = await staff.post(`/api/admin/organisations/${organisationId}/scim-tokens`, {
    name: "Identity provider",
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().secret;
}

beforeAll(async () => {
  community = await startTestCommunity();
  northwindToken = await scimTokenFor(community.demo.organisations.northwind.id);
  contosoToken = await scimTokenFor(community.demo.organisations.contoso.id);
}, 180_000);

afterAll(() => community?.close());

/** A SCIM request as an identity provider sends it: the bearer token, application/scim+json. */
function scim(
  token: string,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
  contentType = "application/scim+json",
): Promise<LightMyRequestResponse> {
  return community.app.inject({
    method,
    url: `/scim/v2${url}`,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/scim+json",
      ...(body === undefined ? {} : { "content-type": contentType }),
    },
    ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const filterBy = (userName: string) => `filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** Signs the person in (a session) and gives them an API token, to see deactivation end both. */
async function signedInWithToken(email: string) {
  const user = await findUserByEmail(community.db, email);
  if (!user) throw new Error(`${email} was not provisioned`);
  const session = await startSession(community.db, community.config, {
    userId: user.id,
    ip: null,
    userAgent: "scim test",
  });
  const { secret } = await createApiToken(actingAs(community.ctx, actorOf(user)), {
    name: "Their script",
    access: "read",
    area: "all",
    expiresInDays: 7,
  });
  return {
    sessionLive: async () => (await resolveSession(community.db, community.config, session)) !== null,
    tokenLive: async () => "actor" in (await resolveApiToken(community.db, community.config, secret, "::1")),
  };
}

describe("discovery", () => {
  it("describes the service provider, its User resource type and schema in application/scim+json", async () => {
    const config = await scim(northwindToken, "GET", "/ServiceProviderConfig");
    expect(config.statusCode).toBe(200);
    expect(config.headers["content-type"]).toContain("application/scim+json");
    expect(config.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      filter: { supported: true },
      bulk: { supported: false },
      authenticationSchemes: [{ type: "oauthbearertoken" }],
    });
    const types = (await scim(northwindToken, "GET", "/ResourceTypes")).json();
    expect(types).toMatchObject({
      schemas: [LIST_RESPONSE],
      Resources: [{ id: "User", endpoint: "/Users" }],
    });
    const schemas = (await scim(northwindToken, "GET", "/Schemas")).json();
    expect(schemas.Resources[0].id).toBe(CORE_USER);
    const names = schemas.Resources[0].attributes.map((attribute: { name: string }) => attribute.name);
    expect(names).toEqual(expect.arrayContaining(["userName", "name", "emails", "active", "externalId"]));
    expect((await scim(northwindToken, "GET", `/Schemas/${CORE_USER}`)).statusCode).toBe(200);
  });
});

describe("Okta's provisioning sequence", () => {
  const userName = "test.user@northwind.example";
  let id: string;

  it("finds nobody by userName with an empty list, not a 404", async () => {
    const response = await scim(northwindToken, "GET", `/Users?${filterBy(userName)}&startIndex=1&count=100`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it("creates the user with 201, a Location and the resource", async () => {
    const response = await scim(northwindToken, "POST", "/Users", {
      schemas: [CORE_USER],
      userName,
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: userName, type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers["content-type"]).toContain("application/scim+json");
    const user = response.json();
    id = user.id;
    expect(response.headers.location).toBe(`${community.config.publicUrl}/scim/v2/Users/${id}`);
    expect(user).toMatchObject({
      schemas: [CORE_USER],
      userName,
      externalId: "00ujl29u0le5T6Aj10h7",
      name: { givenName: "Test", familyName: "User" },
      displayName: "Test User",
      emails: [{ value: userName, primary: true, type: "work" }],
      active: true,
      meta: { resourceType: "User" },
    });
    const person = await findUserByEmail(community.db, userName);
    expect(person?.organisationId).toBe(community.demo.organisations.northwind.id);
  });

  it("reads the user by id", async () => {
    const response = await scim(northwindToken, "GET", `/Users/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, userName, active: true });
  });

  it("replaces the user with PUT to change the name", async () => {
    const response = await scim(northwindToken, "PUT", `/Users/${id}`, {
      schemas: [CORE_USER],
      id,
      userName,
      name: { givenName: "Another", familyName: "User" },
      emails: [{ primary: true, value: userName, type: "work" }],
      displayName: "Another User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      active: true,
      meta: { resourceType: "User" },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ name: { givenName: "Another", familyName: "User" } });
    expect((await findUserByEmail(community.db, userName))?.name).toBe("Another User");
  });

  it("deactivates with PATCH active false, ending every session and API token at once", async () => {
    const person = await signedInWithToken(userName);
    expect(await person.sessionLive()).toBe(true);
    expect(await person.tokenLive()).toBe(true);
    const response = await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id, active: false });
    expect(await person.sessionLive()).toBe(false);
    expect(await person.tokenLive()).toBe(false);
  });

  it("reactivates with active true, and the person can sign in again", async () => {
    const response = await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: true } }],
    });
    expect(response.json()).toMatchObject({ active: true });
    const person = await signedInWithToken(userName);
    expect(await person.sessionLive()).toBe(true);
  });
});

describe("Microsoft Entra ID's provisioning sequence", () => {
  const userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@northwind.example";
  let id: string;

  it("finds nobody by a userName it made up", async () => {
    const response = await scim(northwindToken, "GET", `/Users?${filterBy(userName)}`);
    expect(response.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it("creates the user from Entra's body, enterprise extension and roles left out", async () => {
    const response = await scim(northwindToken, "POST", "/Users", {
      schemas: [CORE_USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName,
      active: true,
      emails: [{ primary: true, type: "work", value: userName }],
      meta: { resourceType: "User" },
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      roles: [],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Research" },
    });
    expect(response.statusCode, response.body).toBe(201);
    id = response.json().id;
    expect(response.json()).toMatchObject({
      userName: userName.toLowerCase(),
      name: { givenName: "givenName", familyName: "familyName" },
      active: true,
    });
  });

  it("finds the user by userName in any case", async () => {
    const response = await scim(northwindToken, "GET", `/Users?${filterBy(userName)}`);
    expect(response.json()).toMatchObject({ totalResults: 1, Resources: [{ id }] });
  });

  it("applies Replace operations on name paths", async () => {
    const response = await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "Replace", path: "name.givenName", value: "updatedGivenName" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().name).toMatchObject({
      givenName: "updatedGivenName",
      familyName: "updatedFamilyName",
      formatted: "updatedGivenName updatedFamilyName",
    });
  });

  it("takes dotted attribute names in a Replace without a path", async () => {
    const response = await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", value: { "name.givenName": "Dotted", externalId: "new-external-id" } }],
    });
    expect(response.json()).toMatchObject({ name: { givenName: "Dotted" }, externalId: "new-external-id" });
  });

  it('deactivates with active "False", a string', async () => {
    const person = await signedInWithToken(userName.toLowerCase());
    const response = await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().active).toBe(false);
    expect(await person.sessionLive()).toBe(false);
    expect(await person.tokenLive()).toBe(false);
  });

  it("deletes by deactivating: the person and what they wrote are kept", async () => {
    await scim(northwindToken, "PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", path: "active", value: "True" }],
    });
    // As Entra sends it: a JSON content type and no body.
    const deleted = await community.app.inject({
      method: "DELETE",
      url: `/scim/v2/Users/${id}`,
      headers: { authorization: `Bearer ${northwindToken}`, "content-type": "application/scim+json" },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const after = await scim(northwindToken, "GET", `/Users/${id}`);
    expect(after.statusCode).toBe(200);
    expect(after.json().active).toBe(false);
  });
});

describe("what a SCIM token may touch", () => {
  it("cannot read, change or delete a person of another organisation", async () => {
    const member = await findUserByEmail(community.db, "member@northwind.example");
    const url = `/Users/${member?.id}`;
    const refusals = [
      await scim(contosoToken, "GET", url),
      await scim(contosoToken, "PATCH", url, {
        schemas: [PATCH_OP],
        Operations: [{ op: "replace", value: { active: false } }],
      }),
      await scim(contosoToken, "PUT", url, { schemas: [CORE_USER], userName: "member@northwind.example" }),
      await scim(contosoToken, "DELETE", url),
    ];
    expect(refusals.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect(refusals[0]?.json()).toMatchObject({ schemas: [ERROR], status: "404" });
    expect((await findUserByEmail(community.db, "member@northwind.example"))?.status).toBe("active");
    const found = await scim(contosoToken, "GET", `/Users?${filterBy("member@northwind.example")}`);
    expect(found.json().totalResults).toBe(0);
  });

  it("neither sees, revives nor renames an erased account", async () => {
    const created = await scim(northwindToken, "POST", "/Users", {
      schemas: [CORE_USER],
      userName: "erased.later@northwind.example",
      externalId: "okta-erased-later",
      name: { givenName: "Erin", familyName: "Later" },
      active: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    const staff = await community.signIn("staff@vendor.example");
    const erased = await staff.post(`/api/admin/users/${id}/erasure`, {
      removeContent: false,
      confirmation: "erase this account",
    });
    expect(erased.statusCode, erased.body).toBe(200);

    const answers = [
      await scim(northwindToken, "GET", `/Users/${id}`),
      await scim(northwindToken, "PATCH", `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "replace", value: { active: true, "name.givenName": "Erin" } }],
      }),
      await scim(northwindToken, "PUT", `/Users/${id}`, {
        schemas: [CORE_USER],
        userName: "erased.later@northwind.example",
        active: true,
      }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([404, 404, 404]);
    const byExternalId = await scim(
      northwindToken,
      "GET",
      `/Users?filter=${encodeURIComponent('externalId eq "okta-erased-later"')}`,
    );
    expect(byExternalId.json().totalResults).toBe(0);
    const [account] = await community.db.select().from(users).where(eq(users.id, id));
    expect(account).toMatchObject({ status: "deactivated", scimExternalId: null });
    expect(account?.name).not.toContain("Erin");
  });

  it("lists only its own organisation's people, in pages", async () => {
    const all = (await scim(northwindToken, "GET", "/Users")).json();
    expect(all.totalResults).toBeGreaterThan(1);
    expect(
      all.Resources.every((user: { userName: string }) => user.userName.endsWith("@northwind.example")),
    ).toBe(true);
    const second = (await scim(northwindToken, "GET", "/Users?startIndex=2&count=1")).json();
    expect(second).toMatchObject({ totalResults: all.totalResults, startIndex: 2, itemsPerPage: 1 });
    expect(second.Resources[0].id).toBe(all.Resources[1].id);
  });

  it("refuses an address outside its organisation's domains with 400 invalidValue naming userName", async () => {
    const response = await scim(contosoToken, "POST", "/Users", {
      schemas: [CORE_USER],
      userName: "someone.new@northwind.example",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ schemas: [ERROR], status: "400", scimType: "invalidValue" });
    expect(response.json().detail).toMatch(/^userName: /);
    expect(await findUserByEmail(community.db, "someone.new@northwind.example")).toBeNull();
  });

  it("refuses a second account for a userName with 409 uniqueness", async () => {
    const response = await scim(contosoToken, "POST", "/Users", {
      schemas: [CORE_USER],
      userName: "member@contoso.example",
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ status: "409", scimType: "uniqueness" });
  });

  it("refuses a request with no token, a revoked token or a personal API token", async () => {
    const anonymous = await community.app.inject({ method: "GET", url: "/scim/v2/Users" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toContain("Bearer");
    expect(anonymous.json()).toMatchObject({ schemas: [ERROR], status: "401" });

    const staff = await community.signIn("staff@vendor.example");
    const organisationId = community.demo.organisations.contoso.id;
    const created = (
      await staff.post(`/api/admin/organisations/${organisationId}/scim-tokens`, { name: "Retired" })
    ).json();
    expect((await scim(created.secret, "GET", "/Users")).statusCode).toBe(200);
    const listed = (await staff.get(`/api/admin/organisations/${organisationId}/scim-tokens`)).json();
    const token = listed.tokens.find((t: { id: string }) => t.id === created.token.id);
    expect(token.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(12));
    expect((await staff.delete(`/api/admin/scim-tokens/${created.token.id}`)).statusCode).toBe(204);
    expect((await scim(created.secret, "GET", "/Users")).statusCode).toBe(401);

    const personal = await staff.post("/api/me/api-tokens", {
      name: "Not for SCIM",
      access: "write",
      area: "all",
      expiresInDays: 7,
    });
    expect((await scim(personal.json().secret, "GET", "/Users")).statusCode).toBe(401);
  });
});

describe("bad input", () => {
  it("answers 400 with a scimType for each kind of mistake, naming the attribute", async () => {
    const member = await findUserByEmail(community.db, "member@contoso.example");
    const url = `/Users/${member?.id}`;
    const cases: [LightMyRequestResponse, string, RegExp][] = [
      [
        await scim(contosoToken, "PATCH", url, {
          schemas: [PATCH_OP],
          Operations: [{ op: "replace", path: "active", value: "maybe" }],
        }),
        "invalidValue",
        /^active: /,
      ],
      [
        await scim(contosoToken, "PATCH", url, {
          schemas: [PATCH_OP],
          Operations: [{ op: "move", path: "x" }],
        }),
        "invalidSyntax",
        /^Operations\.op: /,
      ],
      [
        await scim(contosoToken, "PATCH", url, {
          schemas: [PATCH_OP],
          Operations: [{ op: "remove", path: "userName" }],
        }),
        "mutability",
        /^userName: /,
      ],
      [
        await scim(contosoToken, "GET", `/Users?filter=${encodeURIComponent('name co "x"')}`),
        "invalidFilter",
        /^filter: /,
      ],
      [await scim(contosoToken, "POST", "/Users", { schemas: [CORE_USER] }), "invalidValue", /^userName: /],
      [
        await scim(contosoToken, "POST", "/Users", { schemas: [CORE_USER], userName: "not an address" }),
        "invalidValue",
        /^userName: /,
      ],
      [await scim(contosoToken, "POST", "/Users", "{not json"), "invalidSyntax", /JSON/],
      [await scim(contosoToken, "POST", "/Users", ""), "invalidSyntax", /User object/],
    ];
    for (const [response, scimType, detail] of cases) {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ schemas: [ERROR], status: "400", scimType });
      expect(response.json().detail).toMatch(detail);
    }
    expect((await findUserByEmail(community.db, "member@contoso.example"))?.status).toBe("active");
  });

  it("answers an unknown id or endpoint 404 in SCIM's error shape", async () => {
    const unknown = await scim(contosoToken, "GET", "/Users/00000000-0000-7000-8000-000000000000");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ schemas: [ERROR], status: "404" });
    expect((await scim(contosoToken, "GET", "/Users/not-an-id")).statusCode).toBe(404);
    expect((await scim(contosoToken, "GET", "/Groups")).statusCode).toBe(404);
  });

  it("accepts application/json as well as application/scim+json", async () => {
    const response = await scim(
      contosoToken,
      "POST",
      "/Users",
      { schemas: [CORE_USER], userName: "plain.json@contoso.example", displayName: "Plain Json" },
      "application/json",
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ displayName: "Plain Json", active: true });
  });
});
