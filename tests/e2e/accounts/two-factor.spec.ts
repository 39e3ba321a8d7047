import { generate } from "otplib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, exactLabel, launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const EMAIL = "pharmacist@northwind.example";

describe("two-factor sign-in", () => {
  it("turns on with a QR code, gives recovery codes, and one signs in once and is listed as used", async () => {
    const page = await newPage(browser);
    await signIn(page, EMAIL);
    await page.goto("/profile");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();

    const qrCode = page.getByRole("img", { name: "QR code to add Convene to your authenticator app" });
    await qrCode.waitFor();
    expect(await qrCode.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(
      true,
    );
    const secret = await page.locator("li", { hasText: "with this secret" }).locator("code").textContent();
    if (!secret) throw new Error("The secret is not shown for manual entry");
    await screenshot(page, "two-factor-setup");

    await page.getByLabel("Authentication code").fill(await generate({ secret }));
    await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    const codeList = page.getByRole("list", { name: "Recovery codes" });
    await codeList.waitFor();
    const codes = await codeList.locator("code").allTextContents();
    expect(codes).toHaveLength(10);
    await expect(page.getByRole("button", { name: "Download codes" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "two-factor-recovery-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("10 of 10 recovery codes unused").waitFor();

    const signOut = page.getByRole("button", { name: "Sign out" });
    await signOut.click();
    await signOut.waitFor({ state: "detached" });
    await page.goto("/sign-in");
    await page.getByLabel("E-mail").fill(EMAIL);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByLabel("Authentication code").waitFor();
    await page.getByRole("button", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").fill(codes[0] ?? "");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));

    await page.goto("/profile");
    await page.getByText("9 of 10 recovery codes unused").waitFor();
    await page
      .getByRole("list", { name: "Used recovery codes" })
      .getByText(/Code 1 used/)
      .waitFor();
    await screenshot(page, "two-factor-recovery-code-used");

    // Back to password-only sign-in, so later specs sign this person in as before.
    await page.getByLabel(exactLabel("Password")).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).waitFor();
  });
});
