import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, FileChooser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSourceLabels } from "../../../src/server/modules/imports/contracts/imports.js";
import { writeSlackExport } from "../../../src/server/testing/exports.js";
import { searchKindLabels } from "../../../src/shared/search-query.js";
import { expectAccessible, launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { tabTo } from "../keyboard.js";

const phoneWidth = 390;
const desktop = { width: 1440, height: 900 };

let browser: Browser;
let folder: string;
/** The small Slack workspace export the importers' tests use (src/server/testing/exports.ts). */
let slackZip: string;

beforeAll(async () => {
  browser = await launchBrowser();
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "convene-imports-e2e-"));
  slackZip = await writeSlackExport("imports-e2e");
});
afterAll(async () => {
  await browser.close();
  await fs.rm(folder, { recursive: true, force: true });
  await fs.rm(slackZip, { force: true });
});

/** On a phone, nothing makes the page scroll sideways and each of `locators` is on screen. */
async function expectOnPhoneScreen(page: Page, ...locators: Locator[]): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phoneWidth);
  for (const locator of locators) {
    const box = await locator.boundingBox();
    expect(box, `${locator} is shown`).not.toBeNull();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(phoneWidth);
  }
}

const runStatus = (page: Page, status: string) =>
  page.getByTestId("import-status").filter({ hasText: status });

/** The run page's address once an upload was taken: /admin/imports/<the run's id>. */
const runPage = (url: URL) => /^\/admin\/imports\/[0-9a-f-]{36}$/.test(url.pathname);

async function signedIn(email: string, viewport = desktop): Promise<Page> {
  const page = await newPage(browser, viewport);
  await signIn(page, email);
  return page;
}

describe("importing a Slack workspace export", () => {
  it("staff upload it by keyboard, read the dry run, import it and see where it went", async () => {
    const staff = await signedIn("staff@vendor.example");
    // Listened for from the start: the browser is told to hand file choosers to the spec when the
    // first listener is added, and a key pressed before it heard that opens no chooser at all.
    const chooser = new Promise<FileChooser>((resolve) => staff.once("filechooser", resolve));
    await staff.goto("/");
    await staff.getByRole("navigation").getByRole("link", { name: "Imports" }).first().click();
    await staff.waitForURL((url) => url.pathname === "/admin/imports");
    await staff.getByRole("heading", { name: "Imports", level: 1 }).waitFor();
    await expectAccessible(staff, "the imports page");
    await staff.getByText("No imports yet.").waitFor();

    // The source by the arrows: the group handle is asked for Groups.io only.
    const slack = staff.getByRole("radio", { name: importSourceLabels.slack });
    expect(await slack.isChecked()).toBe(true);
    expect(
      await staff
        .getByRole("radio", { name: "Create placeholder accounts they claim when they join" })
        .isChecked(),
    ).toBe(true);
    await tabTo(staff, slack);
    await staff.keyboard.press("ArrowDown");
    expect(await staff.getByRole("radio", { name: importSourceLabels.groupsio }).isChecked()).toBe(true);
    const handle = staff.getByRole("textbox", { name: /^Group handle/ });
    await handle.waitFor();
    expect(await staff.locator('input[type="file"]').getAttribute("accept")).toContain(".mbox");
    await screenshot(staff, "imports-upload-groupsio");
    await staff.keyboard.press("ArrowUp");
    await handle.waitFor({ state: "detached" });
    expect(await staff.locator('input[type="file"]').getAttribute("accept")).not.toContain(".mbox");

    // The file, chosen from the keyboard too: Enter on the field opens the system's chooser.
    const fileField = staff.getByRole("button", { name: /^Export file/ });
    await tabTo(staff, fileField);
    await staff.keyboard.press("Enter");
    const opened = await Promise.race([
      chooser,
      new Promise<null>((resolve) => setTimeout(resolve, 10_000, null)),
    ]);
    expect(opened, "Enter on the file field opens the file chooser").not.toBeNull();
    await opened?.setFiles(slackZip);
    await fileField.getByText(path.basename(slackZip)).waitFor();
    await tabTo(staff, staff.getByRole("button", { name: "Upload and survey" }));
    await staff.keyboard.press("Enter");
    await staff.waitForURL(runPage);

    // The dry run's report, once the survey has read the export.
    await runStatus(staff, "Ready to import").waitFor();
    const counts = staff.getByTestId("import-counts");
    await counts.getByRole("row", { name: "Messages 8", exact: true }).waitFor();
    await counts.getByRole("row", { name: "Files in export 1", exact: true }).waitFor();
    await counts.getByRole("row", { name: "Private channels 1", exact: true }).waitFor();
    const people = staff.getByTestId("import-people");
    await people.getByTestId("import-unmatched").getByText("Nia Newcomer").waitFor();
    await people.getByTestId("import-new-organisations").getByText("acme-labs.example").waitFor();
    await staff.getByRole("heading", { name: /^What cannot come over \(\d+\)$/ }).waitFor();
    await screenshot(staff, "imports-report");

    await staff.getByRole("button", { name: "Import", exact: true }).click();
    const imported = staff.getByTestId("import-imported");
    await imported.waitFor({ timeout: 30_000 });
    expect(await imported.textContent()).toMatch(/8 items were imported/);
    await runStatus(staff, "Imported").waitFor();
    expect(await imported.getByRole("link", { name: "Open chat" }).getAttribute("href")).toBe("/chat");
    await screenshot(staff, "imports-imported");

    // The list keeps the run, with its status.
    await staff.getByRole("link", { name: "All imports" }).click();
    await staff.waitForURL((url) => url.pathname === "/admin/imports");
    const run = staff
      .getByTestId("import-runs")
      .getByRole("row")
      .filter({ hasText: path.basename(slackZip) });
    await run.getByTestId("import-status").filter({ hasText: "Imported" }).waitFor();
    expect(await run.textContent()).toContain(importSourceLabels.slack);
    await screenshot(staff, "imports-list");
  });

  it("a member finds the imported thread through search and sees its reactions", async () => {
    const member = await signedIn("member@northwind.example");
    await member.goto("/");
    await member.keyboard.press("Control+K");
    const palette = await openedDialog(member, "Search");
    await palette.getByRole("combobox", { name: "Search Convene" }).fill("titration");
    const hit = palette
      .getByRole("group", { name: searchKindLabels.message, exact: true })
      .getByRole("option")
      .filter({ hasText: "Cohort B" })
      .first();
    await hit.click();
    await member.waitForURL((url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname));

    const root = member.getByTestId("message").filter({ hasText: "Cohort B titration" }).first();
    await root.waitFor();
    await root.getByRole("button", { name: /^👍 2,/ }).waitFor();
    await root.getByRole("button", { name: "2 replies" }).click();
    await member.getByText("Thanks, the titration table helps").waitFor();
    await expectAccessible(member, "the imported thread");
    await screenshot(member, "imports-slack-thread");
  });
});

/** The group a Groups.io archive goes into: made by the import, as it names no existing group. */
const groupHandle = "bench-lab";
const topicSubject = "Spectrophotometer drift after the lamp change";

/** One message of an mbox as Groups.io writes it: separator, headers, blank line, body. */
const mail = (separator: string, headers: string[], body: string) =>
  [`From ${separator}`, ...headers, "", body, ""].join("\n");

/** A Groups.io message archive of one topic: a question and its answer, threaded by In-Reply-To. */
const groupsioArchive = [
  mail(
    "member@northwind.example Mon Mar  1 10:00:00 2021",
    [
      "Date: Mon, 01 Mar 2021 10:00:00 +0000",
      'From: "Ned Member" <member@northwind.example>',
      "To: benchlab@groups.io",
      `Subject: [benchlab] ${topicSubject}`,
      "Message-ID: <drift-1@mail.northwind.example>",
      'List-Id: "Bench lab" <benchlab.groups.io>',
      "Content-Type: text/plain; charset=utf-8",
    ],
    "Since the lamp change our spectrophotometer reads 3% high on the blank. Anyone seen this?",
  ),
  mail(
    "admin@northwind.example Mon Mar  1 12:00:00 2021",
    [
      "Date: Mon, 01 Mar 2021 12:00:00 +0000",
      'From: "Nora Admin" <admin@northwind.example>',
      "To: benchlab@groups.io",
      `Subject: Re: [benchlab] ${topicSubject}`,
      "Message-ID: <drift-2@mail.northwind.example>",
      "In-Reply-To: <drift-1@mail.northwind.example>",
      "References: <drift-1@mail.northwind.example>",
      'List-Id: "Bench lab" <benchlab.groups.io>',
      "Content-Type: text/plain; charset=utf-8",
    ],
    "Let the new lamp warm up for thirty minutes, then recalibrate with the reference cuvettes.",
  ),
].join("\n");

describe("importing a Groups.io group archive", () => {
  it("staff upload an mbox into a group named by its handle, and import it", async () => {
    const mbox = path.join(folder, "bench-lab.mbox");
    await fs.writeFile(mbox, groupsioArchive);
    const staff = await signedIn("staff@vendor.example");
    await staff.goto("/admin/imports");
    // A file that is not the chosen tool's export is refused on its field, and no run is made.
    await staff.locator('input[type="file"]').setInputFiles(mbox);
    await staff.getByRole("button", { name: "Upload and survey" }).click();
    await staff.getByText(/^This is not a Slack .*\(a zip file\)\.$/).waitFor();
    await expectAccessible(staff, "the upload form with a refused file");
    expect(new URL(staff.url()).pathname).toBe("/admin/imports");

    await staff.getByRole("radio", { name: importSourceLabels.groupsio }).check();
    await staff.locator('input[type="file"]').setInputFiles(mbox);
    // The handle is asked before anything is sent.
    await staff.getByRole("button", { name: "Upload and survey" }).click();
    await staff.getByText("Name the group the archive goes into (its handle).").waitFor();
    await expectAccessible(staff, "the upload form with a missing group handle");
    await staff.getByRole("textbox", { name: /^Group handle/ }).fill(groupHandle);
    await staff.getByRole("button", { name: "Upload and survey" }).click();
    await staff.waitForURL(runPage);

    await runStatus(staff, "Ready to import").waitFor();
    const counts = staff.getByTestId("import-counts");
    await counts.getByRole("row", { name: "Topics 1", exact: true }).waitFor();
    await counts.getByRole("row", { name: "Messages 2", exact: true }).waitFor();
    await staff.getByText(groupHandle, { exact: true }).waitFor();
    await screenshot(staff, "imports-groupsio-report");

    await staff.getByRole("button", { name: "Import", exact: true }).click();
    const imported = staff.getByTestId("import-imported");
    await imported.waitFor({ timeout: 30_000 });
    expect(await imported.textContent()).toMatch(/2 items were imported/);
    const group = imported.getByRole("link", { name: "Open the group" });
    expect(await group.getAttribute("href")).toBe(`/groups/${groupHandle}`);
    await group.click();
    await staff.waitForURL((url) => url.pathname === `/groups/${groupHandle}`);
    await staff.getByTestId("topic-table").getByRole("link", { name: topicSubject }).waitFor();
  });

  it("a member joins the group and finds the topic through search", async () => {
    const member = await signedIn("member@northwind.example");
    await member.goto(`/groups/${groupHandle}`);
    await member.getByRole("button", { name: "Join the group" }).click();
    await member.getByTestId("topic-table").waitFor();

    await member.goto("/search?q=spectrophotometer");
    await member
      .getByRole("region", { name: searchKindLabels.topic, exact: true })
      .getByRole("link", { name: topicSubject })
      .click();
    await member.waitForURL((url) =>
      new RegExp(`^/groups/${groupHandle}/topics/[0-9a-f-]{36}$`).test(url.pathname),
    );
    const messages = member.getByTestId("group-message");
    await messages.filter({ hasText: "recalibrate with the reference cuvettes" }).waitFor();
    expect(await messages.count()).toBe(2);
    await expectAccessible(member, "the imported topic");
    await screenshot(member, "imports-groupsio-topic");
  });
});

describe(`the imports pages on a ${phoneWidth} px phone`, () => {
  it("fit the screen: the upload, the list's status, and a run's report", async () => {
    const phone = await signedIn("staff@vendor.example", { width: phoneWidth, height: 844 });
    await phone.goto("/admin/imports");
    const upload = phone.getByRole("button", { name: "Upload and survey" });
    const runs = phone.getByTestId("import-runs");
    await runs.waitFor();
    await expectOnPhoneScreen(
      phone,
      upload,
      phone.getByRole("button", { name: /^Export file/ }),
      runs.getByRole("columnheader", { name: "Status" }),
      runs.getByTestId("import-status").first(),
    );
    await screenshot(phone, `imports-${phoneWidth}`);

    await runs.getByRole("link").first().click();
    await phone.waitForURL(runPage);
    await phone.getByTestId("import-counts").waitFor();
    await expectOnPhoneScreen(phone, phone.getByTestId("import-status"), phone.getByTestId("import-counts"));
    await screenshot(phone, `imports-run-${phoneWidth}`);
    await phone.context().close();
  });
});
