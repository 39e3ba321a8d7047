import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { passAgreementGate } from "./gate.js";
import { choose } from "./mantine.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("enrolling a volunteer in a study", () => {
  it("a study coordinator screens a demo volunteer into NW-101, finds them eligible and assigns Cohort 1, which gives a subject number", async () => {
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto("/sandbox/studies");
    await passAgreementGate(page, "study-table");
    await page.getByTestId("study-table").getByRole("link", { name: "NW-101" }).click();
    await page.getByRole("tab", { name: "Subjects" }).click();

    const screening = page.getByTestId("screen-form");
    const picker = screening.getByLabel(exactLabel("Volunteer"));
    await picker.fill("V0");
    const firstMatch = page.getByRole("option").first();
    await firstMatch.waitFor();
    const displayId = (await firstMatch.textContent())?.split(" · ")[0] ?? "";
    expect(displayId).toMatch(/^V\d{6}$/);
    await firstMatch.click();
    await screening.getByRole("button", { name: "Screen volunteer" }).click();

    const row = page.getByTestId(`enrolment-${displayId}`);
    await row.getByText("Screening", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Mark eligible" }).click();
    await row.getByText("Eligible", { exact: true }).waitFor();

    await row.getByRole("button", { name: "Assign to cohort" }).click();
    const assignment = await openedDialog(page, `Assign ${displayId} to a cohort`);
    await choose(page, assignment.getByLabel("Cohort"), "Cohort 1: 10 mg NWX-12 oral, 8 planned");
    await assignment.getByRole("button", { name: "Assign" }).click();
    await row.getByText("Enrolled", { exact: true }).waitFor();
    const subjectNumber = (await row.getByTestId("subject-number").textContent()) ?? "";
    expect(subjectNumber).toMatch(/^S101-\d{3}$/);
    expect(await row.textContent()).toContain("Cohort 1");
    await screenshot(page, "sandbox-enrolment");

    // The same volunteer cannot be screened for NW-101 twice while the first enrolment is open.
    await picker.fill(displayId);
    await page.getByRole("option", { name: new RegExp(`^${displayId}`) }).click();
    await screening.getByRole("button", { name: "Screen volunteer" }).click();
    await screening.getByText(`${displayId} is already screening for or enrolled in NW-101.`).waitFor();

    await page.getByRole("tab", { name: "Audit trail" }).click();
    const trail = page.getByTestId("audit-trail");
    // Other specs enrol subjects in NW-101 on the same server: look for this one's number.
    await trail
      .getByRole("row")
      .filter({ hasText: "Subject number" })
      .filter({ hasText: subjectNumber })
      .first()
      .waitFor();
    expect(await trail.getByRole("row").filter({ hasText: "Enrolment" }).count()).toBeGreaterThan(3);
  });
});
