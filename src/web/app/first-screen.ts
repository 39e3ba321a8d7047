import type { DehydratedState } from "@tanstack/react-query";
import type { Viewer } from "./format.js";

/**
 * What the server's first render of a page hands the browser beside its HTML: the answers the page
 * was rendered from and the page chunks it showed, so the browser takes over without asking again.
 */
export type FirstScreen = { queries: DehydratedState; pages: string[]; renderedAt: number };

const elementId = "convene-first-screen";

/** The script element carrying a first screen; `<` escaped, so no value can close the element. */
export function firstScreenScript(firstScreen: FirstScreen): string {
  const json = JSON.stringify(firstScreen).replace(/</g, "\\u003c");
  return `<script type="application/json" id="${elementId}">${json}</script>`;
}

/** The first screen the server rendered this page with, if it did. */
export function readFirstScreen(): FirstScreen | null {
  const text = document.getElementById(elementId)?.textContent;
  return text ? (JSON.parse(text) as FirstScreen) : null;
}

/** The cookie that tells the server this browser's time zone and locale, for rendering its pages. */
const viewerCookie = "convene_viewer";

/** Tells the server, for the next page it renders here, how this browser shows dates and numbers. */
export function tellServerHowDatesShow(): void {
  const { timeZone, locale } = Intl.DateTimeFormat().resolvedOptions();
  const value = encodeURIComponent(`${timeZone} ${locale}`);
  const year = 365 * 24 * 3600;
  if ("cookieStore" in window) {
    void cookieStore.set({
      name: viewerCookie,
      value,
      path: "/",
      expires: Date.now() + year * 1000,
      sameSite: "lax",
    });
    return;
  }
  // biome-ignore lint/suspicious/noDocumentCookie: for browsers without the Cookie Store API.
  document.cookie = `${viewerCookie}=${value}; path=/; max-age=${year}; samesite=lax`;
}

const isTimeZone = (zone: string) => {
  try {
    return (
      Boolean(zone) && new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone !== ""
    );
  } catch {
    return false;
  }
};

const canonicalLocale = (locale: string | undefined) => {
  try {
    return locale ? Intl.getCanonicalLocales(locale)[0] : undefined;
  } catch {
    return undefined;
  }
};

/**
 * How the visitor's browser shows dates and numbers, from its cookie (or, on a first visit, its first
 * language); a value that is not a real zone or locale is ignored.
 */
export function viewerFrom(cookies: Record<string, string | undefined>, acceptLanguage = ""): Viewer {
  const [timeZone = "", locale] = (cookies[viewerCookie] ?? "").split(" ");
  const firstLanguage = acceptLanguage.split(",")[0]?.split(";")[0]?.trim();
  return {
    timeZone: isTimeZone(timeZone) ? timeZone : undefined,
    locale: canonicalLocale(locale) ?? canonicalLocale(firstLanguage),
  };
}
