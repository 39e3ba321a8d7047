import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, openedDialog, screenshot, signIn } from "../browser.js";
import { choose } from "../sandbox/mantine.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("member-run groups", () => {
  it("a member creates a moderated group; another joins and posts; the post waits until the owner approves it", async () => {
    const owner = await newPage(browser);
    await signIn(owner, "member@northwind.example");
    await owner.goto("/groups");
    await owner.getByRole("button", { name: "New group" }).click();
    const creating = await openedDialog(owner, "New group");
    await creating.getByLabel("Name").fill("Monitoring visit preparation");
    await creating.getByLabel("Handle").fill("site-ops");
    await creating.getByRole("button", { name: "Create group" }).click();
    await creating.getByText("Another group uses this handle; choose another.").waitFor();
    await creating.getByLabel("Handle").fill("monitoring-prep");
    await creating.getByLabel("Description").fill("How sites get ready for **monitoring visits**.");
    await choose(owner, creating.getByLabel("Posting"), "Moderated: every post waits for approval");
    await screenshot(owner, "groups-new");
    await creating.getByRole("button", { name: "Create group" }).click();
    await owner.waitForURL(/\/groups\/monitoring-prep$/);
    await owner
      .getByTestId("group-address")
      .getByText(/^monitoring-prep@/)
      .waitFor();
    await owner.locator("strong", { hasText: "monitoring visits" }).waitFor();
    await screenshot(owner, "groups-home-owner");

    const contoso = await newPage(browser);
    await signIn(contoso, "member@contoso.example");
    await contoso.goto("/groups");
    await contoso.getByLabel("Search groups").fill("monitoring");
    await contoso
      .getByTestId("group-table")
      .getByRole("link", { name: "Monitoring visit preparation" })
      .click();
    await contoso.waitForURL(/\/groups\/monitoring-prep$/);
    await contoso.getByRole("button", { name: "Join the group" }).click();
    await contoso.getByLabel("E-mail delivery").waitFor();
    await contoso.getByRole("button", { name: "New topic" }).click();
    const writing = await openedDialog(contoso, "New topic");
    await writing.getByText("Every post waits for a moderator's approval.").waitFor();
    await writing.getByLabel("Subject").fill("Source data verification checklist");
    await writing
      .getByLabel("Message")
      .fill("We print the **SDV checklist** the day before each visit. #monitoring");
    await writing.getByRole("button", { name: "Start topic" }).click();
    await contoso.waitForURL(/\/groups\/monitoring-prep\/topics\/[0-9a-f-]{36}$/);
    const topicPath = new URL(contoso.url()).pathname;
    const post = contoso.getByTestId("group-message").filter({ hasText: "SDV checklist" });
    await post.getByText("Waiting for approval").waitFor();
    expect(await post.getAttribute("data-status")).toBe("pending");
    await screenshot(contoso, "groups-post-pending");

    await owner.goto("/groups/monitoring-prep/moderation");
    const waiting = owner.getByTestId("queue-item").filter({ hasText: "SDV checklist" });
    await waiting.getByText("Source data verification checklist").waitFor();
    await screenshot(owner, "groups-queue");
    await waiting.getByRole("button", { name: "Approve" }).click();
    await owner.getByText("Nothing waits for approval.").waitFor();
    await owner
      .getByTestId("moderation-log")
      .getByText(/approved/)
      .waitFor();
    await screenshot(owner, "groups-queue-approved");

    await contoso.goto(topicPath);
    const published = contoso.getByTestId("group-message").filter({ hasText: "SDV checklist" });
    await published.locator("strong", { hasText: "SDV checklist" }).waitFor();
    expect(await published.getAttribute("data-status")).toBe("published");
    expect(await published.getByText("Waiting for approval").count()).toBe(0);
    await screenshot(contoso, "groups-post-published");

    await published.getByRole("link", { name: "#monitoring" }).click();
    await contoso.waitForURL(/\/groups\/monitoring-prep\?tag=monitoring$/);
    await contoso.getByTestId("hashtag-results").getByText("Source data verification checklist").waitFor();
    await choose(contoso, contoso.getByLabel("E-mail delivery"), "A daily digest");
    await contoso.getByText("Delivery choice saved.").waitFor();
    await contoso.reload();
    expect(await contoso.getByLabel("E-mail delivery").inputValue()).toBe("A daily digest");
    await screenshot(contoso, "groups-hashtag-delivery");

    await owner.goto("/groups/monitoring-prep/settings");
    await owner.getByLabel("Guidelines").fill("Share what worked; never share subject data.");
    await owner.getByRole("button", { name: "Save settings" }).click();
    await owner.getByText("Settings saved.").waitFor();
    await owner.getByRole("tab", { name: "Topics" }).click();
    await owner.getByText("never share subject data").waitFor();

    await owner.goto("/groups/monitoring-prep/members");
    await owner
      .getByTestId("member-row")
      .filter({ hasText: "Contoso Clinical" })
      .getByText("Active")
      .waitFor();
    await screenshot(owner, "groups-members");
  });

  it("a moderator of the demo group pins and locks a topic; members see it first and cannot reply", async () => {
    const moderator = await newPage(browser);
    await signIn(moderator, "member@contoso.example");
    await moderator.goto("/groups/site-ops");
    await moderator
      .getByTestId("topic-table")
      .getByRole("link", { name: "Centrifuge downtime and sample stability" })
      .click();
    await moderator.waitForURL(/\/groups\/site-ops\/topics\/[0-9a-f-]{36}$/);
    const topicPath = new URL(moderator.url()).pathname;
    await moderator.getByRole("button", { name: "Pin", exact: true }).click();
    await moderator.getByRole("button", { name: "Unpin" }).waitFor();
    await moderator.getByRole("button", { name: "Lock", exact: true }).click();
    await moderator.getByRole("button", { name: "Unlock" }).waitFor();
    await screenshot(moderator, "groups-topic-moderator");
    await moderator.getByRole("link", { name: "All topics" }).click();
    await moderator
      .getByTestId("topic-row")
      .first()
      .getByText("Centrifuge downtime and sample stability")
      .waitFor();
    await screenshot(moderator, "groups-demo-topics");

    const member = await newPage(browser);
    await signIn(member, "admin@northwind.example");
    await member.goto(topicPath);
    await member.getByText("This topic is locked: no new replies.").waitFor();
    expect(await member.getByLabel("Your reply").count()).toBe(0);
    expect(await member.getByRole("button", { name: "Pin", exact: true }).count()).toBe(0);
    expect(await member.getByRole("tab", { name: "Moderation" }).count()).toBe(0);
    // Only owners change settings: nobody else is offered a tab that would only refuse them.
    await member.getByRole("tab", { name: "Topics" }).waitFor();
    expect(await member.getByRole("tab", { name: "Settings" }).count()).toBe(0);
  });

  it("staff who are not an owner cannot open a group's settings: the page says so and the API answers 403", async () => {
    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    await staff.goto("/groups/monitoring-prep/settings");
    await staff.getByText("Only the group's owners change its settings.").waitFor();
    expect(await staff.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    await screenshot(staff, "groups-settings-staff");

    const status = await staff.evaluate(async () => {
      const response = await fetch("/api/groups/monitoring-prep", {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-convene-csrf": "1" },
        body: JSON.stringify({ postingPolicy: "all" }),
      });
      return response.status;
    });
    expect(status).toBe(403);
  });
});
