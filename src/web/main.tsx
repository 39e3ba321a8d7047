// Mantine's base styles; each component's own come with the chunk that uses it (vite.config.ts).
import "@mantine/core/styles/baseline.css";
import "@mantine/core/styles/default-css-variables.css";
import "@mantine/core/styles/global.css";
import "@mantine/notifications/styles.css";
import "./app/global.css";
import { StrictMode, startTransition } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { readFirstScreen, tellServerHowDatesShow } from "./app/first-screen.js";
import { takingOverPageRenderedAt } from "./app/format.js";
import { preloadPageSources } from "./app/lazy-page.js";
import { AppProviders } from "./app/providers.js";
import { queryClient, takeInFirstScreen } from "./app/query-client.js";
import { router } from "./app/router.js";
import { registerServiceWorker } from "./pwa/register.js";

// A tab opened before a release asks for page chunks under the old hashes, which the server no longer
// has: load the new release instead of showing an error. Not again within a minute, so a chunk that is
// missing for another reason shows the error page rather than reloading forever.
const reloadedForMissingChunkAt = "convene:reloaded-for-missing-chunk-at";
window.addEventListener("vite:preloadError", (event) => {
  if (Date.now() - Number(sessionStorage.getItem(reloadedForMissingChunkAt)) < 60_000) return;
  sessionStorage.setItem(reloadedForMissingChunkAt, String(Date.now()));
  event.preventDefault();
  window.location.reload();
});

registerServiceWorker();
tellServerHowDatesShow();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

const app = (
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>
);

// The server usually sends the page already rendered, with the answers it was rendered from: the
// browser takes that HTML over (hydration) once the page's chunks are here, asking nothing again.
// As a transition, the first render yields to the browser every few milliseconds instead of holding
// the main thread for the whole tree, so a slow phone answers a tap while the app starts.
const firstScreen = readFirstScreen();
if (firstScreen) {
  takeInFirstScreen(firstScreen.queries);
  takingOverPageRenderedAt(firstScreen.renderedAt);
  void preloadPageSources(firstScreen.pages).finally(() =>
    startTransition(() => {
      hydrateRoot(root, app, {
        // A first screen the browser renders differently (the server knows neither the browser nor
        // its time zone) is rendered again here, which is all that is needed: noted, not an error.
        onRecoverableError: (error) => console.warn("The page was rendered again in the browser:", error),
      });
    }),
  );
} else {
  startTransition(() => createRoot(root).render(app));
}
