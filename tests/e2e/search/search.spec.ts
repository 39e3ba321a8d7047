import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SearchKind, searchKindLabels } from "../../../src/shared/search-query.js";
import {
  api,
  expectAccessible,
  joinGeneral,
  launchBrowser,
  newPage,
  openedDialog,
  screenshot,
  signIn,
} from "../browser.js";

const phoneWidth = 390;
const desktop = { width: 1440, height: 900 };

let browser: Browser;
/** Cora, a customer at Contoso: outside Northwind's private channel. */
let cora: Page;
/** Ned, a member of Northwind's private channel. */
let ned: Page;

/**
 * What the palette finds of each kind, typed as a person would, as Cora: one row per kind the
 * search covers, so a new kind is one more row (its query, and the title of the hit it must show).
 */
const findable: { kind: SearchKind; query: string; title: string }[] = [
  { kind: "channel", query: "pharmacy", title: "#pharmacy-preview" },
  { kind: "message", query: "labelling containers", title: "#pharmacy-preview" },
  { kind: "person", query: "Fay", title: "Fay Developer" },
  { kind: "release", query: "visit scheduling", title: "Visit scheduling, rebuilt" },
  { kind: "project", query: "pharmacy preview", title: "Pharmacy preview feedback" },
  { kind: "post", query: "expiry", title: "Expiry is checked at dispensing" },
  { kind: "document", query: "dispensing workflow", title: "Pharmacy preview: dispensing workflow notes" },
  { kind: "comment", query: "pharmacy", title: "Welcome to the pharmacy preview" },
  { kind: "group", query: "site operations", title: "Phase 1 site operations" },
  { kind: "topic", query: "centrifuge downtime", title: "Centrifuge downtime and sample stability" },
  { kind: "group_message", query: "protocol", title: "Dosing-day checklist you actually use?" },
  { kind: "study", query: "NW-101", title: "NW-101: First-in-human" },
  { kind: "volunteer", query: "V000096", title: "V000096" },
  { kind: "idea", query: "scanning barcode", title: "Dispense by scanning the container's barcode" },
];

const paletteField = (page: Page) => page.getByRole("combobox", { name: "Search Convene" });
const kindGroup = (page: Page, kind: SearchKind) =>
  page.getByRole("group", { name: searchKindLabels[kind], exact: true });
const hitOption = (page: Page, kind: SearchKind, title: string) =>
  kindGroup(page, kind).getByRole("option").filter({ hasText: title }).first();

/** Ctrl-K from wherever the page is: the palette opens, passes the accessibility gate, and takes the focus. */
async function openPalette(page: Page): Promise<Locator> {
  await page.keyboard.press("Control+K");
  const dialog = await openedDialog(page, "Search");
  await expect
    .poll(() => paletteField(page).evaluate((field) => field === document.activeElement))
    .toBe(true);
  return dialog;
}

/** Types into the palette and waits until the search has answered for what was typed. */
async function typeInPalette(page: Page, text: string): Promise<void> {
  await paletteField(page).fill(text);
  await page
    .getByRole("dialog", { name: "Search" })
    .getByRole("status")
    .filter({ hasText: /result/ })
    .waitFor();
}

/** Presses ArrowDown until the active option (aria-activedescendant) is `option`. */
async function arrowTo(page: Page, option: Locator): Promise<void> {
  const id = await option.getAttribute("id");
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press("ArrowDown");
    if ((await paletteField(page).getAttribute("aria-activedescendant")) === id) return;
  }
  throw new Error(`The arrows never reached ${option}`);
}

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

beforeAll(async () => {
  browser = await launchBrowser();
  cora = await newPage(browser, desktop);
  ned = await newPage(browser, desktop);
  await signIn(cora, "member@contoso.example");
  await signIn(ned, "member@northwind.example");
  // The development environment's studies and volunteers are found by those who accepted its agreement.
  const agreement = await api<{ id: string }>(cora, "GET", "/api/sandbox/agreement");
  await api(cora, "POST", "/api/sandbox/agreement/accept", { agreementId: agreement.id });
});
afterAll(() => browser.close());

describe("the search palette", () => {
  it("opens with Ctrl-K, finds channels and messages as one types, the matches marked", async () => {
    await cora.goto("/");
    await openPalette(cora);
    await typeInPalette(cora, "pharmacy");

    const channel = hitOption(cora, "channel", "#pharmacy-preview");
    await channel.waitFor();
    expect(await channel.locator("mark").allTextContents()).toContain("pharmacy");
    const message = hitOption(cora, "message", "labelling containers");
    await message.waitFor();
    expect(await message.locator("mark").allTextContents()).toContain("pharmacy");
    await screenshot(cora, "search-palette-1440");

    await cora.keyboard.press("Escape");
    await cora.getByRole("dialog", { name: "Search" }).waitFor({ state: "detached" });
  });

  it.each(findable)("finds a $kind by “$query”", async ({ kind, query, title }) => {
    await cora.goto("/");
    await openPalette(cora);
    await typeInPalette(cora, query);
    await hitOption(cora, kind, title).waitFor();
    await cora.keyboard.press("Escape");
  });

  it("jumps to a page by its name with the arrows and Enter, and gives the focus back when closed", async () => {
    await cora.goto("/");
    const launcher = cora.getByRole("search", { name: "Convene" }).getByRole("button", { name: "Search" });
    await launcher.click();
    await openedDialog(cora, "Search");
    await cora.keyboard.press("Escape");
    await expect.poll(() => launcher.evaluate((button) => button === document.activeElement)).toBe(true);

    await openPalette(cora);
    await paletteField(cora).fill("notif sett");
    const page = cora
      .getByRole("group", { name: "Pages" })
      .getByRole("option")
      .filter({ hasText: "Notification settings" });
    await arrowTo(cora, page);
    expect(await page.getAttribute("aria-selected")).toBe("true");
    await cora.keyboard.press("Enter");
    await cora.waitForURL((url) => url.pathname === "/settings/notifications");
    await cora.getByRole("button", { name: "Save preferences" }).waitFor();
  });

  it("opens the results page on Enter when no option is chosen", async () => {
    await openPalette(cora);
    await paletteField(cora).fill("pharmacy");
    await cora.keyboard.press("Enter");
    await cora.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "pharmacy");
    await cora.getByRole("heading", { name: searchKindLabels.channel, exact: true }).waitFor();
  });

  it("opens, or starts, the direct message with a person it finds", async () => {
    await cora.goto("/");
    await openPalette(cora);
    await typeInPalette(cora, "Fay");
    await hitOption(cora, "person", "Fay Developer").click();
    // The address becomes the conversation's channel: /chat?with= is never left in the history.
    await cora.waitForURL((url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname));
    await cora.getByRole("heading", { name: "Fay Developer", level: 2 }).waitFor();
    await expectAccessible(cora, "the direct message opened from a person found");

    // A second time it is the same conversation.
    const first = new URL(cora.url()).pathname;
    await cora.goto(`/chat?with=${await personId(cora, "Fay")}`);
    await cora.waitForURL((url) => url.pathname === first);
  });
});

/** The id of the first person the search finds by `name`, as the page's person would see it. */
async function personId(page: Page, name: string): Promise<string> {
  const { groups } = await api<{ groups: { kind: string; hits: { id: string }[] }[] }>(
    page,
    "GET",
    `/api/search?q=${encodeURIComponent(name)}&kind=person`,
  );
  const id = groups[0]?.hits[0]?.id;
  if (!id) throw new Error(`The search finds no one called ${name}`);
  return id;
}

describe("the results page", () => {
  // Letters only, new on every run: the text index reads digits inside a word as a word of their own.
  const word = `zephyrine${Date.now()
    .toString()
    .replace(/\d/g, (digit) => "abcdefghij"[Number(digit)] ?? "")}`;

  beforeAll(async () => {
    const general = await joinGeneral(cora);
    // More than one group's worth, so the messages have a "More".
    for (const n of [1, 2, 3, 4, 5, 6, 7])
      await api(cora, "POST", `/api/chat/channels/${general}/messages`, {
        clientId: `search-spec-${word}-${n}`,
        body: `Batch ${n} of the ${word} labels went to the pharmacy.`,
      });
  });

  it("shows the hits grouped by kind, and up to 50 of one kind after More", async () => {
    await cora.goto(`/search?q=${word}`);
    const messages = cora.getByRole("region", { name: searchKindLabels.message, exact: true });
    await messages.waitFor();
    expect(await messages.getByRole("listitem").count()).toBe(5);
    expect(await messages.locator("mark").first().textContent()).toBe(word);
    await screenshot(cora, "search-results-1440");

    await messages.getByRole("link", { name: "More messages" }).click();
    await cora.waitForURL((url) => url.searchParams.get("kind") === "message");
    await expect.poll(() => messages.getByRole("listitem").count()).toBe(7);
    const heading = cora.getByRole("heading", { name: searchKindLabels.message, exact: true });
    await expect.poll(() => heading.evaluate((element) => element === document.activeElement)).toBe(true);
    await cora.getByRole("list", { name: "Filters" }).getByText("only messages").waitFor();
    await expectAccessible(cora, "the results of one kind");
  });

  it("shows the filters typed as chips", async () => {
    await cora.goto(`/search?q=${encodeURIComponent(`${word} in:#general -batch7 after:2026-01-01`)}`);
    const filters = cora.getByRole("list", { name: "Filters" });
    for (const chip of ["in: general", "without batch7", "after: 2026-01-01"])
      await filters.getByText(chip, { exact: true }).waitFor();
  });

  it("says what to correct under the field when the server refuses the query", async () => {
    await cora.goto("/search?q=labels%20after:yesterday");
    const field = cora.getByRole("searchbox", { name: "Search everything" });
    await cora.getByText("after: needs a day like 2026-11-01.").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
  });

  it("says what to try when nothing matches", async () => {
    await cora.goto("/search?q=qwxyzzyplugh");
    await cora.getByRole("heading", { name: "Nothing matches “qwxyzzyplugh”" }).waitFor();
    await cora.getByText(/fewer words/).waitFor();
  });

  it("never shows a customer another organisation's private channel", async () => {
    const query = "wipe Friday export";
    await ned.goto(`/search?q=${encodeURIComponent(query)}`);
    await ned
      .getByRole("region", { name: searchKindLabels.message, exact: true })
      .getByRole("link", { name: "#northwind-team" })
      .waitFor();

    await cora.goto(`/search?q=${encodeURIComponent(query)}`);
    await cora
      .getByRole("status")
      .filter({ hasText: /result/i })
      .waitFor();
    expect(await cora.getByRole("link", { name: "#northwind-team" }).count()).toBe(0);
    expect(await cora.getByText("Reminder: sandbox wipe on Friday").count()).toBe(0);

    await openPalette(cora);
    await typeInPalette(cora, query);
    expect(await cora.getByRole("option").filter({ hasText: "#northwind-team" }).count()).toBe(0);
    await cora.keyboard.press("Escape");
  });

  it("finds a ticket for its requester and never for a customer of another organisation", async () => {
    const query = "study build publish";
    const ticket = "Study build fails to publish in the development environment";
    await ned.goto(`/search?q=${encodeURIComponent(query)}`);
    await ned
      .getByRole("region", { name: searchKindLabels.ticket, exact: true })
      .getByRole("link", { name: ticket })
      .waitFor();

    await cora.goto(`/search?q=${encodeURIComponent(query)}`);
    await cora
      .getByRole("status")
      .filter({ hasText: /result/i })
      .waitFor();
    // Contoso's own tickets about study builds may be found; Northwind's never.
    expect(await cora.getByText(ticket).count()).toBe(0);
  });
});

describe(`on a ${phoneWidth} px phone`, () => {
  it("the header's field opens the palette full screen, and the results page fits", async () => {
    const phone = await newPage(browser, { width: phoneWidth, height: 844 });
    await signIn(phone, "member@contoso.example");
    await phone.goto("/");
    const launcher = phone.getByRole("search", { name: "Convene" }).getByRole("button", { name: "Search" });
    await expectOnPhoneScreen(phone, launcher, phone.getByRole("button", { name: "Sign out" }));
    const word = launcher.getByText("Search", { exact: true });
    expect(await word.evaluate((text) => text.scrollWidth <= text.clientWidth), "“Search” shows whole").toBe(
      true,
    );
    await launcher.click();
    const dialog = await openedDialog(phone, "Search");
    await typeInPalette(phone, "pharmacy");
    await hitOption(phone, "channel", "#pharmacy-preview").waitFor();
    await expectOnPhoneScreen(phone, dialog.getByRole("button", { name: "Close search" }));
    await screenshot(phone, `search-palette-${phoneWidth}`);
    await dialog.getByRole("button", { name: "Close search" }).click();

    await phone.goto("/search?q=pharmacy");
    await phone.getByRole("region", { name: searchKindLabels.message, exact: true }).waitFor();
    await expectOnPhoneScreen(phone, phone.locator("form").getByRole("button", { name: "Search" }));
    await screenshot(phone, `search-results-${phoneWidth}`);
    await phone.context().close();
  });
});
