import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { passAgreementGate } from "./gate.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("the development environment agreement", () => {
  it("a member reads and accepts the agreement, then lands on the sandbox home with the banner", async () => {
    const member = await newPage(browser);
    await signIn(member, "member@northwind.example");
    await member.getByRole("link", { name: "Development environment" }).first().click();
    await member.waitForURL("**/sandbox");
    const body = member.getByTestId("agreement-body");
    await body.getByText("No service-level agreement.").waitFor();
    expect(await body.textContent()).toContain("changed or wiped at any time");
    const deskLink = member.getByRole("link", {
      name: "Ask the service desk about the development environment",
    });
    expect(await deskLink.getAttribute("href")).toBe("/desk/new?type=dev_environment_question");
    const accept = member.getByRole("button", { name: "Accept" });
    expect(await accept.isDisabled()).toBe(true);
    await screenshot(member, "sandbox-agreement");

    await member.getByLabel("I have read and accept the agreement").check();
    await accept.click();
    const banner = member.getByTestId("sandbox-banner");
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/no service-level agreement/);
    expect(await member.getByTestId("sandbox-role").textContent()).toBe("Investigator");
    await member.getByText("You accepted version 1").waitFor();
    await screenshot(member, "sandbox-home");

    await deskLink.click();
    await member.waitForURL("**/desk/new?type=dev_environment_question");
    await member.getByLabel("Subject").waitFor();
    expect(await member.getByLabel(exactLabel("Type")).inputValue()).toMatch(/development environment/i);
  });

  it("an org admin accepts and manages their colleagues; staff see the acceptances", async () => {
    const admin = await newPage(browser);
    await signIn(admin, "admin@northwind.example");
    await admin.goto("/sandbox");
    // Other sandbox specs sign in as this admin too, on the same server: accept only when asked.
    await passAgreementGate(admin, "sandbox-users");
    const users = admin.getByTestId("sandbox-users");
    expect(await users.textContent()).toContain("member@northwind.example");
    expect(await users.textContent()).not.toContain("contoso");
    await screenshot(admin, "sandbox-users");

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/sandbox-agreement");
    const acceptances = staff.getByTestId("acceptances");
    await acceptances.waitFor();
    await acceptances.getByText("member@northwind.example").waitFor();
    expect(await acceptances.textContent()).toContain("admin@northwind.example");
    await screenshot(staff, "sandbox-agreement-admin");
  });
});
