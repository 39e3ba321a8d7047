/**
 * Convene's service worker, served as /sw.js (copied by src/web/pwa/plugin.ts, stamped per build so
 * each deploy installs afresh). It keeps the app shell for when the network is away, and shows pushed
 * notifications. It never answers for /api: every API call and the WebSocket go to the server.
 */
const BUILD = "__BUILD__";
const CACHE = `convene-shell-${BUILD}`;
const SHELL = "/index.html";
/** Page chunks are cached as pages are opened; beyond this many the oldest go. */
const MAX_ASSETS = 300;

/** The shell and every hashed asset it names, so the app opens offline once installed. */
async function cacheShell() {
  const cache = await caches.open(CACHE);
  // index.html itself: a page path answers with the page rendered for the person signed in, which must
  // never be kept on the device nor shown for another page.
  const response = await fetch(SHELL, { cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(SHELL, response);
  const assets = [...new Set(html.match(/\/assets\/[^"'\s)]+/g) ?? [])];
  await cache.addAll(assets);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

/**
 * The network first, so a new deploy is picked up at once; the cached shell when offline. A page's
 * answer is never cached: it is rendered for the person signed in (each deploy's worker caches the
 * shell afresh as it installs).
 */
async function navigate(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await (await caches.open(CACHE)).match(SHELL);
    if (shell) return shell;
    throw error;
  }
}

/** A hashed asset never changes under its name: the cache first, else fetched and kept. */
async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    const assets = keys.filter((key) => new URL(key.url).pathname.startsWith("/assets/"));
    await Promise.all(
      assets.slice(0, Math.max(0, assets.length - MAX_ASSETS)).map((key) => cache.delete(key)),
    );
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(navigate(request));
  else if (url.pathname.startsWith("/assets/")) event.respondWith(asset(request));
});

/** A pushed notification: `{ title, body, url, tag }`; one per tag, so repeats about an item collapse. */
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data?.json() ?? {};
  } catch {
    message = { body: event.data?.text() ?? "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Convene", {
      body: message.body ?? "",
      tag: message.tag,
      icon: "/icons/icon-192.png",
      data: { url: message.url ?? "/" },
    }),
  );
});

/** Opens what the notification is about: focuses a tab already showing it, else opens one. */
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "/", self.location.origin);
  // Only this site's pages: a notification never opens somewhere else.
  const url = target.origin === self.location.origin ? target.href : self.location.origin;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => client.url === url);
      if (open) return open.focus();
      return self.clients.openWindow(url);
    })(),
  );
});
