import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, linkFromOutbox, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("inviting a colleague", () => {
  it("a member invites a colleague at their domain, who accepts and joins the same organisation", async () => {
    const member = await newPage(browser);
    await signIn(member, "member@northwind.example");
    await member.goto("/invitations");
    await member.getByLabel("E-mail").fill("colleague@contoso.example");
    await member.getByRole("button", { name: "Send invitation" }).click();
    await member
      .getByText(/northwind\.example/)
      .first()
      .waitFor();

    await member.getByLabel("E-mail").fill("new.colleague@northwind.example");
    await member.getByRole("button", { name: "Send invitation" }).click();
    await member.getByRole("cell", { name: "new.colleague@northwind.example" }).waitFor();
    await screenshot(member, "invitations");

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    const invitation = await linkFromOutbox(
      staff,
      "new.colleague@northwind.example",
      "Your invitation",
      "/invite",
    );

    const colleague = await newPage(browser);
    await colleague.goto(invitation);
    await colleague.getByLabel("Name").fill("Nia Colleague");
    await colleague.getByLabel("Password").fill("northwind-pass-1");
    await colleague.getByRole("button", { name: "Create account" }).click();
    await colleague.waitForURL((url) => url.pathname === "/");
    const me = await colleague.evaluate(async () => (await fetch("/api/me")).json());
    expect(me).toMatchObject({
      email: "new.colleague@northwind.example",
      organisation: { name: "Northwind Research Unit" },
    });
    await colleague.goto("/profile");
    await colleague.getByText("Nia Colleague").first().waitFor();
    await screenshot(colleague, "profile");
  });
});
