import fs from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const DEMO_PASSWORD = "convene-demo";
const screenshotsDir = path.resolve("test-results");

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: inject("baseUrl"),
    viewport: { width: 1280, height: 860 },
  });
  return context.newPage();
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
}

/** Staff open the mail outbox, find the newest message to `recipient` and return its link to `path`. */
export async function linkFromOutbox(
  staffPage: Page,
  recipient: string,
  subject: string,
  path: string,
): Promise<string> {
  await staffPage.goto("/admin/mail");
  await staffPage.getByLabel("Recipient").fill(recipient);
  await staffPage
    .getByRole("button", { name: new RegExp(subject) })
    .first()
    .click();
  const link = staffPage.locator(`a[href*="${path}/"]`).first();
  await link.waitFor();
  const href = await link.getAttribute("href");
  if (!href) throw new Error(`No ${path} link in the outbox message to ${recipient}`);
  return new URL(href).pathname;
}
