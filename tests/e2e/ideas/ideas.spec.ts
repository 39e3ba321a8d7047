import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";

const phoneWidth = 390;
const TITLE = "Print dispensing labels in a batch";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Chooses `option` in the Mantine select labelled `label`, as a person would with a pointer. */
async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByLabel(exactLabel(label)).click();
  await page
    .getByRole("option", typeof option === "string" ? { name: option, exact: true } : { name: option })
    .click();
}

/** The newest inbox entry about the idea says what it became. */
async function expectToldInInbox(page: Page, said: string): Promise<void> {
  await page.goto("/");
  const entry = page.getByTestId("inbox-entry").filter({ hasText: TITLE });
  await entry.filter({ hasText: said }).waitFor();
}

async function setStatus(staff: Page, status: string, links: Record<string, string | RegExp> = {}) {
  await choose(staff, "Status", status);
  for (const [label, option] of Object.entries(links)) await choose(staff, label, option);
  await staff.getByRole("button", { name: "Save status" }).click();
  await staff.getByText(status, { exact: true }).first().waitFor();
}

describe("an idea from post to release", () => {
  it("a member posts it, another votes, staff move it to released, the voter is told at each step, and the roadmap shows it", async () => {
    const ned = await newPage(browser);
    await signIn(ned, "member@northwind.example");
    await ned.goto("/ideas");
    await ned.getByRole("heading", { name: "Ideas" }).waitFor();
    await expectAccessible(ned, "ideas list");
    await ned.getByRole("link", { name: "Post an idea" }).click();
    await ned.getByRole("textbox", { name: exactLabel("Title") }).fill(TITLE);
    await choose(ned, "Product area", "Pharmacy");
    await ned
      .getByRole("textbox", { name: exactLabel("The problem") })
      .fill("We print **one label at a time** on dosing days.");
    await expectAccessible(ned, "posting an idea");
    await ned.getByRole("button", { name: "Post idea" }).click();
    await ned.getByRole("heading", { name: TITLE }).waitFor();
    const ideaPath = new URL(ned.url()).pathname;
    expect(ideaPath).toMatch(/^\/ideas\/[0-9a-f-]{36}$/);

    const cora = await newPage(browser);
    await signIn(cora, "member@contoso.example");
    await cora.goto("/ideas?sort=newest");
    await cora.getByRole("link", { name: TITLE }).click();
    await cora.getByRole("button", { name: `Vote for ${TITLE}, 1 vote`, pressed: false }).click();
    await cora.getByRole("button", { name: `Vote for ${TITLE}, 2 votes`, pressed: true }).waitFor();
    const byOrganisation = cora.getByRole("list", { name: "Votes by organisation" });
    await byOrganisation.getByText("Contoso Clinical: 1").waitFor();
    await byOrganisation.getByText("Northwind Research Unit: 1").waitFor();
    await expectAccessible(cora, "an idea");
    // Ned's open page counts Cora's vote without a reload.
    await ned.getByRole("button", { name: `Vote for ${TITLE}, 2 votes`, pressed: true }).waitFor();

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto(ideaPath);
    await staff.getByRole("heading", { name: TITLE }).waitFor();
    await setStatus(staff, "Planned");
    await expectAccessible(staff, "an idea, as the product team decides");
    await expectToldInInbox(cora, "Now planned.");

    await cora.goto(ideaPath);
    await setStatus(staff, "In preview", {
      "Feature flag": /\(pharmacy\)/,
      "Feedback round": /Pharmacy preview: first impressions/,
    });
    // Cora's open page shows where to try it and the round, live.
    await cora.getByRole("link", { name: /Try it/ }).waitFor();
    await cora.getByRole("link", { name: "Pharmacy preview: first impressions" }).waitFor();
    await screenshot(cora, "idea-in-preview");
    await expectToldInInbox(cora, "Now in preview.");

    await setStatus(staff, "Released", { Release: "Convene 26.2" });
    await expectToldInInbox(cora, "Now released.");
    await cora.getByTestId("inbox-entry").filter({ hasText: TITLE }).getByRole("link").click();
    await cora.getByRole("link", { name: "Convene 26.2" }).waitFor();

    await cora.goto("/ideas/roadmap");
    const released = cora.getByRole("region", { name: /^Released/ });
    await released.getByRole("link", { name: TITLE }).waitFor();
    await expectAccessible(cora, "roadmap");
    await screenshot(cora, "roadmap");
    // Three people and four pages through a whole life cycle: longer than the run's default minute.
  }, 150_000);

  it("the list, an idea and the roadmap fit a phone and pass the accessibility gate there", async () => {
    const page = await newPage(browser, { width: phoneWidth, height: 860 });
    await signIn(page, "member@northwind.example");
    for (const path of ["/ideas", "/ideas/roadmap"]) {
      await page.goto(path);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.getByRole("link", { name: /./ }).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneWidth);
      await expectAccessible(page, `${path} at ${phoneWidth} px`);
    }
    await page.goto("/ideas");
    await page.getByRole("list", { name: "Ideas" }).getByRole("link").first().click();
    await page.getByRole("heading", { name: "The problem" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneWidth);
    await expectAccessible(page, `an idea at ${phoneWidth} px`);
  });

  it("works by keyboard: the vote is reached with Tab and pressed with Enter", async () => {
    const page = await newPage(browser);
    await signIn(page, "dev@fabrikam.example");
    await page.goto("/ideas?status=planned");
    const card = page.getByRole("list", { name: "Ideas" }).getByRole("listitem").first();
    const title = (await card.getByRole("link").textContent()) ?? "";
    const vote = page.getByRole("listitem").filter({ hasText: title }).getByRole("button");
    expect(await vote.getAttribute("aria-pressed")).toBe("false");
    let reached = false;
    for (let presses = 0; presses < 60 && !reached; presses++) {
      await page.keyboard.press("Tab");
      reached = await vote.evaluate((button) => document.activeElement === button);
    }
    expect(reached, "Tab reaches the vote").toBe(true);
    await page.keyboard.press("Enter");
    await page
      .getByRole("listitem")
      .filter({ hasText: title })
      .getByRole("button", { pressed: true })
      .waitFor();
  });
});
