import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { passAgreementGate } from "./gate.js";

let browser: Browser;
let folder: string;
beforeAll(async () => {
  browser = await launchBrowser();
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "convene-import-e2e-"));
});
afterAll(async () => {
  await browser.close();
  await fs.rm(folder, { recursive: true, force: true });
});

/** Three volunteers; the one on line 3 (after the header) weighs 0 kg, which no import accepts. */
const csv = [
  "first_name,last_name,sex,date_of_birth,zip,height_cm,weight_kg,smoker",
  "Harriet,Quill,female,1984-02-11,02139,165,58.5,false",
  "Osgood,Fenwick,male,1979-09-30,60614,181,0,true",
  "Marisol,Trent,female,1992-12-05,73301,170,66,false",
].join("\n");

/** `count` valid volunteers: enough rows for the server to send several progress lines. */
function manyVolunteers(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const year = 1950 + (i % 50);
    const month = String((i % 12) + 1).padStart(2, "0");
    return `Given${i},Family${i},${i % 2 ? "male" : "female"},${year}-${month}-15,${String(10000 + i).slice(0, 5)},${150 + (i % 50)},${55 + (i % 40)}`;
  });
  return ["first_name,last_name,sex,date_of_birth,zip,height_cm,weight_kg", ...rows].join("\n");
}

describe("the obfuscating volunteer import", () => {
  it("refuses a file with one bad row all-or-nothing, naming the line, then imports the rest when told to skip it", async () => {
    const file = path.join(folder, "volunteers-source.csv");
    await fs.writeFile(file, csv);
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto("/sandbox/import");
    await passAgreementGate(page, "sandbox-banner");
    await page.getByText("How the import protects the data").waitFor();

    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const report = page.getByTestId("import-report");
    await report.waitFor();
    expect(await report.textContent()).toContain("Nothing was imported");
    expect(await page.getByTestId("rows-read").textContent()).toBe("3");
    expect(await page.getByTestId("rows-imported").textContent()).toBe("0");
    const problems = page.getByTestId("import-problems");
    const firstProblem = problems.locator("tbody tr").first();
    expect(await firstProblem.locator("td").first().textContent()).toBe("3");
    expect(await firstProblem.textContent()).toMatch(/weight/i);
    // The report names the row, never the refused person.
    expect(await report.textContent()).not.toContain("Osgood");
    await screenshot(page, "sandbox-import-refused");

    await page.getByLabel("Skip invalid rows").check();
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByText("Import completed").waitFor();
    expect(await page.getByTestId("rows-imported").textContent()).toBe("2");
    expect(await page.getByTestId("rows-refused").textContent()).toBe("1");
    const history = page.getByTestId("import-history");
    await expect.poll(() => history.locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, "sandbox-import-report");

    // The imported names are pseudonyms: no source person's name appears in the volunteer list. Whole
    // names, since a pseudonym drawn from common names may share a first or last name by chance.
    await page.goto("/sandbox/volunteers?display=full");
    const table = page.getByTestId("volunteer-table");
    await table.waitFor();
    expect(await table.textContent()).not.toMatch(/Harriet Quill|Marisol Trent|Osgood Fenwick/);
  });

  it("shows the phase and count of a larger import as it runs, then its report", async () => {
    const file = path.join(folder, "volunteers-many.csv");
    await fs.writeFile(file, manyVolunteers(3000));
    const page = await newPage(browser);
    await signIn(page, "admin@northwind.example");
    await page.goto("/sandbox/import");
    await passAgreementGate(page, "sandbox-banner");
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page
      .getByTestId("import-progress")
      .getByText(/^(Checking rows|Writing volunteers): [\d,]+ of 3,000$/)
      .waitFor();
    await screenshot(page, "sandbox-import-progress");
    await page.getByText("Import completed").waitFor({ timeout: 45_000 });
    expect(await page.getByTestId("rows-imported").textContent()).toBe("3000");
  });
});
