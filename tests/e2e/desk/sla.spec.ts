import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("service levels", () => {
  // Two people, two pages and a policy change: longer than one page's spec.
  it("an SLA clock in the organisation's time zone pauses while waiting on the customer and warns before a breach", {
    timeout: 180_000,
  }, async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/desk/sla");
    await staff.getByLabel("Organisation").click();
    await staff.getByRole("option", { name: "Fabrikam Labs" }).click();
    await staff.getByLabel("Time zone").fill("Asia/Tokyo");
    await staff.getByRole("button", { name: "Save service levels" }).click();
    await staff.getByText("This organisation has its own service levels.").waitFor();
    await screenshot(staff, "desk-sla-policy");

    const customer = await newPage(browser);
    await signIn(customer, "dev@fabrikam.example");
    await customer.goto("/desk/new");
    await customer.getByLabel("Type").click();
    await customer.getByRole("option", { name: /Support question/i }).click();
    await customer.getByLabel("Subject").fill("Test environment refuses our API token");
    await customer.getByLabel("Description").fill("Every call answers 401 since this morning.");
    await customer.getByLabel("How does this affect your work?").click();
    await customer.getByRole("option", { name: "It blocks our work" }).click();
    await customer.getByRole("button", { name: "Open ticket" }).click();
    await customer.waitForURL(/\/desk\/tickets\//);
    const clock = customer.getByTestId("sla-clock");
    await clock.getByText("(business hours, Asia/Tokyo)").first().waitFor();
    await clock
      .getByText(/^Due in /)
      .first()
      .waitFor();

    await staff.goto("/desk");
    await staff.getByRole("link", { name: "Test environment refuses our API token" }).click();
    await staff.getByTestId("sla-clock").getByText("(business hours, Asia/Tokyo)").first().waitFor();
    await staff.getByLabel("Status").click();
    await staff.getByRole("option", { name: "Waiting on customer" }).click();
    await staff.getByTestId("sla-clock").getByText("Paused — waiting on customer").first().waitFor();
    // The customer's page, open all along, shows the pause without a reload.
    await clock.getByText("Paused — waiting on you").first().waitFor();
    await screenshot(customer, "desk-sla-paused-customer");

    // The demo's low-priority question has a fifth of its first-response time left.
    await staff.goto("/desk?sort=due");
    await staff
      .getByRole("link", { name: "Coding dictionary update: which MedDRA version is next?" })
      .click();
    await staff.getByTestId("sla-clock").getByText("Due soon.").waitFor();
    await screenshot(staff, "desk-sla-warning");
  });
});
