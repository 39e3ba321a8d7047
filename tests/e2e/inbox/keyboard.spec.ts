import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, DEMO_PASSWORD, joinGeneral, launchBrowser, newPage, signIn } from "../browser.js";
import { tabTo } from "../keyboard.js";

/** Cora Member goes through the inbox by keyboard; Fay Developer mentions her in #general. */
const CORA = "member@contoso.example";
const FAY = "dev@fabrikam.example";
/** Cora's browser is in Berlin: the zone the page suggests is known. */
const BROWSER_ZONE = "Europe/Berlin";

let browser: Browser;
let cora: Page;
let fay: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  cora = await newPage(browser, undefined, { timezoneId: BROWSER_ZONE });
  fay = await newPage(browser);
  await signIn(fay, FAY);
});
afterAll(() => browser?.close());

describe("the inbox with the keyboard alone, the focus visible on every control reached", () => {
  it("signs in", async () => {
    await cora.goto("/sign-in");
    await tabTo(cora, cora.getByLabel("E-mail"));
    await cora.keyboard.type(CORA);
    await tabTo(cora, cora.getByLabel("Password"));
    await cora.keyboard.type(DEMO_PASSWORD);
    await tabTo(cora, cora.getByRole("button", { name: "Sign in", exact: true }));
    await cora.keyboard.press("Enter");
    await cora.getByRole("heading", { name: "For you" }).waitFor();
  });

  it("reaches the bell by Tab and opens For you with it", async () => {
    const channelId = await joinGeneral(fay);
    await joinGeneral(cora);
    await api(fay, "POST", `/api/chat/channels/${channelId}/messages`, {
      clientId: `inbox-keyboard-${Date.now()}`,
      body: `@${CORA} the keyboard-only review is on Thursday.`,
    });
    await cora.goto("/chat");
    await tabTo(cora, cora.getByRole("link", { name: /^Notifications, \d+ unread$/ }));
    await cora.keyboard.press("Enter");
    await cora.getByRole("heading", { name: "For you" }).waitFor();
  });

  it("marks an item read", async () => {
    const entry = cora
      .getByTestId("inbox-entry")
      .filter({ hasText: "the keyboard-only review is on Thursday" });
    await entry.waitFor();
    expect(await entry.getAttribute("data-unread")).not.toBeNull();
    await tabTo(cora, entry.getByRole("button", { name: /^Mark read: / }));
    await cora.keyboard.press("Enter");
    await expect.poll(() => entry.getAttribute("data-unread")).toBeNull();
  });

  it("goes to notification preferences, changes a kind and quiet hours, and saves", async () => {
    await tabTo(cora, cora.getByRole("link", { name: "Preferences" }));
    await cora.keyboard.press("Enter");
    await cora.getByRole("heading", { name: "Notification preferences" }).waitFor();

    const directMessages = cora.getByLabel("A direct message to me");
    expect(await directMessages.inputValue()).toBe("email_batch");
    await tabTo(cora, directMessages);
    // The option above "E-mail if unread".
    await cora.keyboard.press("ArrowUp");
    expect(await directMessages.inputValue()).toBe("email_now");

    await tabTo(cora, cora.getByRole("switch", { name: "Quiet hours" }));
    await cora.keyboard.press("Space");
    const from = cora.getByLabel("From", { exact: true });
    const to = cora.getByLabel("To", { exact: true });
    // An hour down with the arrow key, then the minutes typed: the same in a 12- or 24-hour browser.
    await tabTo(cora, from);
    await cora.keyboard.press("ArrowDown");
    await cora.keyboard.press("ArrowRight");
    await cora.keyboard.type("30");
    await tabTo(cora, to);
    await cora.keyboard.press("ArrowDown");
    await cora.keyboard.press("ArrowRight");
    await cora.keyboard.type("45");
    expect([await from.inputValue(), await to.inputValue()]).toEqual(["21:30", "06:45"]);

    // Cora never chose a time zone: the page fills in her browser's and says so.
    const zone = cora.getByLabel("Time zone", { exact: true });
    expect(await zone.inputValue()).toBe(BROWSER_ZONE);
    await cora.getByText("Filled in from your browser", { exact: false }).waitFor();

    await tabTo(cora, cora.getByRole("button", { name: "Save preferences" }));
    await cora.keyboard.press("Enter");
    await cora.getByText("Your notification preferences are saved.").waitFor();
    const saved = await api<{
      kinds: Record<string, string>;
      quietHours: { from: string; to: string } | null;
      timeZone: string | null;
    }>(cora, "GET", "/api/notifications/preferences");
    expect(saved.kinds["chat.direct"]).toBe("email_now");
    expect(saved.quietHours).toEqual({ from: "21:30", to: "06:45" });
    expect(saved.timeZone).toBe(BROWSER_ZONE);
  });
});
