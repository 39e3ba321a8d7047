import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  startOidcProvider,
  type TestOidcProvider,
} from "../../../src/server/testing/oidc-provider-server.js";
import { expectAccessible, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";

let browser: Browser;
let provider: TestOidcProvider;
beforeAll(async () => {
  browser = await launchBrowser();
  provider = await startOidcProvider({ redirectUri: `${inject("baseUrl")}/api/auth/oidc/callback` });
});
afterAll(async () => {
  await browser?.close();
  await provider?.close();
});

describe("signing in through one's organisation", () => {
  it("staff set up Fabrikam's provider, and a Fabrikam person signs in through it from the sign-in page", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/organisations");
    await staff.getByRole("button", { name: "Sign-in of Fabrikam Labs" }).click();
    const dialog = await openedDialog(staff, "Sign-in of Fabrikam Labs");
    await dialog.getByLabel("Issuer").fill(provider.issuer);
    await dialog.getByRole("button", { name: "Test discovery" }).click();
    await dialog.getByText("Discovery works").waitFor();
    await dialog.getByLabel("Client id").fill(provider.clientId);
    await dialog.getByLabel("Client secret").fill(provider.clientSecret);
    expect(await dialog.getByLabel("Domains").inputValue()).toBe("fabrikam.example");
    await screenshot(staff, "organisation-sign-in-settings");
    await dialog.getByRole("button", { name: "Save sign-in" }).click();
    await dialog.waitFor({ state: "detached" });

    const person = await newPage(browser);
    await person.goto("/sign-in?next=%2Fprofile");
    await person.getByLabel("E-mail").fill("lin@fabrikam.example");
    provider.nextSignIn({ sub: "fabrikam-lin", email: "lin@fabrikam.example", name: "Lin Okafor" });
    await person.getByRole("button", { name: "Use your organisation's sign-in" }).click();
    await person.waitForURL((url) => url.pathname === "/profile");
    await person.waitForLoadState("networkidle");
    await person.getByLabel("Name").first().waitFor();
    expect(await person.getByLabel("Name").first().inputValue()).toBe("Lin Okafor");
    await expectAccessible(person, "the profile after signing in through the organisation");

    // Back to password sign-in only, so the rest of the run finds Fabrikam as the demo has it.
    await staff.getByRole("button", { name: "Sign-in of Fabrikam Labs" }).click();
    const again = await openedDialog(staff, "Sign-in of Fabrikam Labs");
    await again.getByRole("button", { name: "Remove provider" }).click();
    await again.getByRole("alert").filter({ hasText: "Remove this provider?" }).waitFor();
    await expectAccessible(staff, "removing an organisation's provider, asked again");
    await again.getByRole("button", { name: "Remove the provider" }).click();
    await again.waitFor({ state: "detached" });
  });

  it("says why a sign-in came back, and when an address signs in with a password", async () => {
    const page = await newPage(browser, { width: 390, height: 844 });
    await page.goto("/sign-in?organisationSignIn=denied");
    await page.getByText("Signing in at your organisation was cancelled or refused").waitFor();
    await page.getByLabel("E-mail").fill("member@northwind.example");
    await page.getByRole("button", { name: "Use your organisation's sign-in" }).click();
    await page
      .getByText("does not sign in through an organisation's own sign-in: use your password")
      .waitFor();
    await screenshot(page, "organisation-sign-in-problem-390");
  });
});
