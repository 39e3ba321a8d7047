import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const phoneWidth = 390;

async function signedIn(email: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(browser, viewport);
  await signIn(page, email);
  return page;
}

const ticketSubjects = async (page: Page) =>
  (await api<{ tickets: { subject: string }[] }>(page, "GET", "/api/desk/tickets")).tickets.map(
    (ticket) => ticket.subject,
  );

describe("the knowledge base", () => {
  it("suggests an article while a customer writes a ticket; it answers the question and no ticket is sent", async () => {
    const customer = await signedIn("member@contoso.example", { width: phoneWidth, height: 860 });
    const before = await ticketSubjects(customer);

    await customer.goto("/desk/new");
    await customer.getByLabel("Subject").fill("How do I export a study");
    const suggestion = customer.getByRole("link", { name: "Export a study's data as CSV" });
    await suggestion.waitFor();
    await screenshot(customer, "knowledge-suggestions-390");
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      phoneWidth,
    );

    await suggestion.click();
    await customer.getByRole("heading", { name: "Export a study's data as CSV" }).waitFor();
    // The draft waits while the article is read.
    await customer.getByRole("link", { name: "Back to my ticket" }).click();
    await customer.getByLabel("Subject").waitFor();
    await expect.poll(() => customer.getByLabel("Subject").inputValue()).toBe("How do I export a study");

    await customer.getByRole("link", { name: "Export a study's data as CSV" }).click();
    await customer.getByRole("button", { name: "This answered my question" }).click();
    await customer.getByText("Your question is answered").waitFor();
    await screenshot(customer, "knowledge-answered-390");

    expect(await ticketSubjects(customer)).toEqual(before);
    await customer.goto("/desk/new");
    expect(await customer.getByLabel("Subject").inputValue()).toBe("");

    const staff = await signedIn("staff@vendor.example");
    const { articles } = await api<{ articles: { id: string; title: string }[] }>(
      staff,
      "GET",
      "/api/knowledge/articles",
    );
    const answered = articles.find((article) => article.title === "Export a study's data as CSV");
    await staff.goto(`/help/articles/${answered?.id}`);
    await staff.getByText(/Answered the question: 1/).waitFor();
  });

  it("lets staff turn a ticket comment into a draft article in one click, linked back to the ticket", async () => {
    const staff = await signedIn("staff@vendor.example");
    await staff.goto("/desk");
    await staff
      .getByRole("link", { name: /Study build fails to publish/ })
      .first()
      .click();
    const answer = staff.getByTestId("comment").filter({ hasText: "we can reproduce it" });
    await answer.getByRole("button", { name: "Make help article" }).click();
    await staff.getByRole("heading", { name: /Edit “Study build fails to publish/ }).waitFor();
    expect(await staff.getByLabel("Article").first().inputValue()).toContain("we can reproduce it");
    await screenshot(staff, "knowledge-editor");

    await staff.getByRole("link", { name: "View the article" }).click();
    const source = staff.getByRole("link", { name: /From ticket #\d+/ });
    await source.waitFor();
    await source.click();
    await staff.waitForURL(/\/desk\/tickets\//);
  });

  it("never shows a staff-only article to a customer, by list, page or search", async () => {
    const staff = await signedIn("staff@vendor.example");
    await staff.goto("/help");
    const staffOnly = staff.getByRole("link", {
      name: "Unlocking an account after repeated failed sign-ins",
    });
    await staffOnly.waitFor();
    await screenshot(staff, "knowledge-staff");
    const path = await staffOnly.getAttribute("href");

    const customer = await signedIn("member@northwind.example", { width: phoneWidth, height: 860 });
    await customer.goto("/help");
    await customer.getByRole("link", { name: "Reset your password" }).waitFor();
    expect(await customer.getByText("Unlocking an account").count()).toBe(0);
    await screenshot(customer, "knowledge-390");
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      phoneWidth,
    );

    await customer.goto(path ?? "/help/articles/missing");
    await customer.getByRole("heading", { name: "Article not found" }).waitFor();

    // Both articles speak of passwords; the customer's search finds only theirs.
    await customer.goto(`/search?q=password&kind=article`);
    await customer.getByText("Reset your password").first().waitFor();
    expect(await customer.getByText("Unlocking an account").count()).toBe(0);
  });

  it("shows a customer an article the moment it is published, and never one written for staff", async () => {
    const customer = await signedIn("member@contoso.example");
    await customer.goto("/help");
    await customer.getByRole("link", { name: "Reset your password" }).waitFor();

    const staff = await signedIn("staff@vendor.example");
    const { categories } = await api<{ categories: { id: string }[] }>(
      staff,
      "GET",
      "/api/knowledge/categories",
    );
    const write = (title: string, audience: string) =>
      api(staff, "POST", "/api/admin/knowledge/articles", {
        title,
        body: "Written while the list was open.",
        categoryId: categories[0]?.id,
        status: "published",
        audience,
      });
    await write("Rotating the sandbox API keys", "staff");
    await write("Changing your e-mail address", "members");
    await customer.getByRole("link", { name: "Changing your e-mail address" }).waitFor();
    expect(await customer.getByText("Rotating the sandbox API keys").count()).toBe(0);
  });
});
