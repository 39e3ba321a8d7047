import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";
import { enrolSubjectInCohort1 } from "../sandbox/enrol.js";
import { passAgreementGate } from "../sandbox/gate.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const phoneWidth = 390;

/** A tab `width` pixels wide with `email` signed in. */
async function signedIn(width: number, email: string): Promise<Page> {
  const page = await newPage(browser, { width, height: 860 });
  await signIn(page, email);
  return page;
}

/** The page as it is now passes the gate and is saved as `<name>-<width>.png`. */
async function capture(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width;
  await expectAccessible(page, `${name} at ${width} px`);
  await screenshot(page, `${name}-${width}`);
}

/** On a phone, nothing makes the page scroll sideways and `locator` is on screen from left to right. */
async function expectOnPhoneScreen(page: Page, ...locators: Locator[]): Promise<void> {
  if (page.viewportSize()?.width !== phoneWidth) return;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneWidth);
  for (const locator of locators) {
    const box = await locator.boundingBox();
    expect(box, `${locator} is shown`).not.toBeNull();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(phoneWidth);
  }
}

describe.each([1440, phoneWidth])("the main pages at %i px", (width) => {
  it("a customer's pages pass the accessibility gate, with each table's key column on screen", async () => {
    const page = await signedIn(width, "member@northwind.example");
    await page.getByRole("heading", { name: "For you" }).waitFor();
    await capture(page, "home");

    await page.goto("/chat");
    const search = page.getByRole("searchbox", { name: "Search messages" });
    await search.waitFor();
    await expectOnPhoneScreen(page, search);
    // The whole placeholder shows: the text fits inside the box.
    expect(await search.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth)).toBe(
      true,
    );
    await capture(page, "chat");

    await page.goto("/desk");
    const tickets = page.getByTestId("ticket-table");
    await expectOnPhoneScreen(page, tickets.getByRole("columnheader", { name: "Status" }));
    await capture(page, "desk");
    await tickets.getByRole("link").first().click();
    await page.waitForURL(/\/desk\/tickets\//);
    await page.getByLabel("Your reply").waitFor();
    await expectOnPhoneScreen(page);
    await capture(page, "desk-ticket");

    await page.goto("/projects");
    const projects = page.getByTestId("project-table");
    await expectOnPhoneScreen(page, projects.getByTestId("project-status").first());
    await capture(page, "projects");
    await projects.getByRole("link", { name: "Pharmacy preview feedback" }).click();
    await page.waitForURL(/\/projects\//);
    const post = page.getByTestId("post-row").first();
    await post.click();
    const comment = page.getByRole("button", { name: "Comment", exact: true });
    await comment.waitFor();
    expect(await comment.isVisible()).toBe(true);
    await expectOnPhoneScreen(page);
    if (width === phoneWidth) {
      // Tapping a post scrolls its detail, below the list on a phone, up into the screen's top half,
      // clear of the fixed header (as far as the page's height lets it rise).
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      const top = await page
        .getByTestId("post-detail")
        .evaluate((detail) => detail.getBoundingClientRect().top);
      expect(top).toBeGreaterThanOrEqual(60);
      expect(top).toBeLessThan(430);
    }
    await capture(page, "project");

    await page.goto("/groups");
    const groups = page.getByTestId("group-table");
    await expectOnPhoneScreen(page, groups.getByRole("columnheader", { name: "You" }));
    await capture(page, "groups");

    await page.goto("/releases");
    await page.getByRole("article").first().waitFor();
    await expectOnPhoneScreen(page);
    await capture(page, "releases");

    await page.goto("/profile");
    await expectOnPhoneScreen(page, page.getByText("This browser"));
    await capture(page, "profile");
  });

  it("a customer's ideas and help pages pass the gate, with the vote counts and the article list on screen", async () => {
    const page = await signedIn(width, "member@northwind.example");
    await page.goto("/ideas");
    const firstVote = page.getByRole("button", { name: /^Vote for / }).first();
    await firstVote.waitFor();
    await expectOnPhoneScreen(page, firstVote);
    await capture(page, "ideas");

    await page.goto("/ideas/roadmap");
    await page.getByRole("heading", { name: /^Planned/ }).waitFor();
    await expectOnPhoneScreen(page);
    await capture(page, "ideas-roadmap");

    await page.goto("/ideas/new");
    const title = page.getByLabel("Title");
    await title.waitFor();
    await expectOnPhoneScreen(page, title);
    await capture(page, "ideas-new");

    await page.goto("/help");
    const article = page.getByRole("link", { name: "Export a study's data as CSV" });
    await article.waitFor();
    await expectOnPhoneScreen(page, article);
    await capture(page, "help");

    await article.click();
    await page.getByRole("heading", { name: "Export a study's data as CSV" }).waitFor();
    await expectOnPhoneScreen(page);
    await capture(page, "help-article");
  });

  it("a study coordinator's sandbox pages pass the gate, with a subject's actions on screen", async () => {
    const { subjectNumber } = await enrolSubjectInCohort1(browser);
    const page = await signedIn(width, "admin@northwind.example");
    await page.goto("/sandbox/studies");
    await passAgreementGate(page, "study-table");
    await expectOnPhoneScreen(page);
    await capture(page, "sandbox-studies");

    await page.getByTestId("study-table").getByRole("link", { name: "NW-101" }).click();
    await page.getByRole("tab", { name: "Subjects" }).click();
    const subject = page.getByTestId("enrolments").getByRole("row").filter({ hasText: subjectNumber });
    await expectOnPhoneScreen(
      page,
      subject.getByRole("button", { name: "Complete" }),
      subject.getByRole("button", { name: "Withdraw" }),
    );
    await capture(page, "sandbox-study-subjects");

    await page.goto("/sandbox/volunteers");
    await page.getByRole("table").first().waitFor();
    await expectOnPhoneScreen(page);
    await capture(page, "sandbox-volunteers");
  });

  it("staff's organisations page passes the gate, with each organisation's members and domains on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/admin/organisations");
    const organisations = page.getByTestId("organisations-table");
    const northwind = organisations.getByRole("row").filter({ hasText: "Northwind Research Unit" });
    await expectOnPhoneScreen(
      page,
      organisations.getByRole("columnheader", { name: "Members" }),
      organisations.getByRole("columnheader", { name: "Domains" }),
      northwind.getByRole("button", { name: "Edit" }),
    );
    await capture(page, "admin-organisations");
  });

  it("staff's service-level and report pages pass the gate, with the policy form and the report on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/desk/sla");
    const zone = page.getByLabel("Time zone");
    await zone.waitFor();
    await expectOnPhoneScreen(page, zone, page.getByRole("button", { name: "Save service levels" }));
    await capture(page, "desk-sla");
    await page.goto("/desk/reports");
    await page.getByTestId("sla-report").waitFor();
    await expectOnPhoneScreen(page, page.getByRole("link", { name: "Download CSV" }));
    await capture(page, "desk-reports");
  });

  it("staff's macros page passes the gate, with the form and the shared macros on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/desk/macros");
    const name = page.getByLabel("Name");
    await page.getByText("Ask for steps to reproduce").waitFor();
    await expectOnPhoneScreen(page, name, page.getByRole("button", { name: "Add macro" }));
    await capture(page, "desk-macros");
  });

  it("staff's ticket forms page passes the gate, with the type's fields and the new field form on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/desk/forms");
    await page.getByText("Steps to reproduce").waitFor();
    await expectOnPhoneScreen(page, page.getByRole("button", { name: "Add field" }));
    await capture(page, "desk-forms");
  });

  it("staff's product environment page passes the gate, with each part's connection on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/admin/sandbox/product");
    const provisioning = page.getByTestId("product-part").filter({ hasText: "Provisioning (SCIM)" });
    await provisioning.getByText("PRODUCT_SCIM_URL").waitFor();
    await expectOnPhoneScreen(page, provisioning.getByText("Not connected", { exact: true }));
    await capture(page, "admin-sandbox-product");
  });

  it("staff's help article editor passes the gate, with its fields on screen", async () => {
    const page = await signedIn(width, "staff@vendor.example");
    await page.goto("/help/articles/new");
    const title = page.getByLabel("Title");
    await title.waitFor();
    await expectOnPhoneScreen(page, title, page.getByRole("button", { name: "Save" }));
    await capture(page, "help-editor");
  });
});
