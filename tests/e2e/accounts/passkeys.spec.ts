import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_PASSWORD,
  exactLabel,
  launchBrowser,
  newPage,
  openedDialog,
  screenshot,
  signIn,
} from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const EMAIL = "member@contoso.example";

/**
 * Chromium's virtual authenticator (DevTools protocol) on the tab: a platform authenticator that keeps
 * discoverable passkeys and verifies its person at once, as a fingerprint reader would.
 */
async function addVirtualAuthenticator(page: Page): Promise<void> {
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("WebAuthn.enable");
  await devtools.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

async function signOut(page: Page): Promise<void> {
  const button = page.getByRole("button", { name: "Sign out" });
  await button.click();
  await button.waitFor({ state: "detached" });
}

const leftSignIn = (page: Page) => page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));

describe("passkeys", () => {
  it("adds a passkey on the profile, confirms a password sign-in with it, signs in with it alone, and once removed it signs in no more", async () => {
    const page = await newPage(browser);
    await addVirtualAuthenticator(page);
    await signIn(page, EMAIL);

    await page.goto("/profile");
    await page.getByText("You have no passkeys yet.").waitFor();
    await page.getByLabel(exactLabel("Passkey name")).fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const passkeys = page.getByRole("table", { name: "Your passkeys" });
    await passkeys.getByText("Work laptop").waitFor();
    expect(await passkeys.getByRole("row").nth(1).textContent()).toContain("Not yet");
    await screenshot(page, "passkeys-profile");

    // The password, then the passkey as the second step.
    await signOut(page);
    await page.goto("/sign-in");
    await page.getByLabel("E-mail").fill(EMAIL);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const usePasskey = page.getByRole("button", { name: "Use your passkey" });
    await usePasskey.waitFor();
    await screenshot(page, "passkeys-second-step");
    await usePasskey.click();
    await leftSignIn(page);
    await page.goto("/profile");
    expect(await passkeys.getByRole("row").nth(1).textContent()).not.toContain("Not yet");

    // The passkey alone: no e-mail, no password, no code.
    await signOut(page);
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await leftSignIn(page);

    await page.goto("/profile");
    await page.getByRole("button", { name: "Rename Work laptop" }).click();
    const rename = await openedDialog(page, "Rename “Work laptop”");
    await rename.getByLabel(exactLabel("Passkey name")).fill("Old laptop");
    await rename.getByRole("button", { name: "Save name" }).click();
    await passkeys.getByText("Old laptop").waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("button", { name: "Remove Old laptop" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "passkeys-profile-390");
    await page.setViewportSize({ width: 1280, height: 860 });

    await page.getByRole("button", { name: "Remove Old laptop" }).click();
    const remove = await openedDialog(page, "Remove “Old laptop”?");
    await remove.getByLabel(exactLabel("Password")).fill(DEMO_PASSWORD);
    await remove.getByRole("button", { name: "Remove passkey" }).click();
    await page.getByText("You have no passkeys yet.").waitFor();

    // The authenticator still holds it, but the account no longer knows it.
    await signOut(page);
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByText(/not registered for this account. It may have been removed/).waitFor();
    await screenshot(page, "passkeys-removed-refused");
    expect(new URL(page.url()).pathname).toBe("/sign-in");

    // And the password alone signs in again, with no second step.
    await signIn(page, EMAIL);
  }, 240_000);
});
