import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { choose } from "../sandbox/mantine.js";

const PROJECT = "Pharmacy preview feedback";
const ROUND = "Pharmacy preview: first impressions";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Opens the demo project from the projects list and switches to one of its tabs. */
async function openProjectTab(page: Page, tab: "Documents" | "Feedback"): Promise<void> {
  await page.goto("/projects");
  await page.getByTestId("project-table").getByRole("link", { name: PROJECT }).click();
  await page.waitForURL(/\/projects\/[^/]+$/);
  await page.getByRole("tab", { name: tab }).click();
}

describe("project documents", () => {
  it("shows the second of two people saving the same document that someone saved a newer version, with the difference", async () => {
    const northwind = await newPage(browser);
    await signIn(northwind, "member@northwind.example");
    await openProjectTab(northwind, "Documents");
    await northwind.getByRole("button", { name: "New document" }).click();
    await northwind.getByLabel("Title").fill("Dispensing checklist");
    await northwind
      .getByLabel(exactLabel("Text"))
      .fill("# Checklist\n\nCheck the expiry date.\nScan the container.");
    await northwind.getByRole("button", { name: "Create document" }).click();
    await northwind.getByTestId("document-body").getByText("Check the expiry date.").waitFor();
    const documentUrl = new URL(northwind.url());

    const contoso = await newPage(browser);
    await signIn(contoso, "member@contoso.example");
    await contoso.goto(`${documentUrl.pathname}${documentUrl.search}`);
    await contoso.getByRole("button", { name: "Edit", exact: true }).click();
    await northwind.getByRole("button", { name: "Edit", exact: true }).click();

    await northwind
      .getByLabel(exactLabel("Text"))
      .fill("# Checklist\n\nCheck the expiry date against the dispensing date.\nScan the container.");
    await northwind.getByRole("button", { name: "Save", exact: true }).click();
    await northwind.getByText("Version 2, saved by").waitFor();

    await contoso
      .getByLabel(exactLabel("Text"))
      .fill("# Checklist\n\nCheck the expiry date.\nScan the container.\nRecord the subject number.");
    await contoso.getByRole("button", { name: "Save", exact: true }).click();
    const conflict = contoso.getByTestId("edit-conflict");
    await conflict.getByText("Someone saved a newer version").waitFor();
    expect(await conflict.locator('[data-diff="insert"]').allTextContents()).toEqual([
      "+ Check the expiry date against the dispensing date.",
    ]);
    expect(await conflict.locator('[data-diff="delete"]').allTextContents()).toEqual([
      "− Check the expiry date.",
      "− Record the subject number.",
    ]);
    await screenshot(contoso, "projects-document-conflict");

    // Having seen their change, the second person may still put their own text on top of it.
    await contoso.getByRole("button", { name: "Save mine over theirs" }).click();
    await contoso.getByText("Version 3, saved by").waitFor();
    await contoso.getByRole("button", { name: "History" }).click();
    await contoso.getByRole("table", { name: "Versions" }).getByRole("row").nth(3).waitFor();
    await screenshot(contoso, "projects-document-history");
  });
});

describe("project feedback rounds", () => {
  it("a customer answers the open round, staff triage it with a reply and see the rating chart, the customer reads the reply", async () => {
    const customer = await newPage(browser);
    await signIn(customer, "member@contoso.example");
    await openProjectTab(customer, "Feedback");
    await customer.getByRole("button", { name: ROUND }).click();
    await customer.getByTestId("rating-question").getByText("5", { exact: true }).click();
    await customer.getByLabel("Storage").check();
    await customer
      .getByLabel("What got in the way, or what is missing?")
      .fill("Labels printed fine; we need a location per container.");
    await screenshot(customer, "projects-round-answer");
    await customer.getByRole("button", { name: "Send answer" }).click();
    await customer.getByText("The product team has not looked at this answer yet.").waitFor();
    const roundUrl = new URL(customer.url());

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto(`${roundUrl.pathname}${roundUrl.search}`);
    const chart = staff.getByTestId("rating-chart");
    // Northwind's seeded 4 and Contoso's 5, one each.
    await chart.getByLabel("5 of 5: 1").waitFor();
    await chart.getByLabel("4 of 5: 1").waitFor();
    const answer = staff.getByTestId("response").filter({ hasText: "we need a location per container" });
    await choose(staff, answer.getByLabel("Triage"), "Acknowledged");
    await answer.getByLabel("Reply to them").fill("Thank you. Locations per container are **planned** next.");
    await answer.getByRole("button", { name: "Save triage" }).click();
    await answer.locator("strong", { hasText: "planned" }).waitFor();
    await screenshot(staff, "projects-round-results");

    await customer.reload();
    const triage = customer.getByTestId("staff-triage");
    await triage.getByText("Acknowledged").waitFor();
    await triage.getByTestId("staff-reply").getByText("Locations per container are").waitFor();
    await screenshot(customer, "projects-round-reply");
  });
});
