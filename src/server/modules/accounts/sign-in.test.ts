import { eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mailOutbox, sessions, users } from "../../db/schema.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity({ loginMaxFailures: 3 });
});
afterAll(() => community.close());

const login = (email: string, password: string, extra: Record<string, unknown> = {}) =>
  community.anonymous().post("/api/auth/login", { email, password, ...extra });

async function auditActions(targetId: string) {
  const rows = await community.db.select().from(auditLog).where(eq(auditLog.targetId, targetId));
  return rows.map((r) => r.action);
}

describe("signing in", () => {
  it("starts a server-side session in an httpOnly, SameSite=Lax cookie and answers /api/me", async () => {
    const response = await login("Member@Northwind.example", "convene-demo");
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === "convene_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    expect(cookie?.secure).toBeFalsy();
    const me = await community.app.inject({
      url: "/api/me",
      headers: { cookie: `convene_session=${cookie?.value}` },
    });
    expect(me.json()).toMatchObject({
      email: "member@northwind.example",
      organisation: { name: "Northwind Research Unit", kind: "customer" },
      isStaff: false,
      isOrgAdmin: false,
    });
  });

  it("answers 401 on /api/me when signed out", async () => {
    const response = await community.anonymous().get("/api/me");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("unauthenticated");
  });

  it("issues a new session id on every sign-in", async () => {
    const first = await community.signIn("member@contoso.example");
    const second = await community.signIn("member@contoso.example");
    expect(first.cookie).not.toEqual(second.cookie);
    const list = await second.get("/api/me/sessions");
    expect(list.json().sessions.length).toBeGreaterThanOrEqual(2);
    expect(list.json().sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });

  it("names the fields of a malformed sign-in", async () => {
    const response = await community.anonymous().post("/api/auth/login", { email: "not-an-address" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toMatchObject({
      email: expect.any(String),
      password: expect.any(String),
    });
  });

  it("refuses a wrong password with the same message as an unknown account, and audits both", async () => {
    const wrong = await login("dev@fabrikam.example", "not-the-password");
    const unknown = await login("nobody@fabrikam.example", "not-the-password");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toEqual(unknown.json().error.message);
    expect(await auditActions(community.demo.people.fabrikamDev.id)).toContain("auth.sign_in_failed");
    const failures = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.actorEmail, "nobody@fabrikam.example"));
    expect(failures.map((f) => f.action)).toEqual(["auth.sign_in_failed"]);
  });

  it("locks an account after repeated failures, even for the right password, and audits the lockout", async () => {
    const email = "admin@northwind.example";
    for (let i = 0; i < 3; i++) expect((await login(email, "wrong-password-x")).statusCode).toBe(401);
    const locked = await login(email, "convene-demo");
    expect(locked.statusCode).toBe(401);
    expect(await auditActions(community.demo.people.northwindAdmin.id)).toEqual(
      expect.arrayContaining(["auth.locked_out", "auth.sign_in_refused_locked"]),
    );
    await community.db.update(users).set({ lockedUntil: null }).where(eq(users.email, email));
    expect((await login(email, "convene-demo")).statusCode).toBe(200);
  });

  it("answers a locked account exactly as an unknown address, and tells the owner by e-mail", async () => {
    // From an address of its own, so the per-address rate limit the other cases spend stays out of it.
    const loginFrom = (email: string, password: string) =>
      community.app.inject({
        method: "POST",
        url: "/api/auth/login",
        headers: { [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
        payload: { email, password },
        remoteAddress: "198.51.100.77",
      });
    const email = "pharmacist@northwind.example";
    for (let i = 0; i < 3; i++) await loginFrom(email, "wrong-password-y");
    const locked = await loginFrom(email, "convene-demo");
    const unknown = await loginFrom("no-such-person@northwind.example", "convene-demo");
    expect(locked.statusCode).toBe(unknown.statusCode);
    expect(locked.body).toBe(unknown.body);
    expect(locked.json().error.code).toBe("unauthenticated");
    const mails = await community.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
    const notice = mails.find((mail) => mail.subject.includes("locked"));
    expect(notice?.text).toContain("3 failed sign-ins");
    expect(notice?.text).toContain("/forgot-password");
    await community.db.update(users).set({ lockedUntil: null }).where(eq(users.email, email));
  });

  it("refuses a mutation without the CSRF header or from another origin", async () => {
    const noHeader = await community.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "staff@vendor.example", password: "convene-demo" },
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe("csrf");
    const foreign = await community
      .anonymous()
      .post(
        "/api/auth/login",
        { email: "staff@vendor.example", password: "convene-demo" },
        { origin: "https://evil.example" },
      );
    expect(foreign.statusCode).toBe(403);
  });
});

describe("sessions", () => {
  it("signing out ends the session server-side", async () => {
    const client = await community.signIn("member@contoso.example");
    expect((await client.post("/api/auth/logout")).statusCode).toBe(204);
    expect((await client.get("/api/me")).statusCode).toBe(401);
  });

  it("a person ends another of their own sessions, but not someone else's", async () => {
    const laptop = await community.signIn("member@northwind.example");
    const phone = await community.signIn("member@northwind.example");
    const phoneSession = (await phone.get("/api/me/sessions"))
      .json()
      .sessions.find((s: { current: boolean }) => s.current);
    const stranger = await community.signIn("member@contoso.example");
    expect((await stranger.delete(`/api/me/sessions/${phoneSession.id}`)).statusCode).toBe(404);
    expect((await laptop.delete(`/api/me/sessions/${phoneSession.id}`)).statusCode).toBe(204);
    expect((await phone.get("/api/me")).statusCode).toBe(401);
    expect((await laptop.get("/api/me")).statusCode).toBe(200);
  });

  it("expires a session left idle past the idle timeout", async () => {
    const client = await community.signIn("dev@fabrikam.example");
    const idleSince = new Date(Date.now() - (community.config.sessionIdleMinutes + 1) * 60_000);
    await community.db
      .update(sessions)
      .set({ lastSeenAt: idleSince })
      .where(eq(sessions.userId, community.demo.people.fabrikamDev.id));
    expect((await client.get("/api/me")).statusCode).toBe(401);
  });

  it("expires a session past its absolute lifetime however active it is", async () => {
    const client = await community.signIn("dev@fabrikam.example");
    await community.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, community.demo.people.fabrikamDev.id));
    expect((await client.get("/api/me")).statusCode).toBe(401);
  });

  it("deactivating a person ends all of their sessions at once and stops new sign-ins", async () => {
    const one = await community.signIn("member@contoso.example");
    const two = await community.signIn("member@contoso.example");
    const staff = await community.signIn("staff@vendor.example");
    const contoso = community.demo.people.contosoMember.id;
    expect((await staff.patch(`/api/admin/users/${contoso}`, { status: "deactivated" })).statusCode).toBe(
      200,
    );
    expect((await one.get("/api/me")).statusCode).toBe(401);
    expect((await two.get("/api/me")).statusCode).toBe(401);
    expect((await login("member@contoso.example", "convene-demo")).statusCode).toBe(401);
    expect((await staff.patch(`/api/admin/users/${contoso}`, { status: "active" })).statusCode).toBe(200);
    expect((await login("member@contoso.example", "convene-demo")).statusCode).toBe(200);
  });

  it("changing the password ends the person's other sessions", async () => {
    const keep = await community.signIn("staff@vendor.example");
    const other = await community.signIn("staff@vendor.example");
    const wrong = await keep.post("/api/me/password", {
      currentPassword: "nope",
      newPassword: "a-new-password-1",
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields.currentPassword).toBeTruthy();
    const changed = await keep.post("/api/me/password", {
      currentPassword: "convene-demo",
      newPassword: "a-new-password-1",
    });
    expect(changed.statusCode).toBe(204);
    expect((await other.get("/api/me")).statusCode).toBe(401);
    expect((await keep.get("/api/me")).statusCode).toBe(200);
    await keep.post("/api/me/password", { currentPassword: "a-new-password-1", newPassword: "convene-demo" });
  });
});

describe("two-factor sign-in (TOTP)", () => {
  it("asks for a code once enabled, accepts a valid one and refuses a wrong one", async () => {
    const client = await community.signIn("dev@fabrikam.example");
    const setup = await client.post("/api/me/totp/setup");
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(otpauthUrl).toContain("otpauth://totp/");
    expect((await client.post("/api/me/totp/enable", { code: "000000" })).statusCode).toBe(400);
    expect((await client.post("/api/me/totp/enable", { code: await generate({ secret }) })).statusCode).toBe(
      200,
    );

    const withoutCode = await login("dev@fabrikam.example", "convene-demo");
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.code).toBe("second_factor_required");
    const wrongCode = await login("dev@fabrikam.example", "convene-demo", { totpCode: "123456" });
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.json().error.fields.totpCode).toBeTruthy();
    const withCode = await login("dev@fabrikam.example", "convene-demo", {
      totpCode: await generate({ secret }),
    });
    expect(withCode.statusCode).toBe(200);

    expect((await client.post("/api/me/totp/disable", { password: "convene-demo" })).statusCode).toBe(204);
    expect((await login("dev@fabrikam.example", "convene-demo")).statusCode).toBe(200);
  });
});
