import { useEffect } from "react";
import { takingOverPageRenderedAt } from "./format.js";
import { firstScreenTakenOver } from "./query-client.js";

/**
 * What was typed or ticked in the server's page before the app took it over: shown, but not yet in the
 * form's state (React keeps a person's input when it takes a page over, and does not report it). Each
 * such field is set back to what was rendered through React's own record of it, then changed as the
 * person changed it in a way React reports, so the form holds what the person sees.
 */
function reportInputBeforeTheApp(): void {
  const texts = document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
    "#root input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden]), #root textarea",
  );
  for (const field of texts) {
    if (field.value === field.defaultValue) continue;
    const typed = field.value;
    field.value = field.defaultValue;
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), "value")?.set?.call(field, typed);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  // A radio button chosen unchecks the group's others by itself: only the chosen ones are replayed.
  const ticks = document.querySelectorAll<HTMLInputElement>(
    "#root input[type=checkbox], #root input[type=radio]",
  );
  for (const field of ticks) {
    if (field.checked === field.defaultChecked || (field.type === "radio" && !field.checked)) continue;
    field.checked = field.defaultChecked;
    field.click();
  }
}

/**
 * Rendered after the page inside the Shell's Suspense boundary, which React takes over in a pass of its
 * own: its effect runs once the page's components have mounted. Then the page's queries are fetched as
 * usual from then on, what was typed before is the form's, and start-after-paint.js lets forms submit
 * through the app, a submit it held included.
 */
export function PageTakenOver() {
  useEffect(() => {
    firstScreenTakenOver();
    takingOverPageRenderedAt(undefined);
    reportInputBeforeTheApp();
    document.documentElement.setAttribute("data-app-ready", "");
    document.dispatchEvent(new Event("convene:app-ready"));
  }, []);
  return null;
}
