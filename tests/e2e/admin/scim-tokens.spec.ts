import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Asks SCIM for Northwind's member as an identity provider would, with the organisation's token. */
const findMember = (token: string) =>
  fetch(
    new URL(
      `/scim/v2/Users?filter=${encodeURIComponent('userName eq "member@northwind.example"')}`,
      inject("baseUrl"),
    ),
    { headers: { authorization: `Bearer ${token}`, accept: "application/scim+json" } },
  );

describe("SCIM provisioning tokens", () => {
  it("staff create an organisation's SCIM token shown once, its identity provider uses it, and revoked it stops", async () => {
    const page = await newPage(browser);
    await signIn(page, "staff@vendor.example");
    await page.goto("/admin/organisations");
    await page
      .getByTestId("organisations-table")
      .getByRole("row")
      .filter({ hasText: "Northwind Research Unit" })
      .getByRole("button", { name: "SCIM" })
      .click();
    const dialog = await openedDialog(page, "SCIM provisioning of Northwind Research Unit");
    await dialog.getByText("/scim/v2").waitFor();
    await dialog.getByLabel(exactLabel("Identity provider")).fill("Okta");
    await dialog.getByRole("button", { name: "Create SCIM token" }).click();
    const secret = (await dialog.getByTestId("new-scim-token").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^cvnscim_/);
    await screenshot(page, "scim-token-created");

    const found = await findMember(secret);
    expect(found.status).toBe(200);
    expect(found.headers.get("content-type")).toContain("application/scim+json");
    expect(await found.json()).toMatchObject({ totalResults: 1 });

    await dialog.getByRole("button", { name: "I have saved it" }).click();
    const row = dialog.getByRole("table", { name: "SCIM tokens" }).getByRole("row", { name: /Okta/ });
    await row.getByRole("button", { name: "Revoke Okta" }).click();
    await row.getByRole("button", { name: "Confirm revoking" }).click();
    await row.getByText("revoked").waitFor();
    await screenshot(page, "scim-token-revoked");
    expect((await findMember(secret)).status).toBe(401);
  });
});
