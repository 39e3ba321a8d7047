import { useEffect } from "react";
import { useLocation } from "react-router";

const HIGHLIGHT_MS = 2500;
const LOOK_EVERY_MS = 100;
/** The target is usually in data still loading when the page opens; past this it is not coming. */
const GIVE_UP_AFTER_MS = 8000;

/**
 * Once the element with this id renders, brings it into view, moves the focus to it so the keyboard
 * and a screen reader start there, and marks it `data-highlighted` for a moment (global.css) so the
 * eye finds it. Answers how to stop looking (when the page moves on first).
 */
function revealWhenRendered(id: string): () => void {
  let timer: number | undefined;
  const startedAt = Date.now();
  const reveal = () => {
    const target = document.getElementById(id);
    if (!target) {
      if (Date.now() - startedAt < GIVE_UP_AFTER_MS) timer = window.setTimeout(reveal, LOOK_EVERY_MS);
      return;
    }
    const calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ block: "center", behavior: calm ? "auto" : "smooth" });
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.setAttribute("data-highlighted", "");
    timer = window.setTimeout(() => target.removeAttribute("data-highlighted"), HIGHLIGHT_MS);
  };
  reveal();
  return () => window.clearTimeout(timer);
}

/**
 * After a navigation to an address with a hash (`#comment-<id>`, from a notification or a shared
 * link), reveals that element once it renders (revealWhenRendered).
 */
export function useScrollToHash(): void {
  const { pathname, search, hash } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page with the same hash is a new target.
  useEffect(() => {
    const id = decodeURIComponent(hash.slice(1));
    return id ? revealWhenRendered(id) : undefined;
  }, [pathname, search, hash]);
}

/**
 * The same for a target a page's address names in its query (`?comment=`, `?answer=`): the page
 * passes the element's id, or null while there is none or while content above it is still loading
 * (it would push the target out of view again).
 */
export function useRevealElement(elementId: string | null): void {
  useEffect(() => (elementId ? revealWhenRendered(elementId) : undefined), [elementId]);
}
