import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { auditLog } from "../../platform/audit/schema.js";
import { DEVELOPMENT_AREA } from "../../platform/auth/http.js";
import { hashToken } from "../../platform/tokens.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import type { ApiTokenInput, CreatedApiToken } from "./contracts/api-tokens.js";
import { apiTokens, users } from "./schema.js";

let community: TestCommunity;
let sequence = 0;

beforeAll(async () => {
  community = await startTestCommunity();
}, 180_000);

afterAll(() => community?.close());

const MEMBER = "member@northwind.example";
const NORTHWIND_ADMIN = "admin@northwind.example";
const CONTOSO_MEMBER = "member@contoso.example";
const STAFF = "staff@vendor.example";

/** A token made on the profile page of `email` (signed in with a session, as only that can). */
async function tokenOf(
  email: string,
  scope: Partial<ApiTokenInput> = {},
): Promise<CreatedApiToken & { owner: Client }> {
  const owner = await community.signIn(email);
  const response = await owner.post("/api/me/api-tokens", {
    name: `Script ${++sequence}`,
    access: "write",
    area: "all",
    expiresInDays: 30,
    ...scope,
  });
  expect(response.statusCode, response.body).toBe(201);
  return { ...response.json(), owner };
}

/** A call as a script makes it: the bearer token only, no cookie, no CSRF header, no Origin. */
function withToken(
  secret: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  body?: object,
  headers: Record<string, string> = {},
) {
  return community.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${secret}`, ...headers },
    ...(body ? { payload: body } : {}),
  });
}

async function auditActions(tokenId: string): Promise<string[]> {
  const rows = await community.db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, "api_token"), eq(auditLog.targetId, tokenId)))
    .orderBy(auditLog.id);
  return rows.map((row) => row.action);
}

describe("personal API tokens", () => {
  it("creates a cvn_ token shown once, keeps only its hash and lists it by a short prefix", async () => {
    const { secret, token, owner } = await tokenOf(MEMBER, { name: "Nightly export" });
    expect(secret).toMatch(/^cvn_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: "Nightly export", status: "active", lastUsedAt: null });
    expect(token.prefix).toBe(secret.slice(0, 12));
    const [row] = await community.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row?.tokenHash).toBe(hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
    const listed = await owner.get("/api/me/api-tokens");
    expect(listed.json().tokens.map((t: { id: string }) => t.id)).toContain(token.id);
    expect(listed.body).not.toContain(secret.slice(12));
  });

  it("acts as its person on reads and writes with no CSRF header", async () => {
    const { secret } = await tokenOf(MEMBER);
    const me = await withToken(secret, "GET", "/api/me");
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(MEMBER);
    const renamed = await withToken(secret, "PATCH", "/api/me", { name: "Ned Member" });
    expect(renamed.statusCode, renamed.body).toBe(200);
  });

  it("gives exactly the person's permissions, never more", async () => {
    const { secret } = await tokenOf(MEMBER);
    const staffRoute = await withToken(secret, "GET", "/api/admin/users");
    expect(staffRoute.statusCode).toBe(403);
  });

  it("refuses a read-only token on anything but GET and HEAD, naming the scope", async () => {
    const { secret } = await tokenOf(MEMBER, { access: "read" });
    expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(200);
    const write = await withToken(secret, "PATCH", "/api/me", { name: "Changed" });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.message).toContain("read only");
    const post = await withToken(secret, "POST", "/api/markdown/preview", { text: "hello" });
    expect(post.statusCode).toBe(403);
  });

  it("confines a development-environment token to the sandbox's routes, where it may write", async () => {
    const { secret } = await tokenOf(STAFF, { area: "sandbox" });
    const outside = await withToken(secret, "GET", "/api/me");
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.message).toContain("development environment");
    expect((await withToken(secret, "GET", "/api/admin/users")).statusCode).toBe(403);
    expect((await withToken(secret, "GET", "/api/sandbox/status")).statusCode).toBe(200);
    const flag = await withToken(secret, "POST", "/api/admin/sandbox/flags", {
      key: "token-made",
      name: "Made by a token",
      state: "off",
    });
    expect(flag.statusCode, flag.body).toBe(201);
  });

  it("confines a pipeline token to the pipeline's work: a deployment and the next wipe, not the data or a wipe", async () => {
    const { secret } = await tokenOf(STAFF, { area: "pipeline" });
    const deployed = await withToken(secret, "POST", "/api/admin/sandbox/deployments", {
      buildId: "26.4.0-build.812",
      version: "26.4-rc.1",
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    expect((await withToken(secret, "GET", "/api/sandbox/environment")).statusCode).toBe(200);
    for (const [method, url] of [
      ["GET", "/api/sandbox/volunteers"],
      ["GET", "/api/sandbox/studies"],
      ["POST", "/api/admin/sandbox/wipes/now"],
      ["POST", "/api/admin/sandbox/flags"],
      ["GET", "/api/me"],
    ] as const) {
      const refused = await withToken(secret, method, url, method === "POST" ? {} : undefined);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.json().error.message).toContain("deployment pipeline");
    }
  });

  it("places exactly the operations tagged sandbox or pharmacy in the development area", async () => {
    const document = (await community.anonymous().get("/api/openapi.json")).json() as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const misplaced: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const tagged = operation.tags?.some((tag) => tag === "sandbox" || tag === "pharmacy") ?? false;
        if (tagged !== DEVELOPMENT_AREA.test(path)) misplaced.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it("refuses an unknown token with 401", async () => {
    const response = await withToken("cvn_not-a-real-token", "GET", "/api/me");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe("This API token is not valid.");
  });

  it("refuses an expired token with 401 saying when it expired", async () => {
    const { secret, token } = await tokenOf(MEMBER);
    await community.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, token.id));
    const response = await withToken(secret, "GET", "/api/me");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/^This API token expired on \d{4}-\d\d-\d\d/);
  });

  it("stops a revoked token at once and audits creation and revocation", async () => {
    const { secret, token, owner } = await tokenOf(MEMBER);
    expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(200);
    expect((await owner.delete(`/api/me/api-tokens/${token.id}`)).statusCode).toBe(204);
    const response = await withToken(secret, "GET", "/api/me");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe("This API token has been revoked.");
    expect(await auditActions(token.id)).toEqual([
      "api_token.created",
      "api_token.used",
      "api_token.revoked",
    ]);
  });

  it("records last use and audits it at most once a minute per token", async () => {
    const { secret, token, owner } = await tokenOf(MEMBER);
    for (let i = 0; i < 3; i++) expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(200);
    expect(await auditActions(token.id)).toEqual(["api_token.created", "api_token.used"]);
    const [listed] = (await owner.get("/api/me/api-tokens")).json().tokens;
    expect(listed.id).toBe(token.id);
    expect(listed.lastUsedAt).not.toBeNull();
    await community.db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(Date.now() - 2 * 60_000) })
      .where(eq(apiTokens.id, token.id));
    await withToken(secret, "GET", "/api/me");
    expect(await auditActions(token.id)).toEqual(["api_token.created", "api_token.used", "api_token.used"]);
  });

  it("stops a deactivated person's tokens at once and leaves them revoked on reactivation", async () => {
    const staff = await community.signIn(STAFF);
    const person = (await staff.get(`/api/admin/users?q=${encodeURIComponent(CONTOSO_MEMBER)}`)).json()
      .users[0];
    const { secret } = await tokenOf(CONTOSO_MEMBER);
    expect((await staff.patch(`/api/admin/users/${person.id}`, { status: "deactivated" })).statusCode).toBe(
      200,
    );
    const refused = await withToken(secret, "GET", "/api/me");
    expect(refused.statusCode).toBe(401);
    expect((await staff.patch(`/api/admin/users/${person.id}`, { status: "active" })).statusCode).toBe(200);
    expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(401);
  });

  it("refuses to manage tokens or credentials with a token: a token cannot mint tokens", async () => {
    const { secret, token } = await tokenOf(MEMBER);
    const input = { name: "Minted", access: "write", area: "all", expiresInDays: 7 };
    const refusals = [
      await withToken(secret, "POST", "/api/me/api-tokens", input),
      await withToken(secret, "GET", "/api/me/api-tokens"),
      await withToken(secret, "DELETE", `/api/me/api-tokens/${token.id}`),
      await withToken(secret, "POST", "/api/me/password", {
        currentPassword: DEMO_PASSWORD,
        newPassword: "a brand new password",
      }),
    ];
    expect(refusals.map((response) => response.statusCode)).toEqual([403, 403, 403, 403]);
    expect(refusals[0]?.json().error.message).toContain("API tokens cannot be used here");
  });

  it("refuses every way into an account or out of it with a token, even staff's", async () => {
    const { secret } = await tokenOf(STAFF);
    const northwind = community.demo.organisations.northwind.id;
    const member = community.demo.people.northwindMember.id;
    const refusals = [
      await withToken(secret, "GET", "/api/me/passkeys"),
      await withToken(secret, "POST", "/api/me/passkeys/registration-options"),
      await withToken(secret, "POST", "/api/me/erasure", {
        removeContent: false,
        confirmation: "erase my account",
      }),
      await withToken(secret, "GET", `/api/admin/organisations/${northwind}/sign-in`),
      await withToken(secret, "DELETE", `/api/admin/organisations/${northwind}/sign-in`),
      await withToken(secret, "POST", `/api/admin/organisations/${northwind}/scim-tokens`, { name: "Okta" }),
      await withToken(secret, "POST", `/api/admin/users/${member}/erasure`, {
        removeContent: false,
        confirmation: "erase this account",
      }),
    ];
    expect(refusals.map((response) => response.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    const [account] = await community.db.select().from(users).where(eq(users.id, member));
    expect(account?.erasedAt).toBeNull();
  });

  it("treats a request with both a session cookie and a token as the token's alone", async () => {
    const { secret } = await tokenOf(MEMBER, { access: "read" });
    const staff = await community.signIn(STAFF);
    const cookie = staff.cookie as string;
    const asMember = await withToken(secret, "GET", "/api/me", undefined, { cookie });
    expect(asMember.json().email).toBe(MEMBER);
    expect((await withToken(secret, "GET", "/api/admin/users", undefined, { cookie })).statusCode).toBe(403);
    const write = await withToken(
      secret,
      "PATCH",
      "/api/me",
      { name: "Changed" },
      {
        cookie,
        "x-convene-csrf": "1",
      },
    );
    expect(write.statusCode).toBe(403);
  });

  it("revokes a person's tokens with a password change when they ask", async () => {
    const { secret, owner } = await tokenOf(NORTHWIND_ADMIN);
    const kept = await owner.post("/api/me/password", {
      currentPassword: DEMO_PASSWORD,
      newPassword: DEMO_PASSWORD,
    });
    expect(kept.statusCode).toBe(204);
    expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(200);
    const revoking = await owner.post("/api/me/password", {
      currentPassword: DEMO_PASSWORD,
      newPassword: DEMO_PASSWORD,
      revokeApiTokens: true,
    });
    expect(revoking.statusCode).toBe(204);
    expect((await withToken(secret, "GET", "/api/me")).statusCode).toBe(401);
  });
});

describe("managing an organisation's tokens", () => {
  it("lets an organisation admin list and revoke their organisation's tokens, and not another's", async () => {
    const northwind = await tokenOf(MEMBER);
    const contoso = await tokenOf(CONTOSO_MEMBER);
    const admin = await community.signIn(NORTHWIND_ADMIN);
    const listed = (await admin.get("/api/api-tokens")).json().tokens as { id: string }[];
    const ids = listed.map((token) => token.id);
    expect(ids).toContain(northwind.token.id);
    expect(ids).not.toContain(contoso.token.id);
    expect((await admin.delete(`/api/api-tokens/${contoso.token.id}`)).statusCode).toBe(404);
    expect((await withToken(contoso.secret, "GET", "/api/me")).statusCode).toBe(200);
    expect((await admin.delete(`/api/api-tokens/${northwind.token.id}`)).statusCode).toBe(204);
    expect((await withToken(northwind.secret, "GET", "/api/me")).statusCode).toBe(401);
  });

  it("refuses a member who is no admin, even for a colleague's token", async () => {
    const colleague = await tokenOf(NORTHWIND_ADMIN);
    const member = await community.signIn(MEMBER);
    expect((await member.get("/api/api-tokens")).statusCode).toBe(403);
    expect((await member.delete(`/api/api-tokens/${colleague.token.id}`)).statusCode).toBe(403);
  });

  it("lets staff list and revoke anyone's tokens", async () => {
    const northwind = await tokenOf(MEMBER);
    const contoso = await tokenOf(CONTOSO_MEMBER);
    const staff = await community.signIn(STAFF);
    const ids = ((await staff.get("/api/api-tokens")).json().tokens as { id: string }[]).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([northwind.token.id, contoso.token.id]));
    expect((await staff.delete(`/api/api-tokens/${contoso.token.id}`)).statusCode).toBe(204);
    const [row] = await community.db
      .select({ revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(inArray(apiTokens.id, [contoso.token.id]));
    expect(row?.revokedAt).not.toBeNull();
  });
});
