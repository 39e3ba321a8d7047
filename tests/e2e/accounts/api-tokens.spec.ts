import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const MEMBER = "member@northwind.example";

/** Calls the API as a script would: with the bearer token alone, from outside any browser. */
const callWithToken = (token: string, path: string) =>
  fetch(new URL(path, inject("baseUrl")), { headers: { authorization: `Bearer ${token}` } });

/** Picks an option of a Mantine select; its options open in a portal at the page's end. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(exactLabel(label)).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** Creates a token on the profile page and returns its secret, shown this once. */
async function createToken(page: Page, name: string): Promise<string> {
  await page.getByLabel(exactLabel("Token name")).fill(name);
  await choose(page, "Access", "Read only");
  await choose(page, "Area", "Everything I may do");
  await choose(page, "Expires in", "90 days");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-api-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^cvn_/);
  return secret;
}

describe("personal API tokens", () => {
  it("a person creates a token shown once, a script uses it, and once revoked it stops working", async () => {
    const page = await newPage(browser);
    await signIn(page, MEMBER);
    await page.goto("/profile");
    const secret = await createToken(page, "Release checker");
    await expect(page.getByRole("button", { name: "Copy token" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "api-token-created");
    await page.getByRole("button", { name: "I have saved it" }).click();
    await expect(page.getByTestId("new-api-token").count()).resolves.toBe(0);

    const me = await callWithToken(secret, "/api/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: MEMBER });

    const tokens = page.getByRole("table", { name: "Your API tokens" });
    const row = tokens.getByRole("row", { name: /Release checker/ });
    await page.goto("/profile");
    await row.waitFor();
    // The script's call is the token's last use.
    expect(await row.getByText("Never").count()).toBe(0);
    await screenshot(page, "api-tokens-listed");

    await row.getByRole("button", { name: "Revoke Release checker" }).click();
    const dialog = await openedDialog(page, "Revoke this API token?");
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await row.getByText("revoked").waitFor();
    expect((await callWithToken(secret, "/api/me")).status).toBe(401);
  });

  it("an organisation admin sees a colleague's token beside the invitations and revokes it", async () => {
    const member = await newPage(browser, { width: 390, height: 844 });
    await signIn(member, MEMBER);
    await member.goto("/profile");
    const secret = await createToken(member, "Colleague's dashboard");
    await screenshot(member, "api-token-created-390");

    const admin = await newPage(browser);
    await signIn(admin, "admin@northwind.example");
    await admin.goto("/invitations");
    const row = admin
      .getByRole("table", { name: "API tokens" })
      .getByRole("row", { name: /Colleague's dashboard/ });
    await row.waitFor();
    await screenshot(admin, "organisation-api-tokens");
    await row.getByRole("button", { name: "Revoke Colleague's dashboard" }).click();
    const dialog = await openedDialog(admin, "Revoke this API token?");
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await row.getByText("revoked").waitFor();
    expect((await callWithToken(secret, "/api/me")).status).toBe(401);
  });
});
