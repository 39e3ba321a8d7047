import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactLabel, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { choose } from "../sandbox/mantine.js";

const PROJECT = "Pharmacy preview feedback";
const DOCUMENT = "Pharmacy preview: dispensing workflow notes";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Opens the demo project from the list of one's projects, as a person would. */
async function openProject(page: Page): Promise<void> {
  await page.goto("/projects");
  await page.getByTestId("project-table").getByRole("link", { name: PROJECT, exact: true }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
}

/** Writes a post on the open project's board and waits until it is open beside the list. */
async function writePost(
  page: Page,
  post: { title: string; body: string; visibleTo?: "Product team only" },
): Promise<void> {
  await page.getByRole("button", { name: "New post" }).click();
  const writing = await openedDialog(page, "New post");
  await choose(page, writing.getByLabel("Category"), "FYI");
  if (post.visibleTo) await choose(page, writing.getByLabel("Visible to"), post.visibleTo);
  await writing.getByLabel("Title").fill(post.title);
  await writing.getByLabel("Post").fill(post.body);
  await writing.getByRole("button", { name: "Post", exact: true }).click();
  await page.getByTestId("post").getByText(post.title).waitFor();
}

/** Types into a search box and returns the titles of the hits once they have arrived. */
async function searchFor(page: Page, box: "Search my projects" | "Search this project", text: string) {
  await page.getByRole("searchbox", { name: box }).fill(text);
  const results = page.getByTestId("search-results");
  // The previous word's hits stay up while the next search runs: wait for hits that mention this one.
  const matching = results.getByTestId("search-hit").filter({ hasText: new RegExp(text, "i") });
  await matching
    .or(results.getByText(`Nothing matches “${text}”.`))
    .first()
    .waitFor();
  return results;
}

describe("project search", () => {
  it("finds a project post for a customer and opens it, but shows staff-only posts to the product team alone", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await openProject(staff);
    // One word in both posts, and one word only in the staff-only post.
    await writePost(staff, {
      title: "Internal: quillwort rollout risks",
      body: "The bramblefinch migration may slip; keep the quillwort date to ourselves.",
      visibleTo: "Product team only",
    });
    await writePost(staff, {
      title: "Quillwort labels are live",
      body: "Print the new quillwort labels from the **pharmacy** menu.",
    });

    const customer = await newPage(browser);
    await signIn(customer, "member@contoso.example");
    await customer.goto("/projects");
    const customerHits = await searchFor(customer, "Search my projects", "quillwort");
    const hit = customerHits.getByTestId("search-hit");
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.textContent()).toContain("Quillwort labels are live");
    expect(await hit.textContent()).toContain(PROJECT);
    await screenshot(customer, "projects-search-customer");
    // Neither the staff-only post's own word nor the demo's staff-only post is found by a customer.
    for (const staffOnlyWord of ["bramblefinch", "two sprints"]) {
      const nothing = await searchFor(customer, "Search my projects", staffOnlyWord);
      expect(await nothing.getByTestId("search-hit").count()).toBe(0);
    }

    await searchFor(customer, "Search my projects", "quillwort");
    await hit.getByRole("link", { name: "Quillwort labels are live" }).click();
    await customer.waitForURL(/\/projects\/[0-9a-f-]{36}\/board\?post=/);
    await customer.getByTestId("post").locator("strong", { hasText: "pharmacy" }).waitFor();
    await screenshot(customer, "projects-search-opened");

    const staffHits = await searchFor(staff, "Search this project", "quillwort");
    await staffHits.getByTestId("search-hit").nth(1).waitFor();
    expect(await staffHits.getByTestId("search-hit").count()).toBe(2);
    const staffOnlyHit = staffHits
      .getByTestId("search-hit")
      .filter({ hasText: "Internal: quillwort rollout risks" });
    await staffOnlyHit.getByText("Product team only").waitFor();
    const demoStaffOnly = await searchFor(staff, "Search this project", "two sprints");
    await demoStaffOnly.getByRole("link", { name: "Internal: storage locations estimate" }).waitFor();
    await searchFor(staff, "Search this project", "quillwort");
    await screenshot(staff, "projects-search-staff");
  });
});

describe("new post", () => {
  it("starts from the defaults every time: a staff-only post does not make the next post staff-only", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await openProject(staff);
    await staff.getByRole("button", { name: "New post" }).click();
    const writing = await openedDialog(staff, "New post");
    await choose(staff, writing.getByLabel("Visible to"), "Product team only");
    await writing.getByLabel("Title").fill("Internal: label printer budget");
    await writing.getByLabel("Post").fill("Keep the label printer budget between us for now.");
    await writing.getByRole("button", { name: "Post", exact: true }).click();
    // Opened again at once, while the dialog is still fading out: the same form must not come back.
    await staff.getByText("Posted.").waitFor();
    await staff.getByRole("button", { name: "New post" }).dispatchEvent("click");
    expect(await writing.getByLabel("Visible to").inputValue()).toBe("Everyone in the project");
    expect(await writing.getByLabel("Title").inputValue()).toBe("");
    expect(await writing.getByLabel("Post").inputValue()).toBe("");
    await screenshot(staff, "projects-new-post-defaults");
  });
});

describe("post editing", () => {
  it("lets the author change a post's title and text; the board shows the new text and when it was edited", async () => {
    const northwind = await newPage(browser);
    await signIn(northwind, "member@northwind.example");
    await openProject(northwind);
    await writePost(northwind, {
      title: "Fridge alarm at night",
      body: "The pharmacy fridge alarm went off once.",
    });
    const post = northwind.getByTestId("post");
    expect(await post.getByText(/^Edited /).count()).toBe(0);

    await post.getByRole("button", { name: "Edit", exact: true }).click();
    const editing = await openedDialog(northwind, "Edit post");
    await editing.getByLabel("Title").fill("Fridge alarm went off twice at night");
    await editing.getByLabel("Post").fill("The pharmacy fridge alarm went off **twice**; both logged.");
    await screenshot(northwind, "projects-post-editing");
    await editing.getByRole("button", { name: "Save changes" }).click();
    await editing.waitFor({ state: "detached" });

    await post.locator("strong", { hasText: "twice" }).waitFor();
    await post.getByText("Fridge alarm went off twice at night").waitFor();
    await post.getByText(/^Edited /).waitFor();
    await northwind
      .getByTestId("post-row")
      .filter({ hasText: "Fridge alarm went off twice at night" })
      .waitFor();
    expect(
      await northwind.getByTestId("post-row").getByText("Fridge alarm at night", { exact: true }).count(),
    ).toBe(0);
    expect(await post.getByText("went off once").count()).toBe(0);
    await screenshot(northwind, "projects-post-edited");
  });
});

describe("document editor preview", () => {
  it("renders Markdown in the live preview while typing, before anything is saved", async () => {
    const northwind = await newPage(browser);
    await signIn(northwind, "member@northwind.example");
    await openProject(northwind);
    await northwind.getByRole("tab", { name: "Documents" }).click();
    await northwind.getByRole("button", { name: DOCUMENT }).click();
    await northwind.getByText(/Version \d+, saved by/).waitFor();
    const savedVersion = await northwind.getByText(/Version \d+, saved by/).textContent();
    await northwind.getByRole("button", { name: "Edit", exact: true }).click();

    await northwind.getByLabel(exactLabel("Text")).fill("Dispense only **bold** labelled containers.");
    const preview = northwind.getByTestId("document-preview");
    await preview.locator("strong", { hasText: "bold" }).waitFor();
    expect(await preview.locator("strong").textContent()).toBe("bold");
    await screenshot(northwind, "projects-document-preview");

    // Nothing was saved: cancelling shows the document as it was.
    await northwind.getByRole("button", { name: "Cancel" }).click();
    const body = northwind.getByTestId("document-body");
    await body.waitFor();
    expect(await body.locator("strong", { hasText: "bold" }).count()).toBe(0);
    expect(await northwind.getByText(/Version \d+, saved by/).textContent()).toBe(savedVersion);
  });
});
