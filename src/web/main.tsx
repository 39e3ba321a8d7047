// Mantine's base styles; each component's own come with the chunk that uses it (vite.config.ts).
import "@mantine/core/styles/baseline.css";
import "@mantine/core/styles/default-css-variables.css";
import "@mantine/core/styles/global.css";
import "@mantine/notifications/styles.css";
import "./app/global.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, startTransition } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { queryClient } from "./app/query-client.js";
import { router } from "./app/router.js";
import { cssVariablesResolver, theme } from "./app/theme.js";
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

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

const app = createRoot(root);
// As a transition, the first render yields to the browser every few milliseconds instead of holding
// the main thread for the whole tree, so a slow phone answers a tap while the app starts.
startTransition(() =>
  app.render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <Notifications position="top-right" />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  ),
);
