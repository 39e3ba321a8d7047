import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("administration", () => {
  it("staff see organisations, people, the audit chain verdict and the outbox", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/organisations");
    await staff.getByText("Northwind Research Unit").first().waitFor();
    await screenshot(staff, "admin-organisations");
    await staff.goto("/admin/users");
    await staff.getByText("member@contoso.example").first().waitFor();
    await screenshot(staff, "admin-users");
    await staff.goto("/admin/audit");
    await staff
      .getByTestId("audit-chain")
      .getByText(/Chain intact/)
      .waitFor();
    await screenshot(staff, "admin-audit");
  });

  it("a customer is not offered administration and is refused it", async () => {
    const member = await newPage(browser);
    await signIn(member, "member@northwind.example");
    await member.goto("/admin/users");
    await member
      .getByText(/not available/i)
      .first()
      .waitFor();
    await screenshot(member, "admin-refused");
  });
});
