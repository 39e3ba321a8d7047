import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("a staff operations page and the sandbox agreement", () => {
  it("leads staff who have not accepted the agreement to it, and shows the flags once they do", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/sandbox-flags");
    const accept = staff.getByLabel("I have read and accept the agreement");
    const flags = staff.getByRole("heading", { name: "Feature flags" });
    await accept.or(flags).first().waitFor();
    // Specs share one server: another may have accepted for staff already, and then the page is open.
    if (await accept.isVisible()) {
      expect(await staff.getByRole("heading", { name: "New flag" }).count()).toBe(0);
      expect(await staff.getByRole("alert").filter({ hasText: "/sandbox" }).count()).toBe(0);
      await screenshot(staff, "sandbox-flags-agreement-first");
      await accept.check();
      await staff.getByRole("button", { name: "Accept" }).click();
    }
    await flags.waitFor();
    await staff.getByRole("heading", { name: "New flag" }).waitFor();
    expect(await staff.getByRole("row").filter({ hasText: "pharmacy" }).count()).toBeGreaterThan(0);
  });
});
