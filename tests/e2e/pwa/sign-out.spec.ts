import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, signIn } from "../browser.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const STATE_KEY = "e2e-push-subscription";

/**
 * This machine's headless Chromium reaches no push service, so the browser's Push API refuses every
 * subscription. Each page here gets a stand-in for it: one subscription per browser, kept in
 * localStorage, whose endpoint and keys are shaped like a real one; the server is the real one.
 */
function standInPushApi(endpoint: string) {
  const key = "e2e-push-subscription";
  const subscription = () => ({
    endpoint,
    options: { applicationServerKey: null },
    toJSON: () => ({ endpoint, keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) } }),
    unsubscribe: async () => {
      localStorage.setItem(key, "unsubscribed");
      return true;
    },
  });
  PushManager.prototype.getSubscription = async () =>
    localStorage.getItem(key) === "subscribed" ? (subscription() as unknown as PushSubscription) : null;
  PushManager.prototype.subscribe = async () => {
    localStorage.setItem(key, "subscribed");
    return subscription() as unknown as PushSubscription;
  };
}

async function browserWithPush(endpoint: string): Promise<Page> {
  const page = await newPage(browser);
  await page.context().grantPermissions(["notifications"]);
  await page.addInitScript(standInPushApi, endpoint);
  return page;
}

async function turnOnPush(page: Page): Promise<void> {
  await page.goto("/settings/notifications");
  // The switch shows what the browser answers, so it turns on once subscribing is done, not at the click.
  await page.getByRole("switch", { name: "Show notifications on this browser" }).click();
  await page.getByText("This browser will show your at-once notifications.").waitFor();
}

const subscriptionState = (page: Page) => page.evaluate((key) => localStorage.getItem(key), STATE_KEY);

/** Asks the server to forget the endpoint for whoever is signed in: 204 if it still pushed there, 404 if not. */
const forgetOnServer = (page: Page, endpoint: string) =>
  page.evaluate(
    async (body) =>
      (
        await fetch("/api/notifications/push/subscriptions", {
          method: "DELETE",
          headers: { "content-type": "application/json", "x-convene-csrf": "1" },
          body: JSON.stringify(body),
        })
      ).status,
    { endpoint },
  );

describe("browser push and signing out", () => {
  it("signing out drops this browser's subscription and the server stops pushing to it", async () => {
    const endpoint = "https://push.example/e2e/signed-out-browser";
    const page = await browserWithPush(endpoint);
    await signIn(page, "member@northwind.example");
    await turnOnPush(page);
    expect(await subscriptionState(page)).toBe("subscribed");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("banner").getByRole("link", { name: "Sign in" }).waitFor();
    await expect.poll(() => subscriptionState(page)).toBe("unsubscribed");

    await signIn(page, "member@northwind.example");
    expect(await forgetOnServer(page, endpoint)).toBe(404);
    await page.context().close();
  });

  it("a browser whose session ended elsewhere drops its subscription when it finds itself signed out", async () => {
    const page = await browserWithPush("https://push.example/e2e/expired-browser");
    await signIn(page, "admin@northwind.example");
    await turnOnPush(page);
    // The session ends without this browser saying so (ended from another device, or expired).
    await page.context().clearCookies();
    await page.goto("/sign-in");
    await expect.poll(() => subscriptionState(page)).toBe("unsubscribed");
    await page.context().close();
  });
});
