import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCommunity, type TestCommunity } from "../testing/harness.js";
import { PREVIEW_MAX_CHARACTERS } from "./markdown-routes.js";

let community: TestCommunity;
beforeAll(async () => {
  community = await startTestCommunity();
});
afterAll(() => community.close());

describe("POST /api/markdown/preview", () => {
  it("renders Markdown through the one sanitizer for a signed-in member", async () => {
    const member = await community.signIn("member@contoso.example");
    const response = await member.post("/api/markdown/preview", {
      markdown: "**Dose** once a day <script>alert(1)</script> [more](javascript:alert(2))",
    });
    expect(response.statusCode).toBe(200);
    const { html } = response.json();
    expect(html).toContain("<strong>Dose</strong>");
    expect(html).not.toMatch(/<script|javascript:/i);
  });

  it("renders an empty text as nothing", async () => {
    const member = await community.signIn("member@northwind.example");
    const response = await member.post("/api/markdown/preview", { markdown: "" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ html: "" });
  });

  it("refuses a signed-out caller before looking at the text", async () => {
    const response = await community.anonymous().post("/api/markdown/preview", { markdown: "hello" });
    expect(response.statusCode).toBe(401);
  });

  it("refuses a text longer than anything the community stores, naming markdown", async () => {
    const member = await community.signIn("member@northwind.example");
    const response = await member.post("/api/markdown/preview", {
      markdown: "a".repeat(PREVIEW_MAX_CHARACTERS + 1),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ markdown: "Use at most 200,000 characters." });
  });

  it("refuses a missing markdown field, naming it", async () => {
    const member = await community.signIn("member@northwind.example");
    const response = await member.post("/api/markdown/preview", {});
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ markdown: "Send the Markdown to preview as text." });
  });
});
