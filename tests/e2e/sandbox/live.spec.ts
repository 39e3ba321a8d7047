import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  expectAccessible,
  launchBrowser,
  linkFromOutbox,
  newPage,
  screenshot,
  signIn,
} from "../browser.js";
import { passAgreementGate } from "./gate.js";
import { choose } from "./mantine.js";

const SECOND_STAFF = "second.staff@vendor.example";
const SECOND_STAFF_PASSWORD = "second-staff-pass-1";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/**
 * A second member of the product team: invited by the demo's staff member to the vendor's domain,
 * accepted, then given the staff role.
 */
async function secondStaffMember(staff: Page): Promise<Page> {
  await api(staff, "POST", "/api/invitations", { email: SECOND_STAFF });
  const invitation = await linkFromOutbox(staff, SECOND_STAFF, "Your invitation", "/invite");
  const second = await newPage(browser);
  await second.goto(invitation);
  await second.getByLabel("Name").fill("Stella Second");
  await second.getByLabel("Password").fill(SECOND_STAFF_PASSWORD);
  await second.getByRole("button", { name: "Create account" }).click();
  await second.waitForURL((url) => url.pathname === "/");
  const { users } = await api<{ users: { id: string; email: string }[] }>(
    staff,
    "GET",
    `/api/admin/users?q=${encodeURIComponent(SECOND_STAFF)}`,
  );
  const account = users.find((user) => user.email === SECOND_STAFF);
  if (!account) throw new Error(`${SECOND_STAFF} has no account`);
  await api(staff, "PATCH", `/api/admin/users/${account.id}`, { isStaff: true });
  return second;
}

describe("live sandbox pages", () => {
  it("show one staff member's open flags page the flag another creates and switches", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    const second = await secondStaffMember(staff);
    await second.goto("/sandbox");
    await passAgreementGate(second, "sandbox-banner");

    await staff.goto("/sandbox");
    await passAgreementGate(staff, "sandbox-banner");
    await staff.goto("/admin/sandbox-flags");
    const table = staff.getByTestId("flag-table");
    await table.waitFor();

    await second.goto("/admin/sandbox-flags");
    await api(second, "POST", "/api/admin/sandbox/flags", {
      key: "live-labels",
      name: "Live labels",
      state: "off",
    });
    const row = table.locator('tr[data-flag="live-labels"]');
    const state = row.getByLabel("State of live-labels");
    await expect.poll(() => state.inputValue()).toBe("Off");

    await choose(second, second.getByLabel("State of live-labels"), "Preview");
    await second.getByText("is preview now").waitFor();
    // The first staff member's page was open all along.
    await expect.poll(() => state.inputValue()).toBe("Preview");
    await expectAccessible(staff, "the flags page after another staff member's change");
    await screenshot(staff, "sandbox-flags-live");
  });

  it("closes an open pharmacy page with a notice when staff switch the pharmacy off", async () => {
    const member = await newPage(browser);
    await signIn(member, "dev@fabrikam.example");
    await member.goto("/sandbox/pharmacy");
    await passAgreementGate(member, "pharmacy");

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    try {
      await api(staff, "PATCH", "/api/admin/sandbox/flags/pharmacy", { state: "off" });
      await member.getByTestId("pharmacy-off").waitFor();
      expect(await member.getByTestId("pharmacy").count()).toBe(0);
      await expectAccessible(member, "the pharmacy page switched off while open");
    } finally {
      // Specs share one server: the pharmacy goes back to preview whatever happened above.
      await api(staff, "PATCH", "/api/admin/sandbox/flags/pharmacy", { state: "preview" });
    }
    await member.getByTestId("pharmacy").waitFor();
  });
});
