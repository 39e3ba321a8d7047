import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("publishing a release", () => {
  it("staff publish the 26.3 draft; a member sees it live in #announcements, and it is in the feed and on the public page", async () => {
    const member = await newPage(browser);
    await signIn(member, "member@contoso.example");
    await member.goto("/chat");
    await member
      .getByTestId("channel-list")
      .getByRole("link", { name: /announcements/ })
      .first()
      .click();

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/admin/releases");
    await staff.getByRole("link", { name: "26.3" }).click();
    await staff.getByLabel("Version").waitFor();
    await screenshot(staff, "release-editor");
    // The preview draws the Slack message as Slack shows it; its JSON is one click away.
    await staff.getByRole("button", { name: "Preview" }).click();
    const slack = staff.getByTestId("preview-slack-message");
    await slack.waitFor();
    expect(await slack.textContent()).toContain("Read the release notes");
    expect(await slack.textContent()).not.toContain('"blocks"');
    await staff.getByRole("button", { name: "Show the JSON" }).click();
    expect(await staff.getByTestId("preview-slack").textContent()).toContain('"blocks"');
    await screenshot(staff, "release-preview");
    await staff.getByRole("button", { name: "Publish" }).click();
    await (await openedDialog(staff)).getByRole("button", { name: "Publish" }).click();
    await staff
      .getByText(/published/i)
      .first()
      .waitFor();

    await member.getByTestId("message").filter({ hasText: "26.3" }).first().waitFor();
    await screenshot(member, "chat-announcements-release");

    const feed = await member.evaluate(async () => (await fetch("/releases.atom")).text());
    expect(feed).toContain("<feed");
    expect(feed).toContain("26.3");

    const visitor = await newPage(browser);
    await visitor.goto("/releases");
    await visitor.getByText("26.3").first().waitFor();
    await screenshot(visitor, "releases");
  });
});
