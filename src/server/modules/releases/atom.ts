import type { Config } from "../../config.js";
import { releaseHtml } from "./content.js";
import type { Release } from "./contracts/releases.js";
import { releaseHeadline } from "./present.js";

// XML 1.0 forbids most control characters even escaped; they are dropped rather than break the feed.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML, "")
    .replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
    );

/** An Atom 1.0 document (RFC 4287) of published releases, newest first. */
export function releaseFeed(config: Config, releases: Release[]): string {
  const feedUrl = `${config.publicUrl}/releases.atom`;
  const pageUrl = `${config.publicUrl}/releases`;
  // ISO 8601 UTC strings sort as the instants they name.
  const updated =
    releases
      .map((release) => release.publishedAt ?? release.updatedAt)
      .sort()
      .at(-1) ?? new Date(0).toISOString();
  const entries = releases.map((release) => {
    const at = release.publishedAt ?? release.updatedAt;
    return [
      "  <entry>",
      `    <id>urn:uuid:${release.id}</id>`,
      `    <title type="text">${escapeXml(releaseHeadline(release))}</title>`,
      `    <updated>${at}</updated>`,
      `    <published>${at}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(release.url)}"/>`,
      `    <content type="html">${escapeXml(releaseHtml(release))}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(pageUrl)}</id>`,
    "  <title>Convene release notes</title>",
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(pageUrl)}"/>`,
    "  <author><name>Convene product team</name></author>",
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
