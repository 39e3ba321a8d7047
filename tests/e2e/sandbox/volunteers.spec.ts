import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { enrolSubjectInCohort1 } from "./enrol.js";
import { passAgreementGate } from "./gate.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Picks from a Mantine select inside `scope`; its options open in a portal at the page's end. */
async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByLabel(label).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("the volunteer database", () => {
  it("a study coordinator is refused a real-looking e-mail on the field, saves a test address, edits, finds and removes the volunteer", async () => {
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto("/sandbox/volunteers");
    await passAgreementGate(page, "volunteer-table");
    await screenshot(page, "sandbox-volunteers");

    await page.getByRole("button", { name: "Add volunteer" }).click();
    const form = page.getByTestId("volunteer-form");
    await form.getByLabel("First name").fill("Jane");
    await form.getByLabel("Last name").fill("Doughty");
    // Esc with changes asks before discarding them; keeping them leaves the form as it was.
    const asked = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.keyboard.press("Escape");
    expect(await asked).toBe("Discard the changes you made?");
    expect(await form.getByLabel("Last name").inputValue()).toBe("Doughty");
    await choose(page, form, "Sex", "Female");
    await form.getByLabel("Date of birth").fill("1990-04-12");
    await form.getByLabel("E-mail").fill("jane.doe@gmail.com");
    await form.getByLabel("Phone").fill("555-0142");
    await form.getByLabel("Region").fill("North West");
    await form.getByLabel("Height (cm)").fill("168");
    await form.getByLabel("Weight (kg)").fill("61");
    expect(await form.getByTestId("bmi-preview").textContent()).toBe("21.6");
    await form.getByRole("button", { name: "Add volunteer" }).click();

    // The PHI guard's refusal sits on the e-mail field, naming why; nothing else is blamed.
    const email = form.getByLabel("E-mail");
    await expect.poll(() => email.getAttribute("aria-invalid")).toBe("true");
    const emailError = form.locator(`#${await email.getAttribute("id")}-error`);
    expect(await emailError.textContent()).toMatch(/e-mail/i);
    expect(await form.getByLabel("First name").getAttribute("aria-invalid")).not.toBe("true");
    await screenshot(page, "sandbox-volunteer-refused-email");

    await email.fill("jane.doughty@example.com");
    await form.getByRole("button", { name: "Add volunteer" }).click();
    await page.waitForURL(/\/sandbox\/volunteers\/[0-9a-f-]{36}$/);
    const volunteerPath = new URL(page.url()).pathname;
    const displayId = (await page.getByTestId("volunteer-display-id").textContent()) ?? "";
    expect(displayId).toMatch(/^V\d{6}$/);
    await page.getByText("BMI (computed from height and weight)").waitFor();
    await page.getByRole("tab", { name: "Audit trail" }).click();
    const trail = page.getByTestId("audit-trail");
    await trail.waitFor();
    expect(await trail.textContent()).toContain("jane.doughty@example.com");
    await screenshot(page, "sandbox-volunteer");

    // An edit recomputes BMI and lands in the trail as old and new values.
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByTestId("volunteer-form");
    await edit.getByLabel("Weight (kg)").fill("70");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.waitFor({ state: "detached" });
    await expect.poll(() => trail.textContent()).toMatch(/Weight \(kg\)6170/);
    await page.getByRole("tab", { name: "Details" }).click();
    expect(await page.getByTestId("volunteer-details").textContent()).toContain("24.8");

    // Filters: text, sex and status together find the new volunteer, and only matching rows.
    await page.goto("/sandbox/volunteers");
    const table = page.getByTestId("volunteer-table");
    await table.waitFor();
    await page.getByLabel(exactLabel("Search")).fill("Doughty");
    const filters = page.getByTestId("volunteer-filters");
    await choose(page, filters, "Sex", "Female");
    await choose(page, filters, "Status", "Prospect");
    await expect
      .poll(() => page.getByTestId("volunteer-count").textContent())
      .toMatch(/^1–1 of 1 volunteer$/);
    expect(await table.textContent()).toContain(displayId);
    expect(new URL(page.url()).searchParams.get("sex")).toBe("female");
    await screenshot(page, "sandbox-volunteers-filtered");

    // The privacy display: id only leaves names out.
    await choose(page, filters, "Show", "Display id only");
    await expect.poll(() => table.textContent()).not.toContain("Jane Doughty");
    expect(await table.textContent()).toContain(displayId);

    // A filter nothing matches says what to do.
    await page.getByLabel("Age from").fill("99");
    await page.getByTestId("volunteers-empty").waitFor();
    expect(await page.getByTestId("volunteers-empty").textContent()).toMatch(/Clear a filter/);

    // Removal asks first, is soft, and takes the volunteer out of the list.
    await page.goto(volunteerPath);
    await page.getByRole("button", { name: "Remove" }).click();
    const dialog = await openedDialog(page);
    await dialog.getByLabel("Reason").fill("Entered twice by mistake");
    await dialog.getByRole("button", { name: "Remove volunteer" }).click();
    await page.waitForURL("**/sandbox/volunteers");
    await page.getByLabel(exactLabel("Search")).fill("Doughty");
    await page.getByTestId("volunteers-empty").waitFor();
  });

  it("asks for a reason before an enrolled volunteer's record changes, and records it", async () => {
    const { volunteerId } = await enrolSubjectInCohort1(browser);
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto(`/sandbox/volunteers/${volunteerId}`);
    await passAgreementGate(page, "volunteer-display-id");
    await page.getByRole("button", { name: "Edit" }).click();
    const form = page.getByTestId("volunteer-form");
    // The status follows the enrolment: shown, not offered.
    expect(await form.getByLabel("Recruitment status").inputValue()).toBe("Enrolled");
    expect(await form.getByLabel("Recruitment status").getAttribute("readonly")).not.toBeNull();
    await form.getByLabel("Region").fill("Lothian, UK");
    await form.getByRole("button", { name: "Save changes" }).click();
    const reason = form.getByLabel("Reason for the change");
    await expect.poll(() => reason.getAttribute("aria-invalid")).toBe("true");
    await reason.fill("Moved house during screening");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "Audit trail" }).click();
    await page.getByTestId("audit-trail").getByText("Moved house during screening").waitFor();
    await screenshot(page, "sandbox-volunteer-enrolled-change");
  });
});
