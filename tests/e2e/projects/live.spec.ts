import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, exactLabel, expectAccessible, launchBrowser, newPage, screenshot, signIn } from "../browser.js";

const PROJECT = "Pharmacy preview feedback";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

async function demoProjectId(page: Page): Promise<string> {
  const { projects } = await api<{ projects: { id: string; name: string }[] }>(page, "GET", "/api/projects");
  const project = projects.find((candidate) => candidate.name === PROJECT);
  if (!project) throw new Error(`No ${PROJECT} project in the demo`);
  return project.id;
}

describe("a live project document", () => {
  it("shows its reader who is editing it, then that a newer version was saved, with the changes, until they show it", async () => {
    const reader = await newPage(browser);
    await signIn(reader, "member@northwind.example");
    const projectId = await demoProjectId(reader);
    const document = await api<{ id: string }>(reader, "POST", `/api/projects/${projectId}/documents`, {
      title: "Storage temperatures",
      body: "Keep between 2 and 8 °C.",
    });
    const address = `/projects/${projectId}/documents?document=${document.id}`;
    await reader.goto(address);
    await reader.getByTestId("document-body").getByText("Keep between 2 and 8 °C.").waitFor();

    const writer = await newPage(browser);
    await signIn(writer, "member@contoso.example");
    await writer.goto(`${address}&mode=edit`);
    const editors = reader.getByTestId("document-editors");
    await editors.getByText("Cora Member is editing this document.").waitFor();

    await writer.getByLabel(exactLabel("Text")).fill("Keep between 2 and 8 °C.\nLog the fridge twice a day.");
    await writer.getByRole("button", { name: "Save", exact: true }).click();
    await writer.getByText("Version 2, saved by").waitFor();

    // The reader keeps reading version 1 and is told of version 2.
    const notice = reader.getByTestId("newer-version");
    await notice.getByText("Cora Member saved version 2 while you were reading version 1.").waitFor();
    expect(await reader.getByTestId("document-body").textContent()).not.toContain("Log the fridge");
    await expect.poll(() => editors.textContent()).toBe("");
    await notice.getByRole("button", { name: "Compare" }).click();
    await notice.locator('[data-diff="insert"]').first().waitFor();
    expect(await notice.locator('[data-diff="insert"]').allTextContents()).toEqual([
      "+ Log the fridge twice a day.",
    ]);
    await expectAccessible(reader, "a document with a newer version saved by someone else");
    await screenshot(reader, "projects-document-newer-version");

    await notice.getByRole("button", { name: "Show version 2" }).click();
    await reader.getByTestId("document-body").getByText("Log the fridge twice a day.").waitFor();
    await notice.waitFor({ state: "detached" });
    await reader.getByText("Version 2, saved by").waitFor();
  });
});
