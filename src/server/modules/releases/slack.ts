import { Lexer, type Token, type Tokens } from "marked";
import type { ReleaseContent } from "./content.js";
import type { Feature, SlackPayload } from "./contracts/releases.js";
import { availabilityLabels, releaseHeadline } from "./present.js";

/** A Slack Block Kit block; only the shapes built here. */
export type SlackBlock = Record<string, unknown>;

// Slack's documented limits: header text 150, section text 3000, 10 fields per section, 50 blocks.
const HEADER_MAX = 150;
const SUMMARY_MAX = 2500;
const FIELDS_PER_SECTION = 10;
const FEATURE_FIELDS_MAX = 40;

/** `&`, `<` and `>` are Slack's control characters in mrkdwn; everything else is literal. */
export const escapeSlack = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const truncate = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

const isSafeUrl = (href: string) => /^(https?:|mailto:)/i.test(href);

function inline(tokens: Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join("");
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "strong":
      return `*${inline((token as Tokens.Strong).tokens)}*`;
    case "em":
      return `_${inline((token as Tokens.Em).tokens)}_`;
    case "del":
      return `~${inline((token as Tokens.Del).tokens)}~`;
    case "codespan":
      return `\`${escapeSlack((token as Tokens.Codespan).text)}\``;
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens);
      return isSafeUrl(link.href) ? `<${link.href.replace(/[|<>]/g, encodeURIComponent)}|${label}>` : label;
    }
    case "image": {
      const image = token as Tokens.Image;
      return isSafeUrl(image.href)
        ? `<${image.href.replace(/[|<>]/g, encodeURIComponent)}|${escapeSlack(image.text || "image")}>`
        : "";
    }
    case "html":
      return "";
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeSlack(text.text);
    }
    default:
      return "raw" in token && typeof token.raw === "string" ? escapeSlack(token.raw) : "";
  }
}

function block(token: Token): string | null {
  switch (token.type) {
    case "heading":
      return `*${inline((token as Tokens.Heading).tokens)}*`;
    case "paragraph":
      return inline((token as Tokens.Paragraph).tokens);
    case "list": {
      const list = token as Tokens.List;
      const start = typeof list.start === "number" ? list.start : 1;
      return list.items
        .map((item, index) => {
          const body = item.tokens
            .map((t) => (t.type === "text" ? inlineToken(t) : (block(t) ?? "")))
            .join("\n");
          return `${list.ordered ? `${start + index}.` : "•"} ${body}`;
        })
        .join("\n");
    }
    case "blockquote":
      return (token as Tokens.Blockquote).tokens
        .map(block)
        .filter((text): text is string => text !== null)
        .join("\n")
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "code":
      return `\`\`\`${escapeSlack((token as Tokens.Code).text)}\`\`\``;
    case "hr":
      return "───";
    case "table": {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens)).join(" | ");
      return [row(table.header), ...table.rows.map(row)].join("\n");
    }
    default:
      return null;
  }
}

/** Markdown notes as Slack mrkdwn: bold, italics, links, lists and code survive; raw HTML is dropped. */
export function markdownToMrkdwn(markdown: string): string {
  return Lexer.lex(markdown, { gfm: true })
    .map(block)
    .filter((text): text is string => text !== null && text.trim() !== "")
    .join("\n\n");
}

function featureField(feature: Feature) {
  const description = feature.description ? `\n${escapeSlack(truncate(feature.description, 200))}` : "";
  return {
    type: "mrkdwn",
    text: `*${escapeSlack(feature.title)}*\n${escapeSlack(feature.module)} · ${availabilityLabels[feature.availability]}${description}`,
  };
}

/** Exactly what each webhook receives on `release.published`: Slack-compatible `text` plus `blocks`. */
export function slackPayload(release: ReleaseContent): SlackPayload {
  const headline = releaseHeadline(release);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(headline, HEADER_MAX), emoji: true } },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `Released ${escapeSlack(release.releaseDate)}` }],
    },
  ];
  const summary = markdownToMrkdwn(release.notes);
  if (summary) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          summary.length <= SUMMARY_MAX
            ? summary
            : `${truncate(summary, SUMMARY_MAX)}\n<${release.url}|Read more>`,
      },
    });
  }
  const shown = release.features.slice(0, FEATURE_FIELDS_MAX);
  if (shown.length > 0) {
    blocks.push({ type: "divider" });
    for (let i = 0; i < shown.length; i += FIELDS_PER_SECTION) {
      blocks.push({ type: "section", fields: shown.slice(i, i + FIELDS_PER_SECTION).map(featureField) });
    }
    const ga = release.features.filter((f) => f.availability === "ga").length;
    const preview = release.features.length - ga;
    const more = release.features.length - shown.length;
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `${ga} generally available, ${preview} in preview${more > 0 ? ` (${more} more on the release page)` : ""}`,
        },
      ],
    });
  }
  blocks.push({
    type: "actions",
    elements: [
      {
        type: "button",
        text: { type: "plain_text", text: "Read the release notes" },
        url: release.url,
        action_id: "open_release",
      },
    ],
  });
  return {
    text: `${escapeSlack(headline)} is out: <${release.url}|read the release notes>`,
    blocks,
  };
}
