import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community.close());

describe("the platform", () => {
  it("reports health with the version and the database kind", async () => {
    const response = await community.anonymous().get("/api/health");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      database: process.env.TEST_DATABASE_URL ? "postgres" : "pglite",
    });
  });

  it("publishes an OpenAPI 3 document covering the routes", async () => {
    const response = await community.anonymous().get("/api/openapi.json");
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/api/auth/login", "/api/me", "/api/desk/tickets", "/api/admin/audit"]),
    );
  });

  it("serves browsable API docs", async () => {
    const response = await community.app.inject({ url: "/api/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
  });

  it("sets security headers", async () => {
    const response = await community.anonymous().get("/api/health");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("img-src 'self' data:;");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const response = await community.anonymous().get("/api/nothing-here");
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
  });

  it("answers malformed JSON with a 400, not a 500", async () => {
    const response = await community.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json", "x-convene-csrf": "1" },
      payload: "{ not json",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBeDefined();
  });

  it("keeps mail in the outbox when no SMTP server is configured, for staff to read", async () => {
    await community.anonymous().post("/api/auth/password-reset", { email: "member@contoso.example" });
    await community.app.mailer.flush();
    const staff = await community.signIn("staff@vendor.example");
    const response = await staff.get("/api/admin/mail?to=member@contoso.example");
    expect(response.statusCode).toBe(200);
    const [message] = response.json().messages;
    expect(message).toMatchObject({ to: "member@contoso.example", status: "stored" });
    expect(message.text).toContain("/reset-password/");
  });
});
