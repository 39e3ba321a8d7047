import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, linkFromOutbox, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("joining through Request access", () => {
  it("a visitor asks, staff approve into a new organisation, the invitation from the outbox signs them in", async () => {
    const visitor = await newPage(browser);
    await visitor.goto("/");
    await screenshot(visitor, "landing");
    await visitor.getByRole("link", { name: "Request access" }).first().click();
    await visitor.getByLabel("Name").fill("Lee Jordan");
    await visitor.getByLabel("E-mail").fill("lee@globex.example");
    await visitor.getByLabel("Organisation").fill("Globex Research");
    await visitor.getByLabel("Role").fill("Study coordinator");
    await visitor
      .getByLabel("Why do you want to join?")
      .fill("We run Phase 1 studies and want to follow the releases.");
    await screenshot(visitor, "request-access");
    await visitor.getByRole("button", { name: "Request access" }).click();
    await visitor.getByRole("heading", { name: "Request received" }).waitFor();
    // A visitor cannot see the desk: they are told what happens next, not a ticket number.
    expect(await visitor.getByText(/#\d+/).count()).toBe(0);

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/desk");
    await staff.getByRole("link", { name: /Access request: Lee Jordan/ }).click();
    await staff.getByLabel("A new organisation").check();
    await staff.getByLabel("Organisation name").fill("Globex Research");
    await staff.getByLabel("Domains").fill("globex.example");
    await screenshot(staff, "desk-access-request");
    await staff.getByRole("button", { name: "Approve" }).click();
    await staff.getByText(/invitation is on its way/i).waitFor();

    const invitation = await linkFromOutbox(staff, "lee@globex.example", "Your invitation", "/invite");
    await screenshot(staff, "admin-mail");
    await visitor.goto(invitation);
    await visitor.getByLabel("Name").fill("Lee Jordan");
    await visitor.getByLabel("Password").fill("globex-password-1");
    await screenshot(visitor, "accept-invitation");
    await visitor.getByRole("button", { name: "Create account" }).click();
    await visitor.waitForURL((url) => url.pathname === "/");
    const me = await visitor.evaluate(async () => (await fetch("/api/me")).json());
    expect(me).toMatchObject({ email: "lee@globex.example", organisation: { name: "Globex Research" } });

    await visitor.goto(invitation);
    await visitor.getByRole("heading", { name: "Link no longer valid" }).waitFor();
    expect(await visitor.getByRole("button", { name: "Create account" }).count()).toBe(0);
  });
});
