import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, openedDialog, screenshot, signIn } from "../browser.js";
import { type DemoServer, freePort, startDemoServer } from "../demo-server.js";
import { passAgreementGate } from "./gate.js";
import { choose } from "./mantine.js";

/**
 * A wipe resets every study and volunteer, the demo's included, so this spec never touches the shared
 * e2e server: it starts a Convene of its own on a free port and a throwaway folder.
 */
let browser: Browser;
let own: DemoServer;
beforeAll(async () => {
  [browser, own] = await Promise.all([launchBrowser(), freePort().then(startDemoServer)]);
});
afterAll(async () => {
  await browser?.close();
  await own?.stop();
});

async function ownPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: own.baseUrl, viewport: { width: 1280, height: 860 } });
  return context.newPage();
}

describe("wiping the development environment now", () => {
  it("resets a study a customer created: staff confirm by typing and follow the progress, the study is gone, and the customer's export brings it back", async () => {
    const customer = await ownPage();
    await signIn(customer, "admin@northwind.example");
    await customer.goto("/sandbox/studies");
    await passAgreementGate(customer, "study-table");
    await customer.getByRole("button", { name: "New study" }).click();
    const dialog = await openedDialog(customer, "New study");
    await dialog.getByLabel("Protocol number").fill("NW-WIPE-301");
    await dialog.getByLabel("Sponsor").fill("Northwind Pharma");
    await dialog.getByLabel(exactLabel("Title")).fill("A study made just before the wipe");
    await choose(customer, dialog.getByLabel("Phase"), "Phase I");
    await dialog.getByLabel("Planned enrolment").fill("8");
    await dialog.getByRole("button", { name: "Create study" }).click();
    await customer.waitForURL(/\/sandbox\/studies\/[0-9a-f-]{36}$/);
    await customer.getByRole("link", { name: "All studies" }).click();
    const table = customer.getByTestId("study-table");
    await table.getByRole("link", { name: "NW-WIPE-301" }).waitFor();
    // What the wipe notice asks customers to do: keep their organisation's studies as a file.
    const [download] = await Promise.all([
      customer.waitForEvent("download"),
      customer.getByRole("link", { name: "Export studies" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^studies-northwind.*\.json$/);
    const exportFile = path.join(os.tmpdir(), `convene-e2e-${Date.now()}-${download.suggestedFilename()}`);
    await download.saveAs(exportFile);
    const exported = JSON.parse(await fs.readFile(exportFile, "utf8"));
    expect(exported.studies.map((study: { protocolNumber: string }) => study.protocolNumber)).toContain(
      "NW-WIPE-301",
    );

    const staff = await ownPage();
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/sandbox-wipes");
    const form = staff.getByTestId("wipe-now-form");
    await form.getByLabel("Message").fill("Resetting after the e2e run.");
    const wipeNow = form.getByRole("button", { name: "Wipe now" });
    await form.getByLabel("Confirmation").fill("wipe it");
    expect(await wipeNow.isDisabled()).toBe(true);
    await form.getByLabel("Confirmation").fill("wipe the development environment");
    await wipeNow.click();

    // The staff page follows the wipe through the environment status until it has finished.
    const progress = staff.getByTestId("wipe-progress");
    await progress.waitFor();
    expect(await progress.textContent()).toContain("The development environment is being reset");
    await screenshot(staff, "sandbox-wipe-progress");
    const finished = staff.getByTestId("wipe-finished");
    await finished.waitFor({ timeout: 45_000 });
    expect(await finished.textContent()).toContain("The wipe has finished");
    await staff.getByTestId("wipe-history").getByText("Completed", { exact: true }).waitFor();
    await screenshot(staff, "sandbox-wipe-finished");

    // The customer's open list reloads once the wipe has committed: their study is gone.
    await table.getByRole("link", { name: "NW-WIPE-301" }).waitFor({ state: "detached", timeout: 30_000 });
    await customer.reload();
    await passAgreementGate(customer, "sandbox-banner");
    await customer
      .getByTestId("study-table")
      .or(customer.getByText("There are no studies yet"))
      .first()
      .waitFor();
    expect(await customer.getByRole("link", { name: "NW-WIPE-301" }).count()).toBe(0);
    await screenshot(customer, "sandbox-studies-after-wipe");

    // And back: the exported file recreates the study, in design.
    const [chooser] = await Promise.all([
      customer.waitForEvent("filechooser"),
      customer.getByRole("button", { name: "Import studies" }).click(),
    ]);
    await chooser.setFiles(exportFile);
    const imported = customer.getByTestId("study-import-result");
    await imported.waitFor();
    expect(await imported.textContent()).toMatch(/Imported \d+ stud(y|ies) in design: .*NW-WIPE-301/);
    await customer.getByTestId("study-table").getByRole("link", { name: "NW-WIPE-301" }).waitFor();
    await screenshot(customer, "sandbox-studies-imported");
    await fs.rm(exportFile, { force: true });

    await customer.goto("/sandbox/status");
    await customer
      .getByTestId("status-wipes")
      .getByText(/Last wipe: .*completed/)
      .waitFor();
  });
});
