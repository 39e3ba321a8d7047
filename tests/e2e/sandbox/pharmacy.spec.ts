import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { apiAs, csrf, enrolSubjectInCohort1 } from "./enrol.js";
import { passAgreementGate } from "./gate.js";
import { choose } from "./mantine.js";

const PRODUCT = "NWX-12 10 mg tablet";
const COHORT_DOSE = "10 mg NWX-12 oral";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

async function accountabilityOf(page: Page, product: string) {
  await page.getByRole("tab", { name: "Accountability" }).click();
  await choose(page, page.getByLabel(exactLabel("Product")), product);
  await page.getByTestId("accountability").waitFor();
  return readAccountability(page);
}

async function readAccountability(page: Page) {
  const report = page.getByTestId("accountability");
  const figure = async (testId: string) =>
    Number((await report.getByTestId(testId).textContent())?.replace(/,/g, ""));
  return {
    received: await figure("received-total"),
    dispensed: await figure("dispensed-total"),
    onHand: await figure("on-hand-total"),
    balances: (await report.getByTestId("balance-check").first().textContent()) === "Balances",
  };
}

describe("the pharmacy preview", () => {
  it("a pharmacist receives a lot into two containers, moves one to dispense, prints its label and dispenses the cohort's dose to an enrolled subject, and the accountability follows", async () => {
    // The demo deployment leaves the flag in preview; another spec may have switched it since.
    const staff = await apiAs(browser, "staff@vendor.example");
    const flag = await staff.patch("/api/admin/sandbox/flags/pharmacy", {
      data: { state: "preview" },
      headers: csrf,
    });
    expect(flag.status(), await flag.text()).toBe(200);
    const { subjectNumber } = await enrolSubjectInCohort1(browser);

    const page = await newPage(browser);
    await signIn(page, "pharmacist@northwind.example");
    await page.goto("/sandbox");
    await passAgreementGate(page, "pharmacy-link");
    await page.getByTestId("pharmacy-link").click();
    await page.getByTestId("pharmacy").getByTestId("preview-marker").waitFor();

    // Receive a lot of 20 tablets into 2 containers.
    const lotNumber = `E2E-${Date.now()}`;
    await page.getByRole("tab", { name: "Receipts" }).click();
    await choose(page, page.getByLabel(exactLabel("Product")), PRODUCT);
    const receipt = page.getByTestId("receipt-form");
    await receipt.getByLabel("Lot number").fill(lotNumber);
    await receipt.getByLabel("Units received (tablet)").fill("20");
    await receipt
      .getByLabel("Expiry")
      .fill(new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10));
    await receipt.getByLabel("Containers").fill("2");
    await receipt.getByRole("button", { name: "Receive lot" }).click();
    const received = page.getByTestId("received-lot");
    await received.waitFor();
    const barcodes = await received.getByTestId("received-barcode").allTextContents();
    expect(barcodes).toHaveLength(2);
    for (const barcode of barcodes) expect(barcode).toMatch(/^PH-\d{7}-\d$/);
    await page.getByTestId("lot-table").getByText(lotNumber).waitFor();
    await screenshot(page, "pharmacy-receipt");
    const before = await accountabilityOf(page, PRODUCT);
    expect(before.balances).toBe(true);

    // Receipt -> storage -> dispense, then its label.
    const barcode = barcodes[0] ?? "";
    await page.getByRole("tab", { name: "Containers" }).click();
    const row = page.getByTestId(`container-${barcode}`);
    await row.getByText("Receipt", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Move to storage" }).click();
    await row.getByText("Storage", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Move to dispense" }).click();
    await row.getByText("Dispense", { exact: true }).waitFor();
    expect(await row.getByRole("button", { name: /^Move to/ }).count()).toBe(0);
    await row.getByRole("button", { name: "Label" }).click();
    const labelDialog = await openedDialog(page, `Label of ${barcode}`);
    const label = labelDialog.getByTestId("container-label");
    await label.waitFor();
    await expect
      .poll(() => label.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0))
      .toBe(true);
    const svg = await page.request.get((await label.getAttribute("src")) ?? "");
    expect(svg.headers()["content-type"]).toContain("image/svg+xml");
    expect(await svg.text()).toContain(barcode);
    await labelDialog.getByRole("button", { name: "Print label" }).waitFor();
    await screenshot(page, "pharmacy-label");
    await page.keyboard.press("Escape");

    // A dose other than the cohort's, without a reason, is refused on the reason field.
    await page.getByRole("tab", { name: "Dispensing" }).click();
    const form = page.getByTestId("dispense-form");
    await form.getByLabel("Subject").click();
    await page.getByRole("option", { name: new RegExp(`^${subjectNumber} · V\\d+ · Cohort 1$`) }).click();
    await form.getByTestId("cohort-dose").getByText(COHORT_DOSE).waitFor();
    expect(await form.getByLabel(exactLabel("Dose")).inputValue()).toBe(COHORT_DOSE);
    await form.getByLabel("Container").click();
    await page.getByRole("option", { name: new RegExp(`^${barcode} `) }).click();
    await form.getByLabel("Units").fill("2");
    await form.getByLabel(exactLabel("Dose")).fill("20 mg NWX-12 oral");
    await form.getByRole("button", { name: "Dispense" }).click();
    await form
      .getByText("Cohort 1's dose is 10 mg NWX-12 oral: give a reason for dispensing 20 mg NWX-12 oral.")
      .waitFor();
    expect(
      await form.getByRole("textbox", { name: "Reason for a different dose" }).getAttribute("aria-invalid"),
    ).toBe("true");
    await screenshot(page, "pharmacy-dose-refused");

    // The cohort's dose needs no reason and is dispensed.
    await form.getByLabel(exactLabel("Dose")).fill(COHORT_DOSE);
    await form.getByRole("button", { name: "Dispense" }).click();
    await page.getByText(`Dispensed 2 from ${barcode} to subject ${subjectNumber}.`).waitFor();
    await page.getByTestId("dispensation-table").getByText(barcode).waitFor();

    // The report may first show what it cached before the dispense, then its refetch.
    await accountabilityOf(page, PRODUCT);
    await expect.poll(async () => (await readAccountability(page)).dispensed).toBe(before.dispensed + 2);
    const after = await readAccountability(page);
    expect(after).toEqual({
      received: before.received,
      dispensed: before.dispensed + 2,
      onHand: before.onHand - 2,
      balances: true,
    });
    await page.getByTestId(`lot-${lotNumber}`).getByText("Balances").waitFor();
    await screenshot(page, "pharmacy-accountability");
  });
});
