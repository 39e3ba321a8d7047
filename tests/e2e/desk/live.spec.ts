import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { api, expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("live desk pages", () => {
  it("show staff a new ticket in their open queue, and the customer a reply and a status change on their open ticket", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/desk");

    const customer = await newPage(browser);
    await signIn(customer, "member@contoso.example");
    const ticket = await api<{ id: string }>(customer, "POST", "/api/desk/tickets", {
      type: "support_question",
      subject: "Dosing report shows yesterday twice",
      description: "The report for today repeats yesterday's doses.",
    });
    // The queue was open before the ticket existed.
    await staff.getByRole("link", { name: "Dosing report shows yesterday twice" }).click();
    await customer.goto(`/desk/tickets/${ticket.id}`);

    await staff.getByLabel("Your reply").fill("Could you tell us the study and the day?");
    await staff.getByRole("button", { name: "Reply" }).click();
    await staff.getByTestId("comment").filter({ hasText: "the study and the day" }).waitFor();
    await api(staff, "PATCH", `/api/desk/tickets/${ticket.id}`, { status: "waiting_on_customer" });

    // The customer's page was open all along.
    await customer
      .getByTestId("comment")
      .filter({ hasText: "Could you tell us the study and the day?" })
      .waitFor();
    await customer.getByText("Waiting on customer").waitFor();
    await expectAccessible(customer, "the customer's ticket page after a live reply");
    await screenshot(customer, "desk-ticket-live-reply");
  });
});
