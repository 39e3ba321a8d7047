import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { passAgreementGate } from "./gate.js";
import { choose } from "./mantine.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/**
 * A sandbox page for `email`, past the agreement (specs share one server, so it may be accepted).
 * The member of these specs is Fabrikam's developer: agreement.spec.ts needs Northwind's member to
 * meet the agreement for the first time.
 */
async function sandboxPage(email: string, path = "/sandbox"): Promise<Page> {
  const page = await newPage(browser);
  await signIn(page, email);
  await page.goto(path);
  await passAgreementGate(page, "sandbox-banner");
  return page;
}

/** The `datetime-local` value `hours` from now in the browser's own time zone, to the minute. */
const localTimeAhead = (page: Page, hours: number) =>
  page.evaluate((ahead) => {
    const at = new Date(Date.now() + ahead * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  }, hours);

describe("operating the development environment", () => {
  it("staff record a deployment and the banner on an open sandbox page changes to that version", async () => {
    const member = await sandboxPage("dev@fabrikam.example", "/sandbox/studies");
    const banner = member.getByTestId("sandbox-banner");
    await banner.getByTestId("environment-build").waitFor();
    expect(await banner.getByTestId("build-version").textContent()).not.toBe("26.9-rc.1");

    const staff = await sandboxPage("staff@vendor.example", "/sandbox/deployments");
    const form = staff.getByTestId("deployment-form");
    await form.getByLabel("Build id").fill("e2e-901");
    await form.getByLabel("Version").fill("26.9-rc.1");
    await form.getByLabel("Notes").fill("## Pharmacy\n- **Labels** print on 4 x 2 inch stock.");
    await form.getByRole("button", { name: "Record deployment" }).click();
    const newest = staff.getByTestId("deployment").first();
    await newest.getByText("26.9-rc.1").waitFor();
    // The notes arrive as the server's sanitized HTML and are shown as markup, not as Markdown text.
    expect(await newest.locator("h2").textContent()).toBe("Pharmacy");
    expect(await newest.locator("strong").first().textContent()).toBe("Labels");
    await screenshot(staff, "sandbox-deployments");

    // The member's page was open all along: the deployment's real-time event updates its banner.
    await banner.getByTestId("build-version").getByText("26.9-rc.1", { exact: true }).waitFor();
    expect(await banner.getByTestId("build-id").textContent()).toBe("e2e-901");
    expect(await banner.getByTestId("environment-build").textContent()).toMatch(
      /deployed (just now|\d+ minutes? ago)/,
    );
    await banner.getByTestId("unreleased-badge").waitFor();
    await screenshot(member, "sandbox-banner-new-build");

    await member.goto("/sandbox/status");
    const build = member.getByTestId("status-build");
    await build.getByText("26.9-rc.1").waitFor();
    await member.getByTestId("status-preview-flags").getByText("pharmacy").waitFor();
    await screenshot(member, "sandbox-status");
  });

  it("staff switch the pharmacy flag off: a sandbox user no longer sees it and its routes answer feature_disabled", async () => {
    const member = await sandboxPage("dev@fabrikam.example");
    await member.getByTestId("pharmacy-link").waitFor();

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/sandbox-flags");
    const row = staff.getByTestId("flag-table").locator('tr[data-flag="pharmacy"]');
    const state = row.getByLabel("State of pharmacy");
    expect(await state.inputValue()).toBe("Preview");
    await choose(staff, state, "Off");
    await staff.getByText("is off now").waitFor();
    await expect.poll(() => state.inputValue()).toBe("Off");
    await screenshot(staff, "sandbox-flags-pharmacy-off");

    try {
      // The open sandbox home drops the pharmacy on the flag's event; a fresh load agrees.
      await member.getByTestId("pharmacy-link").waitFor({ state: "detached" });
      await member.reload();
      await member.getByTestId("sandbox-banner").waitFor();
      expect(await member.getByTestId("pharmacy-link").count()).toBe(0);
      const refused = await member.request.get("/api/sandbox/pharmacy/products");
      expect(refused.status()).toBe(404);
      expect((await refused.json()).error.code).toBe("feature_disabled");
      await member.goto("/sandbox/pharmacy");
      await member.getByTestId("pharmacy-off").first().waitFor();
      await screenshot(member, "sandbox-pharmacy-off");
    } finally {
      // Specs share one server: the pharmacy goes back to preview whatever happened above.
      await choose(staff, state, "Preview");
      await staff.getByText("is preview now").waitFor();
    }
    await member.goto("/sandbox");
    await member.getByTestId("pharmacy-link").waitFor();
    expect((await member.request.get("/api/sandbox/pharmacy/products")).status()).toBe(200);
  });

  it("staff schedule a wipe 25 hours ahead and a customer sees the countdown until it is cancelled", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/sandbox-wipes");
    const form = staff.getByTestId("schedule-wipe-form");
    await form.getByLabel("Wipe at").fill(await localTimeAhead(staff, 25));
    await form.getByLabel("Message").fill("Quarterly reset before the 26.9 release.");
    await form.getByRole("button", { name: "Schedule wipe" }).click();
    const pending = staff.getByTestId("pending-wipe");
    await pending.getByText("Quarterly reset before the 26.9 release.").waitFor();
    await staff.getByTestId("wipe-history").getByText("Scheduled", { exact: true }).waitFor();
    await screenshot(staff, "sandbox-wipe-scheduled");

    try {
      const customer = await sandboxPage("member@contoso.example", "/sandbox/studies");
      const countdown = customer.getByTestId("wipe-countdown");
      await countdown.waitFor();
      expect(await countdown.textContent()).toMatch(
        /Wipe in 2[45] h \d{1,2} min.*Quarterly reset before the 26\.9 release\./,
      );
      await screenshot(customer, "sandbox-wipe-countdown");

      await pending.getByRole("button", { name: "Cancel wipe" }).click();
      await (await openedDialog(staff, "Cancel the scheduled wipe?"))
        .getByRole("button", { name: "Cancel the wipe" })
        .click();
      await staff.getByTestId("wipe-history").getByText("Cancelled", { exact: true }).waitFor();
      // The cancellation's event takes the banner off the customer's open page.
      await countdown.waitFor({ state: "detached" });
    } finally {
      if (await pending.isVisible()) {
        await pending.getByRole("button", { name: "Cancel wipe" }).click();
        await staff.getByRole("button", { name: "Cancel the wipe" }).click();
      }
    }
  });
});
