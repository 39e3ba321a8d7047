import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("the service desk", () => {
  it("a customer opens a ticket, staff reply and add an internal note, the customer sees only the reply", async () => {
    const customer = await newPage(browser);
    await signIn(customer, "member@contoso.example");
    await customer.goto("/desk/new");
    await customer.getByLabel("Type").click();
    await customer.getByRole("option", { name: /Support question/i }).click();
    await customer.getByLabel("Subject").fill("Volunteer export stops at 50%");
    await customer
      .getByLabel("Description")
      .fill("The **export** of volunteers stops halfway. <script>alert(1)</script>");
    await screenshot(customer, "desk-new-ticket");
    await customer.getByRole("button", { name: "Open ticket" }).click();
    await customer.waitForURL(/\/desk\/tickets\//);
    await customer.locator("strong", { hasText: "export" }).waitFor();
    expect(await customer.locator("script", { hasText: "alert(1)" }).count()).toBe(0);

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/desk");
    await screenshot(staff, "desk-queue");
    await staff.getByRole("link", { name: "Volunteer export stops at 50%" }).click();
    await staff.getByLabel("Your reply").fill("Thanks, we are looking at it now.");
    await staff.getByRole("button", { name: "Reply" }).click();
    await staff.getByTestId("comment").filter({ hasText: "we are looking at it" }).waitFor();
    await staff.getByLabel("Internal note").check();
    await staff.getByLabel("Your reply").fill("Probably the batch size limit; do not tell them yet.");
    await staff.getByRole("button", { name: "Reply" }).click();
    await staff.getByTestId("internal-note").filter({ hasText: "batch size limit" }).waitFor();
    await screenshot(staff, "desk-ticket-staff");

    // The customer's page, open all along, shows the staff reply without a reload.
    await customer.getByText("Thanks, we are looking at it now.").waitFor();
    expect(await customer.getByText("batch size limit").count()).toBe(0);
    expect(await customer.getByTestId("internal-note").count()).toBe(0);
    expect(await customer.getByLabel("Internal note").count()).toBe(0);
    await screenshot(customer, "desk-ticket-customer");
  });
});
