import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, exactLabel, launchBrowser, newPage } from "../browser.js";
import { chooseWithKeys, focusMovesInto, tabTo } from "../keyboard.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(() => browser.close());

describe("using Convene with the keyboard alone", () => {
  it("signs in, with the focus visible on every control reached", async () => {
    await page.goto("/sign-in");
    await tabTo(page, page.getByLabel("E-mail"));
    await page.keyboard.type("admin@northwind.example");
    await tabTo(page, page.getByLabel("Password"));
    await page.keyboard.type(DEMO_PASSWORD);
    await tabTo(page, page.getByRole("button", { name: "Sign in", exact: true }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "For you" }).waitFor();
  });

  it("posts a message in a chat channel", async () => {
    await page.goto("/chat");
    await tabTo(
      page,
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
    await tabTo(page, page.getByRole("textbox", { name: "Message", exact: true }));
    await page.keyboard.type("Posted without a mouse");
    await page.keyboard.press("Enter");
    await page.getByTestId("message").filter({ hasText: "Posted without a mouse" }).first().waitFor();
  });

  it("opens a desk ticket", async () => {
    await page.goto("/desk/new");
    await tabTo(page, page.getByLabel("Type"));
    await chooseWithKeys(page, "Support question");
    await tabTo(page, page.getByLabel("Subject"));
    await page.keyboard.type("Filed with the keyboard");
    await tabTo(page, page.getByLabel("Description"));
    await page.keyboard.type("Every step of this ticket was made with Tab, typing and Enter.");
    await tabTo(page, page.getByRole("button", { name: "Open ticket" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Filed with the keyboard" }).waitFor();
  });

  it("creates a study in the sandbox, accepting the agreement first if asked", async () => {
    await page.goto("/sandbox/studies");
    const accept = page.getByLabel("I have read and accept the agreement");
    const newStudy = page.getByRole("button", { name: "New study" });
    await accept.or(newStudy).first().waitFor();
    if (await accept.isVisible()) {
      await tabTo(page, accept);
      await page.keyboard.press("Space");
      await tabTo(page, page.getByRole("button", { name: "Accept" }));
      await page.keyboard.press("Enter");
    }
    await tabTo(page, newStudy);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New study" });
    await focusMovesInto(dialog);
    await tabTo(page, dialog.getByLabel("Protocol number"));
    await page.keyboard.type("kb-401");
    await tabTo(page, dialog.getByLabel("Sponsor"));
    await page.keyboard.type("Northwind Pharma");
    await tabTo(page, dialog.getByLabel(exactLabel("Title")));
    await page.keyboard.type("Keyboard-only study of NWX-40");
    await tabTo(page, dialog.getByLabel("Phase"));
    await chooseWithKeys(page, "Phase Ia");
    await tabTo(page, dialog.getByLabel("Planned enrolment"));
    await page.keyboard.type("12");
    await tabTo(page, dialog.getByRole("button", { name: "Create study" }));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/sandbox\/studies\/[0-9a-f-]{36}$/).catch(async (error: Error) => {
      throw new Error(
        `${error.message}\nThe dialog shows: ${await dialog.textContent().catch(() => "nothing")}`,
      );
    });
    expect(await page.getByTestId("protocol-number").textContent()).toBe("KB-401");
  });
});
