import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("working the queue", () => {
  it("staff answer with a macro that replies and resolves, and the customer rates the ticket in the app", async () => {
    const customer = await newPage(browser);
    await signIn(customer, "member@northwind.example");
    await customer.goto("/desk/new");
    await customer.getByLabel("Type").click();
    await customer.getByRole("option", { name: /Support question/i }).click();
    await customer.getByLabel("Subject").fill("Visit calendar shows the wrong week");
    await customer.getByLabel("Description").fill("The calendar opens on last week instead of this one.");
    await customer.getByRole("button", { name: "Open ticket" }).click();
    await customer.waitForURL(/\/desk\/tickets\//);
    const ticketUrl = customer.url();

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto(ticketUrl);
    await staff.getByLabel("Macro").click();
    await staff.getByRole("option", { name: "Resolve: fixed in the development environment" }).click();
    const reply = staff.getByLabel("Your reply");
    // The placeholders are filled for this ticket: the requester's first name, no braces left.
    await expect.poll(() => reply.inputValue()).toMatch(/^Hi \S+,\n\nThe fix for #\d+ is in/);
    expect(await reply.inputValue()).not.toContain("{{");
    await staff.getByText("Sending also sets status Resolved").waitFor();
    await screenshot(staff, "desk-macro-chosen");
    await staff.getByRole("button", { name: "Reply and apply macro" }).click();
    await staff.getByTestId("comment").filter({ hasText: "The fix for" }).waitFor();
    // The status badge in the details turns to Resolved.
    await staff.getByText("Resolved", { exact: true }).first().waitFor();

    // The customer's open page turns to the rating without a reload.
    await customer.getByRole("heading", { name: "Rate this ticket" }).waitFor();
    await customer.getByRole("radio", { name: "Good" }).check();
    await customer.getByLabel("Anything to add?").fill("Quick and clear, thanks.");
    await customer.getByRole("button", { name: "Send rating" }).click();
    await customer.getByRole("button", { name: "Change rating" }).waitFor();
    await screenshot(customer, "desk-ticket-rated");

    await staff.getByTestId("ticket-rating").filter({ hasText: "Good" }).waitFor();
    await staff.getByText("Quick and clear, thanks.").waitFor();
    await staff.goto("/desk?status=resolved");
    await staff
      .getByTestId("ticket-table")
      .getByRole("row")
      .filter({ hasText: "Visit calendar shows the wrong week" })
      .getByText("Rated good")
      .waitFor();
  });
});
