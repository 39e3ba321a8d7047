import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, signIn } from "../browser.js";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  await signIn(page, "member@northwind.example");
});
afterAll(() => browser?.close());

/** The service worker's script, once it is active for the whole site. */
const activeWorker = (target: Page) =>
  target.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? null);

describe("the installable app", () => {
  it("names its manifest, whose icons the server has, and registers its service worker at the root", async () => {
    await page.goto("/");
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(manifestHref).toBe("/manifest.webmanifest");
    const manifest = await page.evaluate(async (href) => (await fetch(href)).json(), manifestHref ?? "");
    expect(manifest).toMatchObject({ name: "Convene", start_url: "/", display: "standalone" });
    const purposes = manifest.icons.map(
      (icon: { sizes: string; purpose: string }) => `${icon.sizes} ${icon.purpose}`,
    );
    expect(purposes).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of manifest.icons as { src: string }[]) {
      const response = await page.request.get(icon.src);
      expect(response.headers()["content-type"]).toBe("image/png");
    }
    expect(new URL((await activeWorker(page)) ?? "").pathname).toBe("/sw.js");
  });

  it("leaves every API call and the live connection to the server once the worker controls the page", async () => {
    const fromWorker: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname.startsWith("/api/") && response.fromServiceWorker())
        fromWorker.push(response.url());
    });
    await page.goto("/chat");
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.getByTestId("channel-list").waitFor();
    expect(fromWorker).toEqual([]);
  });

  it("shows a pushed message as a notification tagged by its item", async () => {
    await page.context().grantPermissions(["notifications"]);
    const cdp = await page.context().newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
        const ours = registrations.find((registration) => !registration.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send("ServiceWorker.enable");
    const origin = new URL(page.url()).origin;
    const message = { title: "#general", body: "Ada: Stand-up at 10", url: "/chat", tag: "chat_channel:x" };
    for (let push = 0; push < 2; push++)
      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin,
        registrationId: await registrationId,
        data: JSON.stringify(message),
      });
    await expect
      .poll(() =>
        page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
            url: (n.data as { url: string }).url,
          })),
        ),
      )
      // Two pushes about one item leave one notification.
      .toEqual([{ title: "#general", body: "Ada: Stand-up at 10", tag: "chat_channel:x", url: "/chat" }]);
  });
});
