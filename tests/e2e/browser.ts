import fs from "node:fs/promises";
import path from "node:path";
import axe from "axe-core";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { inject } from "vitest";

export const DEMO_PASSWORD = "convene-demo";
const screenshotsDir = path.resolve("test-results");

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * A signed-out tab at desktop width (or `viewport`), in the browser's own language and time zone unless
 * `where` names others. Every page it goes to passes the accessibility gate once its data has loaded, so
 * each spec checks each page it visits without asking.
 */
export async function newPage(
  browser: Browser,
  viewport = { width: 1280, height: 860 },
  where: { locale?: string; timezoneId?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({ baseURL: inject("baseUrl"), viewport, ...where });
  const page = await context.newPage();
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await page.waitForLoadState("networkidle");
    await expectAccessible(page);
    return response;
  };
  return page;
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the bar Convene holds every page to. */
const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const blockingImpacts = new Set(["serious", "critical"]);
/**
 * Best practices outside the WCAG tags that the gate holds too, at any impact: a screen reader user
 * moves through a page by its headings and reads a table by its column headers.
 */
const gatedBestPractices = ["heading-order", "empty-table-header"];

type AxeViolation = Pick<axe.Result, "id" | "impact" | "help" | "helpUrl"> & {
  nodes: { target: string[] }[];
};

/** One line per violation: what it is, how bad, where (the first few elements), and how to fix it. */
function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((violation) => {
      const targets = violation.nodes.map((node) => node.target.join(" ")).slice(0, 5);
      const more =
        violation.nodes.length > targets.length ? ` and ${violation.nodes.length - targets.length} more` : "";
      return `- ${violation.id} (${violation.impact}): ${violation.help}\n    at ${targets.join(", ")}${more}\n    ${violation.helpUrl}`;
    })
    .join("\n");
}

/** Runs axe-core in the page against WCAG 2.x A and AA and returns every violation it finds. */
export async function findAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // A dialog still fading in would be measured at part opacity and fail contrast it does not fail. A
  // transition starts a frame or two after its element mounts, so settle until two frames pass with
  // no finite animation left running.
  await page.evaluate(async () => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const running = () =>
      document
        .getAnimations()
        .filter(
          (animation) =>
            animation.playState === "running" &&
            animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY,
        );
    for (let settledFrames = 0; settledFrames < 2; ) {
      await nextFrame();
      const pending = running();
      if (pending.length === 0) settledFrames++;
      else {
        settledFrames = 0;
        await Promise.all(pending.map((animation) => animation.finished.catch(() => undefined)));
      }
    }
  });
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  return page.evaluate(
    async ({ tags, bestPractices }) => {
      const { axe: inPage } = window as unknown as { axe: typeof axe };
      const results = await inPage.run(document, {
        runOnly: { type: "tag", values: tags },
        rules: Object.fromEntries(bestPractices.map((rule) => [rule, { enabled: true }])),
      });
      return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
        id,
        impact,
        help,
        helpUrl,
        nodes: nodes.map((node) => ({ target: node.target.map(String) })),
      }));
    },
    { tags: wcagTags, bestPractices: gatedBestPractices },
  );
}

/**
 * The accessibility gate: fails on any serious or critical WCAG 2.2 A/AA violation (or a gated best
 * practice) in the page as it
 * is now (`state` names it in the message, e.g. "the new study dialog").
 */
export async function expectAccessible(page: Page, state = new URL(page.url()).pathname): Promise<void> {
  const blocking = (await findAccessibilityViolations(page)).filter(
    (violation) => blockingImpacts.has(violation.impact ?? "") || gatedBestPractices.includes(violation.id),
  );
  if (blocking.length > 0) {
    throw new Error(`Accessibility violations on ${state}:\n${describeViolations(blocking)}`);
  }
}

/** The dialog that has just opened, once it shows and has passed the accessibility gate. */
export async function openedDialog(page: Page, name?: string): Promise<Locator> {
  const dialog = page.getByRole("dialog", name === undefined ? {} : { name });
  await dialog.waitFor();
  await expectAccessible(page, `the ${name ?? "open"} dialog on ${new URL(page.url()).pathname}`);
  return dialog;
}

/** Saves a full-page screenshot to test-results/, after checking the state it shows is accessible. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await fs.mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
}

/** Staff open the mail outbox, find the newest message to `recipient` and return its link to `path`. */
export async function linkFromOutbox(
  staffPage: Page,
  recipient: string,
  subject: string,
  path: string,
): Promise<string> {
  await staffPage.goto("/admin/mail");
  await staffPage.getByLabel("Recipient").fill(recipient);
  await staffPage
    .getByRole("button", { name: new RegExp(subject) })
    .first()
    .click();
  const link = staffPage.locator(`a[href*="${path}/"]`).first();
  await link.waitFor();
  const href = await link.getAttribute("href");
  if (!href) throw new Error(`No ${path} link in the outbox message to ${recipient}`);
  return new URL(href).pathname;
}

/**
 * A field's label, matched whole: Mantine marks a required field's label with " *" (hidden from
 * screen readers, but part of the label's text), so the name alone would not match exactly.
 */
export const exactLabel = (text: string) =>
  new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);

/** Calls the API as the person signed in on `page` (the tab's cookies, and the CSRF header writes need). */
export async function api<T>(
  page: Page,
  method: "GET" | "POST" | "PATCH",
  path: string,
  data?: unknown,
): Promise<T> {
  const response = await page.request.fetch(path, {
    method,
    headers: method === "GET" ? {} : { "x-convene-csrf": "1" },
    data,
  });
  if (!response.ok())
    throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** #general, joined by the person on `page`: a mention notifies members of the channel only. */
export async function joinGeneral(page: Page): Promise<string> {
  const { channels } = await api<{ channels: { id: string; name: string; isMember: boolean }[] }>(
    page,
    "GET",
    "/api/chat/channels",
  );
  const general = channels.find((channel) => channel.name === "general");
  if (!general) throw new Error("No #general channel in the demo");
  if (!general.isMember) await api(page, "POST", `/api/chat/channels/${general.id}/join`);
  return general.id;
}
