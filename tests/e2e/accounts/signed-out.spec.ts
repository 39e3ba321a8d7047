import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const signedOutPages = ["/", "/request-access", "/forgot-password", "/releases", "/sign-in"];

/** Marked for the eye (the asterisk in its label) and for assistive technology (the input's `required`). */
async function isRequired(page: Page, label: string): Promise<boolean> {
  const field = page.getByLabel(label);
  const required = await field.evaluate((input) => (input as HTMLInputElement).required);
  const id = await field.getAttribute("id");
  const asterisk = await page.locator(`label[for="${id}"]`).textContent();
  return required && Boolean(asterisk?.includes("*"));
}

describe("a visitor who is signed out", () => {
  it.each(signedOutPages)("opens %s without an error in the console or a refused request", async (path) => {
    const page = await newPage(browser);
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(path);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
    if (path !== "/sign-in") {
      await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
      await page.waitForURL("**/sign-in");
    }
    await page.close();
  });

  it("sees which fields of the sign-in and request-access forms are required", async () => {
    const page = await newPage(browser);
    await page.goto("/sign-in");
    for (const label of ["E-mail", "Password"]) {
      await expect(isRequired(page, label)).resolves.toBe(true);
    }
    await page.goto("/request-access");
    for (const label of ["Name", "E-mail", "Organisation", "Role", "Why do you want to join?"]) {
      await expect(isRequired(page, label)).resolves.toBe(true);
    }
    await page.close();
  });
});
