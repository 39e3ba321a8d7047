import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  exactLabel,
  expectAccessible,
  joinGeneral,
  launchBrowser,
  newPage,
  openedDialog,
  signIn,
} from "../browser.js";

const IDEA = "Export the dispensing log as CSV";
const SUBJECT = "We need the dispensing log in Excel";
const VERSION = "27.1";

let browser: Browser;

/** Holds requests matching `pattern` until the returned function is called, which lets them and later ones go. */
async function holdBack(page: Page, pattern: string): Promise<() => Promise<void>> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(pattern, async (route) => {
    await released;
    await route.continue();
  });
  return async () => release();
}
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** The person's "For you" inbox has an entry about `about` that says `said`. */
async function expectToldInInbox(page: Page, about: string, said: string): Promise<void> {
  await page.goto("/");
  await page
    .getByTestId("inbox-entry")
    .filter({ hasText: about })
    .filter({ hasText: said })
    .first()
    .waitFor();
}

describe("from idea to release and back", () => {
  it("staff close an idea and a ticket with a release; the voter and the ticket's requester hear of it", async () => {
    const ned = await newPage(browser);
    await signIn(ned, "member@northwind.example");
    const idea = await api<{ id: string }>(ned, "POST", "/api/ideas", {
      title: IDEA,
      problem: "Auditors ask for it every month.",
      module: "pharmacy",
    });

    const cora = await newPage(browser);
    await signIn(cora, "member@contoso.example");
    await cora.goto(`/ideas/${idea.id}`);
    await cora.getByRole("button", { name: `Vote for ${IDEA}, 1 vote`, pressed: false }).click();
    await cora.getByRole("button", { name: `Vote for ${IDEA}, 2 votes`, pressed: true }).waitFor();

    const nora = await newPage(browser);
    await signIn(nora, "admin@northwind.example");
    const ticket = await api<{ number: number }>(nora, "POST", "/api/desk/tickets", {
      type: "product_feedback",
      subject: SUBJECT,
      description: "Our auditors want a spreadsheet.",
    });

    const staff = await newPage(browser);
    await signIn(staff, "staff@vendor.example");
    const draft = await api<{ id: string }>(staff, "POST", "/api/admin/releases", {
      version: VERSION,
      title: "Exports",
      releaseDate: "2026-12-01",
      notes: "The dispensing log exports as CSV.",
    });
    await staff.goto(`/admin/releases/${draft.id}`);
    await staff.getByRole("combobox", { name: "Ideas it ships" }).click();
    await staff.getByRole("option", { name: IDEA, exact: true }).click();
    await staff.keyboard.press("Escape");
    await staff.getByLabel(exactLabel("Tickets it fixes")).fill(`#${ticket.number}`);
    await staff.getByRole("button", { name: "Save what it closes" }).click();
    await staff.getByText(`What ${VERSION} closes is saved.`).waitFor();
    await expectAccessible(staff, "release editor with what it closes");
    await staff.getByRole("button", { name: "Publish" }).click();
    await (await openedDialog(staff)).getByRole("button", { name: "Publish" }).click();
    await staff
      .getByText(/published/i)
      .first()
      .waitFor();

    await staff.goto(`/releases/${VERSION}`);
    const closes = staff.getByRole("region", { name: "Closes" });
    await closes.getByRole("link", { name: IDEA }).waitFor();
    await closes.getByRole("link", { name: `#${ticket.number} ${SUBJECT}` }).waitFor();
    await expectAccessible(staff, "a release page with what it closes");

    // Another organisation's reader sees the idea but nothing of Northwind's ticket.
    await cora.goto(`/releases/${VERSION}`);
    await cora.getByRole("region", { name: "Closes" }).getByRole("link", { name: IDEA }).waitFor();
    expect(await cora.content()).not.toContain(SUBJECT);

    await cora.goto(`/ideas/${idea.id}`);
    await cora.getByRole("link", { name: `Convene ${VERSION}` }).waitFor();
    await expectToldInInbox(cora, IDEA, "Now released.");
    await expectToldInInbox(nora, SUBJECT, `Fixed in Convene ${VERSION}`);

    // The ticket says so in its conversation and is still open for the desk to close.
    await nora
      .getByTestId("inbox-entry")
      .filter({ hasText: SUBJECT })
      .first()
      .getByRole("link")
      .first()
      .click();
    await nora
      .getByText(/Fixed in/)
      .first()
      .waitFor();
  }, 150_000);

  it("a member links a chat message to an idea and it is quoted on the idea's page", async () => {
    const ned = await newPage(browser);
    await signIn(ned, "member@northwind.example");
    const idea = await api<{ id: string }>(ned, "POST", "/api/ideas", {
      title: "Remember my label printer",
      problem: "I choose it every time.",
      module: "pharmacy",
    });
    const general = await joinGeneral(ned);
    const words = `Choosing the printer again ${randomUUID().slice(0, 8)}`;
    await api(ned, "POST", `/api/chat/channels/${general}/messages`, { clientId: randomUUID(), body: words });

    await ned.goto(`/chat/${general}`);
    const message = ned.getByTestId("message").filter({ hasText: words });
    await message.hover();
    await message.getByRole("button", { name: "More actions" }).click();
    // The list of ideas arrives after the dialog opens, so the dialog is seen while it is still loading.
    const ideasArrive = await holdBack(ned, "**/api/ideas?*");
    await ned.getByRole("menuitem", { name: "Link to idea" }).click();
    const dialog = await openedDialog(ned, "Link to idea");
    await dialog.getByLabel(exactLabel("Idea")).click();
    await ned.getByRole("option", { name: "Loading ideas…" }).waitFor();
    await expectAccessible(ned, "the Link to idea dialog while the ideas load");
    await ideasArrive();
    await ned.getByRole("option", { name: "Remember my label printer", exact: true }).click();
    await dialog.getByRole("button", { name: "Link", exact: true }).click();
    await ned.getByText(/The message is linked to/).waitFor();

    await ned.goto(`/ideas/${idea.id}`);
    await ned.getByRole("heading", { name: "From chat" }).waitFor();
    await ned.getByText(words).waitFor();
    await ned.getByRole("link", { name: "Open in chat" }).waitFor();
    await expectAccessible(ned, "an idea with chat evidence");
  }, 90_000);
});
