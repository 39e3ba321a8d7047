import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { passAgreementGate } from "../sandbox/gate.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("a development environment ticket carries its context", () => {
  // Not the member agreement.spec.ts sees accept the agreement for the first time, on the same server.
  it("a customer reports a problem from a study page; the ticket shows the build, flags, page and fields", async () => {
    const customer = await newPage(browser);
    await signIn(customer, "admin@northwind.example");
    await customer.goto("/sandbox/studies");
    await passAgreementGate(customer, "study-table");
    await customer.getByTestId("study-table").getByRole("link", { name: "NW-101" }).click();
    await customer.waitForURL(/\/sandbox\/studies\/[0-9a-f-]{36}$/);
    await customer.getByTestId("protocol-number").waitFor();
    const studyPath = new URL(customer.url()).pathname;
    // Other specs on this server may deploy: the ticket must carry what the banner shows now.
    const buildId = await customer.getByTestId("build-id").textContent();
    const version = await customer.getByTestId("build-version").textContent();

    await customer.getByRole("link", { name: "Report a problem" }).click();
    await customer.waitForURL(/\/desk\/new\?type=dev_environment_question&from=/);
    const notice = customer.getByTestId("ticket-context-notice");
    await notice.waitFor();
    expect(await notice.textContent()).toContain(
      `This ticket will carry: the page you were on (${studyPath}), the environment's build and version, and the feature flag states.`,
    );
    expect(await customer.getByLabel(exactLabel("Type")).inputValue()).toMatch(/development environment/i);
    await customer.getByLabel("Subject").fill("Publishing the study build never finishes");
    await customer.getByLabel("Description").fill("The build stays in publishing.");
    await customer.getByLabel(exactLabel("Study")).click();
    await customer.getByRole("option", { name: /^NW-101/ }).click();
    await customer.getByLabel("Steps to reproduce").fill("1. Open the study\n2. Publish the build");
    await expectAccessible(customer, "the new ticket page with its context notice");
    await screenshot(customer, "desk-new-ticket-context");
    await customer.getByRole("button", { name: "Open ticket" }).click();
    await customer.waitForURL(/\/desk\/tickets\//);

    const environment = customer.getByTestId("ticket-environment");
    await environment.waitFor();
    const text = await environment.textContent();
    expect(text).toContain(buildId ?? "missing build");
    expect(text).toContain(version ?? "missing version");
    await environment.getByTestId("ticket-environment-flags").getByText("Pharmacy preview").waitFor();
    expect(await environment.getByRole("link", { name: studyPath }).getAttribute("href")).toBe(studyPath);
    await environment.getByRole("link", { name: /^NW-101/ }).waitFor();
    const fields = customer.getByTestId("ticket-fields");
    expect(await fields.textContent()).toContain("NW-101");
    expect(await fields.textContent()).toContain("2. Publish the build");
    await expectAccessible(customer, "the ticket page with its environment");
    await screenshot(customer, "desk-ticket-environment");

    // On a phone the long page link wraps rather than making the page scroll sideways.
    const phone = await newPage(browser, { width: 390, height: 860 });
    await signIn(phone, "admin@northwind.example");
    await phone.goto(customer.url());
    await phone.getByTestId("ticket-environment").waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(phone, "the ticket page with its environment at 390 px");
  });

  it("a new ticket ignores a from that is not a development environment page", async () => {
    const customer = await newPage(browser);
    await signIn(customer, "admin@northwind.example");
    await customer.goto("/desk/new?type=dev_environment_question&from=https://example.com/sandbox/");
    await customer.getByLabel("Subject").waitFor();
    expect(await customer.getByTestId("ticket-context-notice").count()).toBe(0);
  });
});
