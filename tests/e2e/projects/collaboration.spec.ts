import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { choose } from "../sandbox/mantine.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Opens a project from the list of one's projects, as a person would. */
async function openProject(page: Page, name: string): Promise<void> {
  await page.goto("/projects");
  await page.getByTestId("project-table").getByRole("link", { name, exact: true }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
}

describe("collaboration projects", () => {
  it("staff create a project for two organisations; their members see it, another organisation does not", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/projects");
    await staff.getByRole("button", { name: "New project" }).click();
    const form = await openedDialog(staff, "New project");
    await form.getByLabel("Name").fill("Label printing pilot");
    await form
      .getByLabel("Purpose")
      .fill("Try the **new label layouts** on real printers and tell us what breaks.");
    await form.getByLabel("Ends on").fill("2027-06-30");
    await screenshot(staff, "projects-new");
    await form.getByRole("button", { name: "Create project" }).click();
    await staff.waitForURL(/\/projects\/[0-9a-f-]{36}/);
    const projectPath = new URL(staff.url()).pathname;
    await staff.locator("strong", { hasText: "new label layouts" }).waitFor();

    await staff.getByRole("button", { name: "Add a person or organisation" }).click();
    const adding = await openedDialog(staff, "Add to the project");
    for (const organisation of ["Northwind Research Unit", "Contoso Clinical"]) {
      await choose(staff, adding.getByLabel("Organisation"), organisation);
      await adding.getByRole("button", { name: "Add organisation" }).click();
      await staff.getByTestId("participants").getByText(organisation).waitFor();
    }
    await adding.getByRole("button", { name: "Done" }).click();
    await screenshot(staff, "projects-participants");

    const northwind = await newPage(browser);
    await signIn(northwind, "member@northwind.example");
    await openProject(northwind, "Label printing pilot");
    expect(new URL(northwind.url()).pathname).toBe(projectPath);
    await northwind.getByTestId("participants").getByText("Contoso Clinical").waitFor();
    expect(await northwind.getByRole("button", { name: "Add a person or organisation" }).count()).toBe(0);
    await screenshot(northwind, "projects-member-view");

    const fabrikam = await newPage(browser);
    await signIn(fabrikam, "dev@fabrikam.example");
    await fabrikam.goto("/projects");
    await fabrikam.getByRole("heading", { name: "My projects", exact: true }).waitFor();
    await fabrikam
      .getByTestId("project-table")
      .or(fabrikam.getByText("You take part in no project yet"))
      .waitFor();
    expect(await fabrikam.getByRole("link", { name: "Label printing pilot" }).count()).toBe(0);
    await fabrikam.goto(projectPath);
    await fabrikam.getByText("There is no such project, or you do not take part in it.").waitFor();
    await screenshot(fabrikam, "projects-outsider");
  });

  it("a customer asks a question, a member of another organisation answers, and the customer sees the answer", async () => {
    const northwind = await newPage(browser);
    await signIn(northwind, "member@northwind.example");
    await openProject(northwind, "Pharmacy preview feedback");
    await northwind.getByRole("button", { name: "New post" }).click();
    const writing = await openedDialog(northwind, "New post");
    await choose(northwind, writing.getByLabel("Category"), "Question");
    await writing.getByLabel("Title").fill("Do returned containers go back to stock?");
    await writing
      .getByLabel("Post")
      .fill("When a subject returns **unused** containers, can they be dispensed again?");
    await writing.getByRole("button", { name: "Post", exact: true }).click();
    await northwind.getByTestId("post").locator("strong", { hasText: "unused" }).waitFor();
    await screenshot(northwind, "projects-question");

    const contoso = await newPage(browser);
    await signIn(contoso, "member@contoso.example");
    await openProject(contoso, "Pharmacy preview feedback");
    await contoso
      .getByTestId("post-row")
      .filter({ hasText: "Do returned containers go back to stock?" })
      .click();
    await contoso.getByLabel("Your comment").fill("We quarantine them first; they never go straight back.");
    await contoso.getByRole("button", { name: "Comment", exact: true }).click();
    await contoso.getByTestId("project-comment").filter({ hasText: "We quarantine them first" }).waitFor();
    await screenshot(contoso, "projects-answer");

    await northwind.reload();
    await northwind
      .getByTestId("project-comment")
      .filter({ hasText: "We quarantine them first" })
      .filter({ hasText: "Cora Member" })
      .waitFor();
    await screenshot(northwind, "projects-answer-seen");
  });
});
