/**
 * Whom a page is rendered for: in the browser its own locale and time zone (both left to the browser);
 * in the server's first render of a page, the visitor's, as their browser told it (entry-server.tsx),
 * so the browser renders the same text when it takes the page over.
 */
export type Viewer = { locale?: string; timeZone?: string; now?: number };

let viewer: Viewer = {};

/** Runs a (synchronous) render with dates and numbers shown as `shownTo` shows them. */
export function renderingFor<T>(shownTo: Viewer, render: () => T): T {
  const before = viewer;
  viewer = shownTo;
  try {
    return render();
  } finally {
    viewer = before;
  }
}

// While the browser takes over the server's page, "now" is when the server rendered it, so "3 minutes
// ago" reads the same on both sides (main.tsx sets it, PageTakenOver.tsx ends it).
let firstScreenRenderedAt: number | undefined;

export function takingOverPageRenderedAt(renderedAt: number | undefined): void {
  firstScreenRenderedAt = renderedAt;
}

/** The moment a render shows times against: the server's render of the page while it is taken over. */
export const renderNow = (): number => viewer.now ?? firstScreenRenderedAt ?? Date.now();

// Formats are costly to make: one per viewer and options, a few hundred at most on a server.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const keptFormats = 500;

/** A date format for the viewer: their locale and time zone unless `options` names a zone. */
export function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([viewer.locale, viewer.timeZone, options]);
  let format = dateFormats.get(key);
  if (!format) {
    if (dateFormats.size >= keptFormats) dateFormats.clear();
    format = new Intl.DateTimeFormat(viewer.locale, { timeZone: viewer.timeZone, ...options });
    dateFormats.set(key, format);
  }
  return format;
}

export const formatDateTime = (iso: string | null | undefined) =>
  iso ? dateFormat({ dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : "—";
export const formatDate = (iso: string | null | undefined) =>
  iso ? dateFormat({ dateStyle: "medium" }).format(new Date(iso)) : "—";

/** A count as the viewer writes numbers: 1,234 or 1.234. */
export const formatNumber = (value: number) => value.toLocaleString(viewer.locale);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "a.example, b.example" as typed by a person, as the list the API wants. */
export const splitList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const relativeSteps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * DAY],
  ["month", 30 * DAY],
  ["week", 7 * DAY],
  ["day", DAY],
  ["hour", HOUR],
  ["minute", MINUTE],
];

/** "3 minutes ago", "yesterday", "just now": when something happened, as a person says it. */
export function formatRelativeTime(iso: string, now: number): string {
  const elapsed = new Date(iso).getTime() - now;
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(elapsed) >= size) return relative.format(Math.trunc(elapsed / size), unit);
  }
  return "just now";
}
