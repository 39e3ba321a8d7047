import { and, eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, recoveryCodes } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { listOutbox } from "../../platform/mail/service.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createUser } from "./users.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity({ loginMaxFailures: 3 });
});
afterAll(() => community.close());

const login = (email: string, extra: Record<string, unknown> = {}) =>
  community.anonymous().post("/api/auth/login", { email, password: DEMO_PASSWORD, ...extra });

let people = 0;
/** A new person for each test, so one test's lockout or codes never meet another's. */
async function newPerson(): Promise<{ id: string; email: string }> {
  people += 1;
  return createUser(community.ctx, {
    email: `person-${people}@northwind.example`,
    name: `Person ${people}`,
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
}

/** A new person with two-factor on: their signed-in client and their first recovery codes. */
async function withTwoFactor(): Promise<{ id: string; email: string; client: Client; codes: string[] }> {
  const { id, email } = await newPerson();
  const client = await community.signIn(email);
  const { secret } = (await client.post("/api/me/totp/setup")).json();
  const enabled = await client.post("/api/me/totp/enable", { code: await generate({ secret }) });
  expect(enabled.statusCode).toBe(200);
  return { id, email, client, codes: enabled.json().recoveryCodes };
}

async function auditActions(userId: string, action: string) {
  return community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetId, userId), eq(auditLog.action, action)));
}

describe("two-factor set-up", () => {
  it("answers the otpauth URL as a QR code drawn by the server, beside the secret for typing in", async () => {
    const client = await community.signIn((await newPerson()).email);
    const setup = (await client.post("/api/me/totp/setup")).json();
    expect(setup.secret).toMatch(/^[A-Z2-7]+$/);
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(setup.qrCode.split(",")[1], "base64").toString();
    expect(svg).toContain("<svg");
    expect(svg).toContain("<path");
  });

  it("answers ten distinct recovery codes once two-factor is on, all listed unused", async () => {
    const { client, codes } = await withTwoFactor();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const list = (await client.get("/api/me/totp/recovery-codes")).json();
    expect(list.generatedAt).toEqual(expect.any(String));
    expect(list.codes).toEqual(codes.map((_, index) => ({ number: index + 1, usedAt: null })));
  });

  it("keeps only hashes of the recovery codes", async () => {
    const { id, codes } = await withTwoFactor();
    const stored = await community.db
      .select({ codeHash: recoveryCodes.codeHash })
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, id));
    expect(stored).toHaveLength(10);
    const hashes = stored.map((row) => row.codeHash).join(" ");
    for (const code of codes) {
      expect(hashes).not.toContain(code);
      expect(hashes).not.toContain(code.replaceAll("-", ""));
    }
  });
});

describe("signing in with a recovery code", () => {
  it("signs in in place of the app's code, once only, lists the code as used and tells the owner by e-mail", async () => {
    const { id, email, client, codes } = await withTwoFactor();
    const [first] = codes as [string];
    const signedIn = await login(email, { recoveryCode: first });
    expect(signedIn.statusCode).toBe(200);

    const again = await login(email, { recoveryCode: first });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.fields.recoveryCode).toBeTruthy();

    const list = (await client.get("/api/me/totp/recovery-codes")).json();
    expect(list.codes[0].usedAt).toEqual(expect.any(String));
    expect(list.codes.filter((code: { usedAt: string | null }) => code.usedAt === null)).toHaveLength(9);
    const used = await auditActions(id, "auth.recovery_code_used");
    expect(used.map((row) => row.details)).toEqual([{ remaining: 9 }]);
    const [notice] = await listOutbox(community.db, { to: email, limit: 1 });
    expect(notice?.subject).toBe("A recovery code was used to sign in to Convene");
    expect(notice?.text).toContain("9 of your recovery codes are left");
  });

  it("takes a code typed in capitals, without its dashes or with spaces", async () => {
    const { email, codes } = await withTwoFactor();
    const [first, second] = codes as [string, string];
    const shouting = await login(email, {
      recoveryCode: first.replaceAll("-", "").toUpperCase(),
    });
    expect(shouting.statusCode).toBe(200);
    const spaced = await login(email, {
      recoveryCode: ` ${second.replaceAll("-", " ")} `,
    });
    expect(spaced.statusCode).toBe(200);
  });

  it("counts a wrong recovery code towards the account's lockout", async () => {
    const { id, email, codes } = await withTwoFactor();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await login(email, { recoveryCode: "aaaa-bbbb-cccc-dddd" })).statusCode).toBe(401);
    }
    const locked = await login(email, { recoveryCode: codes[0] });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.fields).toBeUndefined();
    const lockouts = await auditActions(id, "auth.locked_out");
    expect(lockouts).toHaveLength(1);
  });

  it("names the field of a malformed recovery code, and of one sent together with an app code", async () => {
    const malformed = await login("staff@vendor.example", { recoveryCode: "<script>" });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields.recoveryCode).toBeTruthy();
    const both = await login("staff@vendor.example", {
      totpCode: "123456",
      recoveryCode: "aaaa-bbbb-cccc-dddd",
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.fields.recoveryCode).toBeTruthy();
  });
});

describe("regenerating recovery codes", () => {
  it("needs the password, replaces the whole set, and the old codes stop working", async () => {
    const { id, email, client, codes } = await withTwoFactor();
    const wrong = await client.post("/api/me/totp/recovery-codes", { password: "not-my-password" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields.password).toBeTruthy();

    const fresh = await client.post("/api/me/totp/recovery-codes", { password: DEMO_PASSWORD });
    expect(fresh.statusCode).toBe(200);
    const newCodes: string[] = fresh.json().recoveryCodes;
    expect(newCodes).toHaveLength(10);
    expect(newCodes.some((code) => codes.includes(code))).toBe(false);

    expect((await login(email, { recoveryCode: codes[1] })).statusCode).toBe(401);
    expect((await login(email, { recoveryCode: newCodes[1] })).statusCode).toBe(200);
    const audited = await auditActions(id, "auth.recovery_codes_regenerated");
    expect(audited).toHaveLength(1);
  });

  it("refuses a new set while two-factor is off, and turning it off discards the codes", async () => {
    const { email, client, codes } = await withTwoFactor();
    expect((await client.post("/api/me/totp/disable", { password: DEMO_PASSWORD })).statusCode).toBe(204);
    expect((await client.get("/api/me/totp/recovery-codes")).json()).toEqual({
      generatedAt: null,
      codes: [],
    });
    const refused = await client.post("/api/me/totp/recovery-codes", { password: DEMO_PASSWORD });
    expect(refused.statusCode).toBe(409);
    // With two-factor off a recovery code is not asked for, and a discarded one opens nothing more.
    expect((await login(email, { recoveryCode: codes[0] })).statusCode).toBe(200);
  });
});
