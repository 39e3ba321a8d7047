import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, signIn } from "../browser.js";

let browser: Browser;
let ned: Page;
let cora: Page;

const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const messageRow = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

async function openChannel(page: Page, name: string): Promise<void> {
  await page.goto("/chat");
  await page
    .getByTestId("channel-list")
    .getByRole("link", { name: new RegExp(`^#?\\s*${name}\\b`) })
    .first()
    .click();
  await page
    .getByRole("heading", { name: new RegExp(name) })
    .first()
    .waitFor();
}

/** Sends with Enter and waits for the message to show (by `shown`, when rendering changes the text). */
async function send(page: Page, text: string, shown = text): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await messageRow(page, shown).first().waitFor();
}

beforeAll(async () => {
  browser = await launchBrowser();
  ned = await newPage(browser);
  cora = await newPage(browser);
  await signIn(ned, "member@northwind.example");
  await signIn(cora, "member@contoso.example");
  await openChannel(ned, "general");
  await openChannel(cora, "general");
});
afterAll(() => browser.close());

describe("chat between two browsers", () => {
  it("each sees the other's messages live, without reloading", async () => {
    await send(ned, "Morning Cora, did the 26.2 upgrade go smoothly?");
    await messageRow(cora, "did the 26.2 upgrade go smoothly").waitFor();
    await send(cora, "Yes, no surprises at all");
    await messageRow(ned, "no surprises at all").waitFor();
    await screenshot(ned, "chat");
  });

  it("shows a reaction and a thread reply live", async () => {
    const row = messageRow(cora, "did the 26.2 upgrade go smoothly").first();
    await row.hover();
    await row.getByRole("button", { name: "Add reaction" }).click();
    await cora.getByRole("button", { name: "React with thumbs up" }).click();
    await messageRow(ned, "did the 26.2 upgrade go smoothly").getByRole("button", { name: /👍 1/ }).waitFor();

    await row.hover();
    await row.getByRole("button", { name: "Reply in thread" }).click();
    const thread = cora.getByTestId("thread-pane");
    await thread.getByRole("textbox", { name: "Reply" }).fill("Only the kiosk needed a restart");
    await thread.getByRole("textbox", { name: "Reply" }).press("Enter");
    await thread.getByText("Only the kiosk needed a restart").waitFor();
    await messageRow(ned, "did the 26.2 upgrade go smoothly")
      .getByRole("button", { name: "1 reply" })
      .waitFor();
    await screenshot(cora, "chat-thread");
    await cora.keyboard.press("Escape");
  });

  it("renders hostile Markdown inert in the browser", async () => {
    await send(
      ned,
      "Look: <img src=x onerror=\"window.__pwned='img'\"> and [a link](javascript:window.__pwned='link')",
      "Look:",
    );
    await send(
      ned,
      "<script>window.__pwned='script'</script>\n\nplain text after a script",
      "plain text after a script",
    );
    await messageRow(cora, "plain text after a script").waitFor();
    const row = messageRow(cora, "Look:").first();
    const link = row.getByRole("link", { name: "a link" });
    if ((await link.count()) > 0) await link.click();
    expect(await cora.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await cora.locator('[data-testid="message"] script').count()).toBe(0);
    expect(await cora.locator('[data-testid="message"] [onerror]').count()).toBe(0);
  });

  it("does not let a customer post in #announcements", async () => {
    await openChannel(cora, "announcements");
    await expect(composer(cora).isDisabled()).resolves.toBe(true);
    await cora
      .getByText(/only the product team/i)
      .first()
      .waitFor();
  });

  it("tells a mentioned person who is elsewhere, with a notification and a mention badge", async () => {
    await send(
      ned,
      "@member@contoso.example could you share your kiosk settings?",
      "could you share your kiosk settings",
    );
    await cora.getByText("You were mentioned").waitFor();
    await cora
      .getByTestId("channel-list")
      .getByText(/1\s*mention/)
      .first()
      .waitFor();
  });

  it("turns a support-like message into a desk ticket in one click", async () => {
    await openChannel(ned, "general");
    await send(ned, "The volunteer import is not working, I get error 500 every time");
    await ned.getByRole("button", { name: "Open a ticket from this message" }).click();
    const opened = ned.getByRole("link", { name: /Ticket #\d+ opened/ });
    await opened.waitFor();
    await screenshot(ned, "chat-support-prompt");
    // Others in the channel learn it went to the desk, with no link to a ticket they may not open.
    await openChannel(cora, "general");
    const seenByCora = messageRow(cora, "The volunteer import is not working");
    await seenByCora.getByText("Taken to the service desk").waitFor();
    expect(await seenByCora.getByRole("link", { name: "Ticket" }).count()).toBe(0);
    await opened.click();
    await ned.waitForURL(/\/desk\/tickets\//);
    await ned.getByRole("heading", { name: /The volunteer import is not working/ }).waitFor();
  });

  it("shows an @channel as mentioning the other members, not its author", async () => {
    // A channel of its own: an @channel in #general would reach everyone the other specs count for.
    const created = await ned.request.post("/api/chat/channels", {
      headers: { "x-convene-csrf": "1" },
      data: { name: "kiosk-news", kind: "public" },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const joined = await cora.request.post(`/api/chat/channels/${id}/join`, {
      headers: { "x-convene-csrf": "1" },
    });
    expect(joined.status()).toBe(200);
    await openChannel(ned, "kiosk-news");
    await openChannel(cora, "kiosk-news");
    await send(ned, "@channel the kiosk update is out", "the kiosk update is out");
    const seenByCora = messageRow(cora, "the kiosk update is out").first();
    await seenByCora.waitFor();
    expect(await seenByCora.getAttribute("data-mentions-me")).toBe("true");
    expect(
      await messageRow(ned, "the kiosk update is out").first().getAttribute("data-mentions-me"),
    ).toBeNull();
  });
});
