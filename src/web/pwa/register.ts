/**
 * Registers the service worker (/sw.js) in a production build only: the dev server has no /sw.js, and
 * a worker left from a build would serve stale assets to it. Registered once the page has loaded, so
 * its first caching of the shell never competes with the page's own downloads.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  const register = () =>
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // Without a worker the app works as before; only offline start and browser push are missing.
    });
  // A page the server rendered starts the app once painted, often after it has loaded.
  if (document.readyState === "complete") void register();
  else window.addEventListener("load", () => void register());
}
