import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { BoundedCache } from "./bounded-cache.js";

const marked = new Marked({ gfm: true, breaks: true, async: false });

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "del", "input"],
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    img: ["src", "alt", "title"],
    code: ["class"],
    input: ["type", "checked", "disabled"],
    th: ["align"],
    td: ["align"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }),
    img: (tagName, attribs) => {
      if (isSameSite(attribs.src ?? "")) return { tagName, attribs };
      // A remote image would tell its host who read the text and when: it is shown as a link instead.
      return {
        tagName: "a",
        attribs: { href: attribs.src ?? "", rel: "noopener noreferrer nofollow", target: "_blank" },
        text: attribs.alt?.trim() || attribs.src || "image",
      };
    },
  },
};

/** A path on this site ("/api/..."), not a URL of another host ("https://…", "//host/…"). */
const isSameSite = (src: string) => src.startsWith("/") && !src.startsWith("//");

/**
 * The one Markdown renderer: every user-written text becomes HTML only through here. Short texts (chat
 * messages, replies, comments) are rendered once and remembered: a channel read renders the same
 * fifty bodies for every reader. At most 2,000 of up to 2,000 characters, a few megabytes.
 */
export function renderMarkdown(markdown: string): string {
  return rendered.get(markdown, () => sanitizeHtml(marked.parse(markdown) as string, sanitizeOptions));
}

const rendered = new BoundedCache<string>(2_000, 2_000);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/**
 * Markdown as a line of plain text for lists and previews (no `**`, `#` or link syntax), cut at a word
 * near `maxLength` characters with an ellipsis.
 */
export function markdownExcerpt(markdown: string, maxLength = 200): string {
  const html = (marked.parse(markdown) as string).replace(
    /<\/(p|h[1-6]|li|blockquote|pre|td|th)>|<br\s*\/?>/g,
    " ",
  );
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_entity, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:]+$/, "")}…`;
}
