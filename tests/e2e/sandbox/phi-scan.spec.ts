import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { tabTo } from "../keyboard.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const PLANTED_EMAIL = "jane.real@gmail.com";
const PLANTED_NOTE = "Call her back on (415) 867-5309 after six";

/** An export as the product writes it: reserved e-mail domains and plain notes, except where planted. */
function exportCsv({ email, note }: { email: string; note: string }): string {
  return `${[
    "display_id,first_name,email,region,notes",
    "V000001,Avery,avery@example.com,North West,Prefers morning visits",
    `V000002,Jane,${email},London,Prefers morning visits`,
    `V000003,Sam,sam@example.org,Wales,${note}`,
    "V000004,Rowan,rowan@example.net,Scotland,No notes",
  ].join("\r\n")}\r\n`;
}

const plantedFile = {
  name: "planted.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(exportCsv({ email: PLANTED_EMAIL, note: PLANTED_NOTE })),
};
const cleanFile = {
  name: "clean.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(exportCsv({ email: "jane@example.com", note: "Call back after six" })),
};
/** The first bytes of a PNG image: not text at all. */
const imageFile = {
  name: "photo.png",
  mimeType: "image/png",
  buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
};

/** The report's masking: the first and last character, at most 30 • between them. */
const masked = (value: string) => `${value[0]}${"•".repeat(Math.min(value.length - 2, 30))}${value.at(-1)}`;

async function staffOnProductPage(width: number): Promise<Page> {
  const page = await newPage(browser, { width, height: 860 });
  await signIn(page, "staff@vendor.example");
  await page.goto("/admin/sandbox/product");
  await page.getByRole("heading", { name: "Check an export for real data" }).waitFor();
  return page;
}

const fileField = (page: Page) => page.getByRole("button", { name: exactLabel("Export file") });

/** Chooses a file in the export field as the browser's file chooser gives it. */
async function choose(page: Page, file: typeof plantedFile): Promise<void> {
  await page.getByTestId("phi-scan-form").locator('input[type="file"]').setInputFiles(file);
  await fileField(page).getByText(file.name).waitFor();
}

/** The verdict alert's title colour, as red, green and blue channels. */
async function titleColour(verdict: Locator): Promise<[number, number, number]> {
  const colour = await verdict
    .locator(".mantine-Alert-title")
    .evaluate((title) => getComputedStyle(title).color);
  const [red = 0, green = 0, blue = 0] = (colour.match(/\d+/g) ?? []).map(Number);
  return [red, green, blue];
}

async function findingRows(page: Page): Promise<string[][]> {
  const rows = page.getByTestId("phi-scan-fields").locator("tbody tr");
  const cells: string[][] = [];
  for (const row of await rows.all()) cells.push(await row.locator("td").allInnerTexts());
  return cells;
}

async function expectNoPlantedValue(page: Page): Promise<void> {
  const html = await page.content();
  const text = (await page.locator("body").textContent()) ?? "";
  for (const raw of [PLANTED_EMAIL, "jane.real", "gmail", PLANTED_NOTE, "867-5309", "(415)"]) {
    expect(html).not.toContain(raw);
    expect(text).not.toContain(raw);
  }
}

describe("checking an export for real data on the product environment page", () => {
  it("finds the planted e-mail and phone number by field and row, masked, and never shows them", async () => {
    const page = await staffOnProductPage(1280);

    // By keyboard: the field opens the browser's file chooser, Scan sends the file.
    await tabTo(page, fileField(page));
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Enter")]);
    await chooser.setFiles(plantedFile);
    await fileField(page).getByText(plantedFile.name).waitFor();

    // The scan is held at the network until the busy state has been seen.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/api/admin/sandbox/phi-scan", async (route) => {
      await held;
      await route.continue();
    });
    const scan = page.getByRole("button", { name: "Scan", exact: true });
    await tabTo(page, scan);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Scanning planted.csv…" }).waitFor();
    expect(await scan.getAttribute("data-loading")).toBe("true");
    release();

    const verdict = page.getByTestId("phi-scan-verdict");
    await verdict.waitFor();
    expect(await verdict.locator(".mantine-Alert-title").textContent()).toBe("2 findings in 2 fields");
    expect(await verdict.textContent()).toContain("planted.csv: 4 rows and 5 fields read as CSV.");
    const [red, green, blue] = await titleColour(verdict);
    expect(red).toBeGreaterThan(green);
    expect(red).toBeGreaterThan(blue);
    expect(await scan.getAttribute("data-loading")).toBeNull();

    expect(await findingRows(page)).toEqual([
      ["email", "1", "email-not-reserved: 1", `Row 2: ${masked(PLANTED_EMAIL)}`],
      ["notes", "1", "phone-not-fictional: 1", `Row 3: ${masked(PLANTED_NOTE)}`],
    ]);
    await expectNoPlantedValue(page);
    await expectAccessible(page, "the PHI scan report at 1280 px");
    await screenshot(page, "product-environment-phi-scan");

    // A clean export: the verdict says so, and there is no table.
    await choose(page, cleanFile);
    await scan.click();
    await verdict.getByText("No real data found in 4 rows").waitFor();
    expect(await verdict.textContent()).toContain("clean.csv: 4 rows and 5 fields read as CSV.");
    const [cleanRed, cleanGreen] = await titleColour(verdict);
    expect(cleanGreen).toBeGreaterThan(cleanRed);
    expect(await page.getByTestId("phi-scan-fields").count()).toBe(0);
    await expectAccessible(page, "a clean PHI scan");

    // A file that is not an export: the server's reason sits on the file field, and no report is shown.
    await choose(page, imageFile);
    await scan.click();
    const reason = page.getByText("This is not a CSV or JSON file: it holds binary data.");
    await reason.waitFor();
    const field = fileField(page);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await field.getAttribute("aria-describedby")) ?? "";
    expect(describedBy.split(" ")).toContain(await reason.getAttribute("id"));
    expect(await page.getByTestId("phi-scan-report").count()).toBe(0);
    expect(await page.getByTestId("phi-scan-form").getByRole("alert").count()).toBe(0);
    await expectAccessible(page, "a file the PHI scan refused");
  });

  it("fits a 390 px phone: the findings table scrolls inside its box, the page does not", async () => {
    const page = await staffOnProductPage(390);
    await choose(page, plantedFile);
    await page.getByRole("button", { name: "Scan", exact: true }).click();
    await page.getByTestId("phi-scan-verdict").getByText("2 findings in 2 fields").waitFor();
    const table = page.getByTestId("phi-scan-fields");
    await table.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const scroller = page.locator(".mantine-ScrollArea-viewport").filter({ has: table });
    expect(await scroller.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    const verdictBox = await page.getByTestId("phi-scan-verdict").boundingBox();
    expect((verdictBox?.x ?? 0) + (verdictBox?.width ?? 0)).toBeLessThanOrEqual(390);
    await expectNoPlantedValue(page);
    await expectAccessible(page, "the PHI scan report at 390 px");
    await screenshot(page, "product-environment-phi-scan-390");
  });
});
