/**
 * Starts the app once the browser has painted the page the server rendered: the server's first answer
 * loads this in place of the app's own script tag (src/server/platform/web-app.ts). Only then are the
 * app's modules asked for, all at once (`data-modules`: the entry's libraries and the page's chunks),
 * so they never hold up the page's first paint on a slow connection.
 */
// Until the app has taken the page over (PageTakenOver.tsx marks <html data-app-ready> and says so with
// a "convene:app-ready" event), a form on the page has only the browser's own submit, which would send
// what is typed, a password included, in the address: a submit is held, and made through the app once
// it is ready.
let heldSubmit = null;
document.addEventListener(
  "submit",
  (event) => {
    if (document.documentElement.hasAttribute("data-app-ready")) return;
    event.preventDefault();
    heldSubmit = { form: event.target, submitter: event.submitter };
  },
  true,
);
// Text fields cannot be typed into until then either: what is typed before the app has a field would
// show but not be the form's. (A field rendered read-only stays so.)
const heldFields = [
  ...document.querySelectorAll(
    "#root input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([readonly]), #root textarea:not([readonly])",
  ),
];
for (const field of heldFields) field.readOnly = true;

document.addEventListener("convene:app-ready", () => {
  for (const field of heldFields) field.readOnly = false;
  if (!heldSubmit) return;
  const { form, submitter } = heldSubmit;
  heldSubmit = null;
  if (form.isConnected) form.requestSubmit(submitter?.form === form ? submitter : undefined);
});

const script = document.currentScript;
const app = script?.dataset.app;
const modules = script?.dataset.modules?.split(" ").filter(Boolean) ?? [];
let started = false;
const start = () => {
  if (started || !app) return;
  started = true;
  for (const href of [app, ...modules]) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    document.head.append(link);
  }
  import(app);
};

if (document.visibilityState === "hidden") {
  // A tab opened in the background paints nothing until shown: nothing to wait for.
  start();
} else if (PerformanceObserver.supportedEntryTypes?.includes("paint")) {
  new PerformanceObserver((entries, observer) => {
    if (entries.getEntriesByName("first-contentful-paint").length === 0) return;
    observer.disconnect();
    setTimeout(start);
  }).observe({ type: "paint", buffered: true });
  // Should the browser never report the paint, the app starts regardless.
  setTimeout(start, 3000);
} else {
  // A timeout set inside a frame's callback runs once that frame is painted.
  requestAnimationFrame(() => setTimeout(start));
}
