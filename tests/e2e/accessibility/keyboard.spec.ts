import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, exactLabel, launchBrowser, newPage } from "../browser.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(() => browser.close());

/** Whether the focused element shows a ring: an outline or a box shadow, not a colour change alone. */
function focusIndicatorOfActiveElement(): { element: string; visible: boolean } {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return { element: "nothing", visible: false };
  const style = getComputedStyle(focused);
  const outlined = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== "none";
  return { element: focused.outerHTML.slice(0, 120), visible: outlined || shadowed };
}

/** Presses Tab (Shift+Tab when `backwards`) until `target` has the focus, and sees the focus shown. */
async function tabTo(target: Locator, { backwards = false } = {}): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) {
      const indicator = await page.evaluate(focusIndicatorOfActiveElement);
      expect(indicator.visible, `no visible focus indicator on ${indicator.element}`).toBe(true);
      return;
    }
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Picks `option` in the focused Mantine Select with the arrow keys and Enter. */
async function chooseWithKeys(option: string): Promise<void> {
  await page.keyboard.press("ArrowDown");
  const highlighted = page.locator("[data-combobox-selected]");
  for (let presses = 0; presses < 20; presses++) {
    if ((await highlighted.count()) > 0 && (await highlighted.textContent())?.includes(option)) {
      await page.keyboard.press("Enter");
      return;
    }
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`No option ${option}`);
}

describe("using Convene with the keyboard alone", () => {
  it("signs in, with the focus visible on every control reached", async () => {
    await page.goto("/sign-in");
    await tabTo(page.getByLabel("E-mail"));
    await page.keyboard.type("admin@northwind.example");
    await tabTo(page.getByLabel("Password"));
    await page.keyboard.type(DEMO_PASSWORD);
    await tabTo(page.getByRole("button", { name: "Sign in" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "For you" }).waitFor();
  });

  it("posts a message in a chat channel", async () => {
    await page.goto("/chat");
    await tabTo(
      page
        .getByTestId("channel-list")
        .getByRole("link", { name: /general/ })
        .first(),
    );
    await page.keyboard.press("Enter");
    await page
      .getByRole("heading", { name: /general/ })
      .first()
      .waitFor();
    await tabTo(page.getByRole("textbox", { name: "Message", exact: true }));
    await page.keyboard.type("Posted without a mouse");
    await page.keyboard.press("Enter");
    await page.getByTestId("message").filter({ hasText: "Posted without a mouse" }).first().waitFor();
  });

  it("opens a desk ticket", async () => {
    await page.goto("/desk/new");
    await tabTo(page.getByLabel("Type"));
    await chooseWithKeys("Support question");
    await tabTo(page.getByLabel("Subject"));
    await page.keyboard.type("Filed with the keyboard");
    await tabTo(page.getByLabel("Description"));
    await page.keyboard.type("Every step of this ticket was made with Tab, typing and Enter.");
    await tabTo(page.getByRole("button", { name: "Open ticket" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Filed with the keyboard" }).waitFor();
  });

  it("creates a study in the sandbox, accepting the agreement first if asked", async () => {
    await page.goto("/sandbox/studies");
    const accept = page.getByLabel("I have read and accept the agreement");
    const newStudy = page.getByRole("button", { name: "New study" });
    await accept.or(newStudy).first().waitFor();
    if (await accept.isVisible()) {
      await tabTo(accept);
      await page.keyboard.press("Space");
      await tabTo(page.getByRole("button", { name: "Accept" }));
      await page.keyboard.press("Enter");
    }
    await tabTo(newStudy);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New study" });
    await tabTo(dialog.getByLabel("Protocol number"));
    await page.keyboard.type("kb-401");
    await tabTo(dialog.getByLabel("Sponsor"));
    await page.keyboard.type("Northwind Pharma");
    await tabTo(dialog.getByLabel(exactLabel("Title")));
    await page.keyboard.type("Keyboard-only study of NWX-40");
    await tabTo(dialog.getByLabel("Phase"));
    await chooseWithKeys("Phase Ia");
    await tabTo(dialog.getByLabel("Planned enrolment"));
    await page.keyboard.type("12");
    await tabTo(dialog.getByRole("button", { name: "Create study" }));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/sandbox\/studies\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId("protocol-number").textContent()).toBe("KB-401");
  });
});
