import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mailOutbox, passwordResets, sessions } from "../../db/schema.js";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { linkIn, type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";

let community: TestCommunity;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url });
});
afterAll(async () => {
  await community?.close();
  await smtp?.close();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Both the request and the completion are limited per IP, so each visitor comes from an address of
 * their own and no test depends on how many the others sent; the rate-limit test picks its own.
 */
let visitors = 0;
function fromNewVisitor(remoteAddress = `198.51.100.${++visitors}`) {
  const post = (url: string, body: unknown) =>
    community.app.inject({
      method: "POST",
      url,
      headers: { [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
      payload: body as object,
      remoteAddress,
    });
  return {
    requestReset: (email: string) => post("/api/auth/password-reset", { email }),
    preview: (token: string) =>
      community.app.inject({ url: `/api/auth/password-reset/${token}`, remoteAddress }),
    complete: (token: string, password: string) => post(`/api/auth/password-reset/${token}`, { password }),
  };
}

const isResetMail = (to: string) => (m: ReceivedMail) => m.to.includes(to) && m.subject.includes("Reset");

/** Asks for a reset link for `email` and returns the token from the e-mail that arrives over SMTP. */
async function resetTokenFor(email: string): Promise<string> {
  const before = smtp.received.filter(isResetMail(email)).length;
  const response = await fromNewVisitor().requestReset(email);
  expect(response.statusCode).toBe(202);
  await community.app.mailer.flush();
  await smtp.waitFor(() => smtp.received.filter(isResetMail(email)).length > before);
  const mail = smtp.received.filter(isResetMail(email)).at(-1);
  if (!mail) throw new Error(`no reset mail to ${email}`);
  return linkIn(mail.text, "/reset-password");
}

const login = (email: string, password: string) =>
  community.anonymous().post("/api/auth/login", { email, password });

async function latestResetOf(userId: string) {
  const [row] = await community.db
    .select()
    .from(passwordResets)
    .where(eq(passwordResets.userId, userId))
    .orderBy(desc(passwordResets.createdAt))
    .limit(1);
  if (!row) throw new Error("no reset row");
  return row;
}

describe("asking for a password reset", () => {
  it("answers 202 and e-mails a single reset link, of which only the hash is stored", async () => {
    const ip = "198.51.100.200";
    const response = await fromNewVisitor(ip).requestReset("Member@Contoso.example");
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe("");

    await community.app.mailer.flush();
    const mail = await smtp.waitFor(isResetMail("member@contoso.example"));
    expect(mail.subject).toBe("Reset your Convene password");
    expect(mail.text).toContain(`${TEST_ORIGIN}/reset-password/`);
    const token = linkIn(mail.text, "/reset-password");
    expect(token.length).toBeGreaterThanOrEqual(22);

    const row = await latestResetOf(community.demo.people.contosoMember.id);
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.requestIp).toBe(ip);
    const lifetimeMinutes = (row.expiresAt.getTime() - row.createdAt.getTime()) / 60_000;
    expect(lifetimeMinutes).toBeGreaterThan(59);
    expect(lifetimeMinutes).toBeLessThanOrEqual(61);

    const audit = await community.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "auth.password_reset_requested"),
          eq(auditLog.targetId, community.demo.people.contosoMember.id),
        ),
      );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it("answers an unknown address exactly the same way and sends nothing", async () => {
    const [resetsBefore] = await community.db.select({ n: count() }).from(passwordResets);
    const known = await fromNewVisitor().requestReset("dev@fabrikam.example");
    const unknown = await fromNewVisitor().requestReset("nobody@fabrikam.example");
    expect(unknown.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);

    await community.app.mailer.flush();
    // The known address's mail arrived in the same flush, so the unknown one's would have too.
    await smtp.waitFor(isResetMail("dev@fabrikam.example"));
    expect(smtp.received.filter((m) => m.to.includes("nobody@fabrikam.example"))).toHaveLength(0);
    const queued = await community.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, "nobody@fabrikam.example"));
    expect(queued).toHaveLength(0);
    const [resetsAfter] = await community.db.select({ n: count() }).from(passwordResets);
    expect(resetsAfter?.n).toBe((resetsBefore?.n ?? 0) + 1);
  });

  it("names the e-mail field of a malformed request", async () => {
    const response = await fromNewVisitor().requestReset("not-an-address");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.email).toEqual(expect.any(String));
  });

  it("answers 429 after 10 requests from one address in an hour, while other addresses still get through", async () => {
    const resetsOfNed = async () => {
      const [row] = await community.db
        .select({ n: count() })
        .from(passwordResets)
        .where(eq(passwordResets.userId, community.demo.people.northwindMember.id));
      return row?.n;
    };
    const before = await resetsOfNed();
    const flooder = fromNewVisitor("203.0.113.50");
    for (let i = 0; i < 10; i++) {
      expect((await flooder.requestReset(`nobody${i}@spam.example`)).statusCode).toBe(202);
    }
    const eleventh = await flooder.requestReset("member@northwind.example");
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.code).toBe("rate_limited");
    expect(await resetsOfNed()).toBe(before);
    expect((await fromNewVisitor("203.0.113.51").requestReset("nobody@spam.example")).statusCode).toBe(202);
  });
});

describe("following a reset link", () => {
  it("previews the link with the account's address", async () => {
    const token = await resetTokenFor("dev@fabrikam.example");
    const preview = await fromNewVisitor().preview(token);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({ email: "dev@fabrikam.example" });
  });

  it("sets the new password, ends every session of the person, and works only once", async () => {
    const email = "member@contoso.example";
    const userId = community.demo.people.contosoMember.id;
    const laptop = await community.signIn(email);
    const phone = await community.signIn(email);
    expect((await laptop.get("/api/me")).statusCode).toBe(200);
    const bystander = await community.signIn("member@northwind.example");

    const token = await resetTokenFor(email);
    const visitor = fromNewVisitor();
    const completed = await visitor.complete(token, "brand-new-password-1");
    expect(completed.statusCode).toBe(204);

    expect((await laptop.get("/api/me")).statusCode).toBe(401);
    expect((await phone.get("/api/me")).statusCode).toBe(401);
    const [live] = await community.db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)));
    expect(live?.n).toBe(0);
    expect((await bystander.get("/api/me")).statusCode, "other people's sessions are untouched").toBe(200);

    expect((await login(email, DEMO_PASSWORD)).statusCode).toBe(401);
    const signedIn = await login(email, "brand-new-password-1");
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.email).toBe(email);

    const [audit] = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.password_reset"), eq(auditLog.targetId, userId)));
    expect(audit?.details).toMatchObject({ endedSessions: expect.any(Number) });
    expect(Number(audit?.details.endedSessions)).toBeGreaterThanOrEqual(2);

    // The same link again: gone, and the password stays the one set with it.
    const previewAgain = await visitor.preview(token);
    expect(previewAgain.statusCode).toBe(410);
    expect(previewAgain.json().error.code).toBe("gone");
    const reused = await fromNewVisitor().complete(token, "attacker-password-9");
    expect(reused.statusCode).toBe(410);
    expect((await login(email, "attacker-password-9")).statusCode).toBe(401);
    expect((await login(email, "brand-new-password-1")).statusCode).toBe(200);
  });

  it("answers 410 to a link older than an hour and leaves the password unchanged", async () => {
    const email = "member@northwind.example";
    const token = await resetTokenFor(email);
    const row = await latestResetOf(community.demo.people.northwindMember.id);
    await community.db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResets.id, row.id));
    const visitor = fromNewVisitor();
    expect((await visitor.preview(token)).statusCode).toBe(410);
    const completed = await visitor.complete(token, "too-late-password-1");
    expect(completed.statusCode).toBe(410);
    expect(completed.json().error.code).toBe("gone");
    expect((await login(email, "too-late-password-1")).statusCode).toBe(401);
    expect((await login(email, DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await latestResetOf(community.demo.people.northwindMember.id)).usedAt).toBeNull();
  });

  it("answers 404 to a link nobody issued", async () => {
    const unknown = randomBytes(32).toString("base64url");
    const visitor = fromNewVisitor();
    const preview = await visitor.preview(unknown);
    expect(preview.statusCode).toBe(404);
    expect(preview.json().error.code).toBe("not_found");
    expect((await visitor.complete(unknown, "whatever-password-1")).statusCode).toBe(404);
  });

  it("refuses a short password, naming the field, and leaves the link usable", async () => {
    const email = "admin@northwind.example";
    const token = await resetTokenFor(email);
    const visitor = fromNewVisitor();
    const refused = await visitor.complete(token, "short");
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.password).toEqual(expect.any(String));
    expect((await login(email, DEMO_PASSWORD)).statusCode).toBe(200);

    expect((await visitor.preview(token)).statusCode).toBe(200);
    expect((await visitor.complete(token, "admin-new-password-1")).statusCode).toBe(204);
    expect((await login(email, "admin-new-password-1")).statusCode).toBe(200);
  });
});

describe("outstanding reset links end when the password changes", () => {
  it("ends the older link when the newer one is used", async () => {
    const email = "pharmacist@northwind.example";
    const older = await resetTokenFor(email);
    const newer = await resetTokenFor(email);
    expect((await fromNewVisitor().complete(newer, "newer-link-password-1")).statusCode).toBe(204);
    const stale = await fromNewVisitor().complete(older, "older-link-password-1");
    expect(stale.statusCode).toBe(410);
    expect(stale.json().error.code).toBe("gone");
    expect((await login(email, "older-link-password-1")).statusCode).toBe(401);
    expect((await login(email, "newer-link-password-1")).statusCode).toBe(200);
  });

  it("ends every link when the person changes the password from their profile", async () => {
    const email = "dev@fabrikam.example";
    const token = await resetTokenFor(email);
    const person = await community.signIn(email);
    const changed = await person.post("/api/me/password", {
      currentPassword: DEMO_PASSWORD,
      newPassword: "profile-password-1",
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await fromNewVisitor().preview(token)).statusCode).toBe(410);
    expect((await fromNewVisitor().complete(token, "link-password-after-1")).statusCode).toBe(410);
    expect((await login(email, "profile-password-1")).statusCode).toBe(200);
  });

  it("ends every link when staff deactivate the account, and reactivation does not revive them", async () => {
    const email = "member@contoso.example";
    const userId = community.demo.people.contosoMember.id;
    const token = await resetTokenFor(email);
    const staff = await community.signIn("staff@vendor.example");
    expect((await staff.patch(`/api/admin/users/${userId}`, { status: "deactivated" })).statusCode).toBe(200);
    expect((await fromNewVisitor().complete(token, "deactivated-password-1")).statusCode).toBe(410);
    expect((await staff.patch(`/api/admin/users/${userId}`, { status: "active" })).statusCode).toBe(200);
    expect((await fromNewVisitor().complete(token, "reactivated-password-1")).statusCode).toBe(410);
    expect((await login(email, "reactivated-password-1")).statusCode).toBe(401);
  });
});
