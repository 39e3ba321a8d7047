import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ScimProductServer,
  startScimProductServer,
} from "../../../src/server/testing/scim-product-server.js";
import { api, expectAccessible, launchBrowser, screenshot, signIn } from "../browser.js";
import { type DemoServer, freePort, startDemoServer } from "../demo-server.js";
import { focusMovesInto, tabTo } from "../keyboard.js";

let browser: Browser;
let own: DemoServer;
let product: ScimProductServer;

/** Provisioning passes run every 5 s and the page asks again every 10 s. */
const LIVE_TIMEOUT = 40_000;

async function staffAt(width: number): Promise<Page> {
  const context = await browser.newContext({ baseURL: own.baseUrl, viewport: { width, height: 860 } });
  const page = await context.newPage();
  await signIn(page, "staff@vendor.example");
  return page;
}

const productUser = (email: string) => {
  const user = product.userNamed(email);
  if (!user) throw new Error(`the product has no ${email}`);
  return user;
};

beforeAll(async () => {
  product = await startScimProductServer();
  const port = await freePort();
  [browser, own] = await Promise.all([
    launchBrowser(),
    startDemoServer(port, {
      PRODUCT_SCIM_URL: product.url,
      PRODUCT_SCIM_TOKEN: product.token,
      PRODUCT_URL: "https://product.example",
    }),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await own?.stop();
  await product?.close();
});

describe("the product environment page", () => {
  it("shows a failing person first with the product's error, retries by keyboard, and reconciles after a dry run", async () => {
    const staff = await staffAt(1280);
    await staff.goto("/admin/sandbox/product");
    const counts = staff.getByTestId("provisioning-counts");
    await counts.filter({ hasText: "5 in sync, 0 pending, 0 failing" }).waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(staff, "the product environment page in sync");

    // The product starts failing; an admin's change of role cannot reach it.
    product.failNext(1000);
    const agreement = await api<{ id: string }>(staff, "GET", "/api/sandbox/agreement");
    await api(staff, "POST", "/api/sandbox/agreement/accept", { agreementId: agreement.id });
    const member = productUser("member@northwind.example");
    await api(staff, "PATCH", `/api/sandbox/users/${member.externalId}`, { role: "recruiter" });

    const rows = staff.getByTestId("provisioning-table").locator("tbody tr");
    await rows
      .first()
      .filter({ hasText: "member@northwind.example" })
      .getByText("Failing", { exact: true })
      .waitFor({
        timeout: LIVE_TIMEOUT,
      });
    expect(await rows.first().getByTestId("provisioning-error").textContent()).toBe(
      "The product answered 500: The product is having a bad day.",
    );
    await screenshot(staff, "product-environment-failing");

    product.failNext(0);
    await tabTo(staff, staff.getByRole("button", { name: "Retry failed now" }));
    await staff.keyboard.press("Enter");
    await counts.filter({ hasText: "0 failing" }).waitFor();
    expect(productUser("member@northwind.example").roles).toEqual([{ value: "recruiter", primary: true }]);

    // Drift made in the product by hand: a member deleted, a stranger added.
    const admin = productUser("admin@northwind.example");
    product.deleteUser(admin.id);
    product.addUser({ userName: "stranger@elsewhere.example", displayName: "A Stranger" });

    await tabTo(staff, staff.getByRole("button", { name: "Reconcile now" }));
    await staff.keyboard.press("Enter");
    const dialog = staff.getByRole("dialog", { name: "Reconcile with the product" });
    await focusMovesInto(dialog);
    const plan = dialog.getByTestId("reconcile-plan");
    await plan.waitFor();
    await expectAccessible(staff, "the reconcile dialog's plan");
    expect(await plan.locator("tbody tr").allTextContents()).toEqual([
      expect.stringMatching(/^Createadmin@northwind\.example.*Planned$/),
      expect.stringMatching(/^Deactivatestranger@elsewhere\.example.*Planned$/),
    ]);
    expect(product.userNamed("admin@northwind.example")).toBeUndefined();

    await tabTo(staff, dialog.getByRole("button", { name: "Apply" }));
    await staff.keyboard.press("Enter");
    await plan.locator("tbody tr").filter({ hasText: "Done" }).nth(1).waitFor();
    await screenshot(staff, "product-environment-reconciled");
    expect(productUser("admin@northwind.example")).toMatchObject({
      active: true,
      externalId: admin.externalId,
    });
    expect(productUser("stranger@elsewhere.example").active).toBe(false);
    await staff.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });

  it("fits a phone: the state of each person on screen, nothing scrolling sideways", async () => {
    const phone = await staffAt(390);
    // Whatever an earlier case left failing is pushed now.
    product.failNext(0);
    await api(phone, "POST", "/api/admin/sandbox/product/provisioning/retry");
    await phone.goto("/admin/sandbox/product");
    const firstState = phone
      .getByTestId("provisioning-table")
      .locator("tbody tr")
      .first()
      .getByText("In sync");
    await firstState.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await firstState.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await screenshot(phone, "product-environment-390");

    // A plan on a phone: the dialog's table fits its width.
    product.deleteUser(productUser("pharmacist@northwind.example").id);
    await phone.getByRole("button", { name: "Reconcile now" }).click();
    const dialog = phone.getByRole("dialog", { name: "Reconcile with the product" });
    const plan = dialog.getByTestId("reconcile-plan");
    await plan.waitFor();
    expect(await plan.locator("tbody tr").allTextContents()).toEqual([
      expect.stringMatching(/^Createpharmacist@northwind\.example.*Planned$/),
    ]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const body = dialog.locator(".mantine-Modal-body");
    expect(await body.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await screenshot(phone, "product-environment-reconcile-390");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await plan.getByText("Done").waitFor();
    expect(productUser("pharmacist@northwind.example").active).toBe(true);
  });
});
