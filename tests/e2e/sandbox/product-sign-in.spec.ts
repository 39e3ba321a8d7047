import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RelyingParty, startRelyingParty } from "../../../src/server/testing/relying-party.js";
import { api, expectAccessible, launchBrowser, screenshot, signIn } from "../browser.js";
import { type DemoServer, freePort, startDemoServer } from "../demo-server.js";

let browser: Browser;
let own: DemoServer;
let product: RelyingParty;

async function pageAt(baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 } });
  return context.newPage();
}

/** Accepts the agreement shown, as a person does: reads it, ticks the box, accepts. */
async function acceptAgreement(page: Page): Promise<void> {
  await page.getByTestId("agreement-body").waitFor();
  await expectAccessible(page);
  await page.getByLabel("I have read and accept the agreement").check();
  await page.getByRole("button", { name: "Accept" }).click();
}

beforeAll(async () => {
  product = await startRelyingParty();
  const port = await freePort();
  [browser, own] = await Promise.all([
    launchBrowser(),
    startDemoServer(port, {
      PRODUCT_OIDC_CLIENT_ID: product.clientId,
      PRODUCT_OIDC_CLIENT_SECRET: product.clientSecret,
      PRODUCT_OIDC_REDIRECT_URIS: product.redirectUri,
      // No back-channel logout here: its pass (every 5 s) would end the product's session before the
      // refresh this spec shows refused, on a slow machine. sign-in.test.ts covers the logout.
    }),
  ]);
  product.setIssuer(`${own.baseUrl}/oidc`);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await own?.stop();
  await product?.close();
});

describe("signing in to the vendor's product through Convene", () => {
  it("sends a customer to the agreement before the product, then in with their sandbox role; a new agreement stops the next refresh until accepted", async () => {
    const customer = await pageAt(own.baseUrl);
    await customer.goto(`${product.url}/`);
    await customer.getByRole("link", { name: "Sign in with Convene" }).click();

    // Convene's own sign-in, then its agreement: the product sees nobody until both are done.
    await customer.waitForURL((url) => url.pathname === "/sign-in");
    await customer.getByLabel("E-mail").fill("member@contoso.example");
    await customer.getByLabel("Password").fill("convene-demo");
    await customer.getByRole("button", { name: "Sign in", exact: true }).click();
    await customer.waitForURL((url) => url.pathname === "/sandbox/agreement");
    expect(product.sessions.size).toBe(0);
    await screenshot(customer, "product-sign-in-agreement");
    await acceptAgreement(customer);

    await customer.waitForURL(`${product.url}/`);
    await customer.getByText("Signed in as Cora Member").waitFor();
    expect(await customer.locator("[data-role]").textContent()).toBe("study_coordinator");
    expect(await customer.locator("main").textContent()).toContain("Contoso Clinical");
    await customer.getByRole("button", { name: "Renew session" }).click();
    await customer.getByText("Signed in as Cora Member").waitFor();

    // Staff publish a new version: the product's next refresh is refused.
    const staff = await pageAt(own.baseUrl);
    await signIn(staff, "staff@vendor.example");
    const draft = await api<{ id: string }>(staff, "POST", "/api/admin/sandbox/agreements", {
      title: "Access and Use Agreement",
      body: "Version two: screenshots of other customers' studies stay inside the environment.",
    });
    await api(staff, "POST", `/api/admin/sandbox/agreements/${draft.id}/publish`);

    await customer.getByRole("button", { name: "Renew session" }).click();
    await customer.getByRole("heading", { name: "Convene refused to renew your session" }).waitFor();
    expect(await customer.locator("[data-error]").getAttribute("data-error")).toBe("invalid_grant");

    // Signing in again asks for the new version first (Convene's own session still holds).
    await customer.getByRole("link", { name: "Sign in with Convene" }).click();
    await customer.waitForURL((url) => url.pathname === "/sandbox/agreement");
    await customer.getByText("Version two").waitFor();
    await acceptAgreement(customer);
    await customer.waitForURL(`${product.url}/`);
    expect(await customer.locator("[data-role]").textContent()).toBe("study_coordinator");
  });
});
