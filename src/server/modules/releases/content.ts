import { renderMarkdown } from "../../platform/markdown.js";
import type { Feature, Release } from "./contracts/releases.js";
import { availabilityLabels, releaseHeadline } from "./present.js";

/** What every rendering of a release (page, feed, mail, chat, Slack) is made from. */
export type ReleaseContent = Pick<
  Release,
  "version" | "title" | "releaseDate" | "notes" | "features" | "url"
>;

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * Keeps staff-typed titles literal inside Markdown: `*`, `_`, `[`... stay characters, not markup.
 * Only inline markup is escaped; the titles never start a line, where `#` or `1.` would matter.
 */
export const escapeMarkdown = (text: string) => text.replace(/([\\`*_[\]<>~|])/g, "\\$1");

export const featureLabel = (feature: Feature) =>
  `${feature.module} · ${availabilityLabels[feature.availability]}`;

/** The release notes and the feature list as one sanitised HTML fragment (feed entries, e-mail). */
export function releaseHtml(release: ReleaseContent): string {
  const parts = [renderMarkdown(release.notes)];
  if (release.features.length > 0) {
    const items = release.features.map((feature) => {
      const description = feature.description ? `<br />${escapeHtml(feature.description)}` : "";
      return `<li><strong>${escapeHtml(feature.title)}</strong> (${escapeHtml(featureLabel(feature))})${description}</li>`;
    });
    parts.push(`<h2>Features</h2>\n<ul>\n${items.join("\n")}\n</ul>`);
  }
  return parts.join("\n");
}

/** The feature list as plain text lines, for the e-mail. */
export function featureLines(features: Feature[]): string[] {
  return features.map((feature) => {
    const description = feature.description ? `: ${feature.description}` : "";
    return `- ${feature.title} (${featureLabel(feature)})${description}`;
  });
}

/** The Markdown posted into #announcements when the release is published. */
export function announcementBody(release: ReleaseContent): string {
  const lines = [
    `**${escapeMarkdown(releaseHeadline(release))}** is out (${release.releaseDate}).`,
    "",
    release.notes,
  ];
  if (release.features.length > 0) {
    lines.push("", "**Features**");
    for (const feature of release.features) {
      lines.push(`- **${escapeMarkdown(feature.title)}** (${escapeMarkdown(featureLabel(feature))})`);
    }
  }
  lines.push("", `[Read the release notes](${release.url})`);
  return lines.join("\n");
}
