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

describe("a study in the development environment", () => {
  it("a study coordinator designs a study, activates it once it has a cohort and events, and reads its audit trail", async () => {
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto("/sandbox");
    await passAgreementGate(page, "sandbox-banner");
    await page.getByRole("link", { name: "Browse and add studies" }).click();
    await page.waitForURL("**/sandbox/studies");
    await page.getByTestId("study-table").getByRole("link", { name: "NW-101" }).waitFor();

    await page.getByRole("button", { name: "New study" }).click();
    const dialog = await openedDialog(page, "New study");
    await dialog.getByLabel("Protocol number").fill("nw-e2e-201");
    await dialog.getByLabel("Sponsor").fill("Northwind Pharma");
    await dialog
      .getByLabel(exactLabel("Title"))
      .fill("Single ascending dose of NWX-20 in healthy volunteers");
    await choose(page, dialog.getByLabel("Phase"), "Phase Ia");
    await dialog.getByLabel("Planned enrolment").fill("16");
    await dialog.getByRole("button", { name: "Create study" }).click();
    await page.waitForURL(/\/sandbox\/studies\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId("protocol-number").textContent()).toBe("NW-E2E-201");
    expect(await page.getByTestId("study-status").textContent()).toBe("Design");

    const epochForm = page.getByTestId("epoch-form");
    await choose(page, epochForm.getByLabel("Epoch"), "Treatment");
    await epochForm.getByLabel("Start day").fill("1");
    await epochForm.getByLabel("End day").fill("14");
    await epochForm.getByRole("button", { name: "Add epoch" }).click();
    await page.getByTestId("study-epochs").getByText("Treatment").waitFor();

    // Not yet: a study becomes active only with at least one cohort and one event, and the page says so.
    await page.getByRole("button", { name: "Activate" }).click();
    const activation = await openedDialog(page, "Activate NW-E2E-201?");
    await activation.getByRole("button", { name: "Activate" }).click();
    await activation
      .getByText("A study becomes active once it has at least one cohort and one event.")
      .waitFor();
    await activation.getByRole("button", { name: "Cancel" }).click();
    expect(await page.getByTestId("study-status").textContent()).toBe("Design");

    const cohortForm = page.getByTestId("cohort-form");
    await cohortForm.getByLabel("Name").fill("Cohort 1");
    await cohortForm.getByLabel("Planned size").fill("8");
    await cohortForm.getByLabel("Dose").fill("5 mg NWX-20 oral");
    await cohortForm.getByRole("button", { name: "Add cohort" }).click();
    await page.getByTestId("study-cohorts").getByText("5 mg NWX-20 oral").waitFor();

    const eventForm = page.getByTestId("event-form");
    for (const [name, day, window] of [
      ["Dosing", "1", "0"],
      ["PK sampling", "2", "1"],
    ] as const) {
      await eventForm.getByLabel("Name").fill(name);
      await eventForm.getByLabel(exactLabel("Day")).fill(day);
      await eventForm.getByLabel("Window (days)").fill(window);
      await eventForm.getByRole("button", { name: "Add event" }).click();
      await page.getByTestId("study-events").getByText(name, { exact: true }).waitFor();
    }
    expect(await page.getByTestId("study-events").getByRole("row").count()).toBe(3);
    await screenshot(page, "sandbox-study-design");

    await page.getByRole("button", { name: "Activate" }).click();
    await activation.getByRole("button", { name: "Activate" }).click();
    await page.getByTestId("study-status").getByText("Active").waitFor();
    // An active study asks for a reason with every change, so closing it opens a reason dialog.
    await page.getByRole("button", { name: "Close study" }).waitFor();

    // Changes to an active study's design are made in place and need a reason.
    const events = page.getByTestId("study-events");
    await events
      .getByRole("row")
      .filter({ hasText: "PK sampling" })
      .getByRole("button", { name: "Edit" })
      .click();
    const editEvent = events.getByTestId("event-form");
    await editEvent.getByLabel("Window (days)").fill("2");
    await editEvent.getByRole("button", { name: "Save" }).click();
    await editEvent.getByText("Give a reason: changes to an active study are recorded with one.").waitFor();
    await editEvent.getByLabel("Reason").fill("Wider window for the PK draw");
    await editEvent.getByRole("button", { name: "Save" }).click();
    await events.getByRole("row").filter({ hasText: "PK sampling" }).getByText("± 2 days").waitFor();

    await page.getByRole("tab", { name: "Audit trail" }).click();
    const trail = page.getByTestId("audit-trail");
    await trail.waitFor();
    // People by name and fields by their labels; the stored address and keys one switch away.
    const statusChange = trail.getByRole("row").filter({ hasText: "Changed" }).filter({ hasText: "Status" });
    expect(await statusChange.textContent()).toMatch(/Nora.*Changed.*Study.*Status.*design.*active/);
    expect(await trail.textContent()).not.toMatch(/organisationId|admin@northwind/);
    expect(await trail.getByRole("row").filter({ hasText: "Organisation" }).first().textContent()).toContain(
      "Northwind",
    );
    expect(await trail.getByRole("row").filter({ hasText: "PK sampling" }).count()).toBe(1);
    const windowChange = trail.getByRole("row").filter({ hasText: "Wider window for the PK draw" });
    expect(await windowChange.textContent()).toMatch(/Changed.*Event.*Window \(days\).*1.*2/);
    await page.getByLabel("Show stored values").check();
    expect(await windowChange.textContent()).toMatch(/admin@northwind\.example.*windowDays/);
    await page.getByLabel("Show stored values").uncheck();
    const csv = page.getByRole("link", { name: "Download CSV" });
    expect(await csv.getAttribute("href")).toMatch(/^\/api\/sandbox\/audit\.csv\?studyId=[0-9a-f-]{36}$/);
    await screenshot(page, "sandbox-study-audit");

    await page.getByRole("link", { name: "All studies" }).click();
    await page.getByLabel("Search").fill("E2E");
    const table = page.getByTestId("study-table");
    await table.getByRole("link", { name: "NW-E2E-201" }).waitFor();
    await table.getByRole("link", { name: "NW-101" }).waitFor({ state: "detached" });
    await screenshot(page, "sandbox-studies");
  });

  it("a read-only user reads studies but is offered no way to change them", async () => {
    const page = await newPage(browser);
    await signIn(page, "dev@fabrikam.example");
    await page.goto("/sandbox/studies");
    await passAgreementGate(page, "study-table");
    const table = page.getByTestId("study-table");
    await table.getByRole("link", { name: "NW-101" }).click();
    await page.getByText("You can read this study").waitFor();
    expect(await page.getByRole("button", { name: "New study" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Edit" }).count()).toBe(0);
    expect(await page.getByTestId("epoch-form").count()).toBe(0);
    await page.getByRole("tab", { name: "Subjects" }).click();
    await page.getByTestId("enrolments").or(page.getByText("Nobody has been screened")).first().waitFor();
    expect(await page.getByTestId("screen-form").count()).toBe(0);
  });
});
