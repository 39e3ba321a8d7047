/**
 * HTML as Markdown, for the rich text exports carry (Basecamp's recordings, Groups.io's HTML bodies):
 * paragraphs and line breaks, bold, italics, strike-through, code, links, images, lists (nested,
 * numbered), headings, block quotes, preformatted text, simple tables, and Basecamp's `<bc-attachment>`
 * (a mention becomes `@Name`, a file or image a link to it). Entities are decoded; text that Markdown
 * would read as syntax is escaped. Anything else is kept as its text: nothing of the HTML itself survives,
 * so what the renderer later shows is what Convene's own Markdown makes of it.
 *
 * A small parser of its own (tags, attributes, text): exports hold well-formed editor HTML, and a stray
 * or unclosed tag is tolerated (a closing tag closes up to its opening one; one never opened is ignored).
 */

type Element = { tag: string; attributes: Record<string, string>; children: Node[] };
type Node = string | Element;

const VOID = new Set(["br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"]);
const DROPPED = new Set(["script", "style", "head", "title", "template", "noscript"]);
const BLOCK = new Set([
  "p",
  "div",
  "section",
  "article",
  "header",
  "footer",
  "main",
  "aside",
  "nav",
  "figure",
  "figcaption",
  "address",
  "details",
  "summary",
  "center",
  "dl",
  "dt",
  "dd",
]);
const HEADING = /^h([1-6])$/;

/** ISO 8859-1's named characters, U+00A0 to U+00FF in order (nbsp, iexcl, ..., yuml). */
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute " +
  "micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig " +
  "Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash " +
  "Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc " +
  "euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml " +
  "yacute thorn yuml";

const NAMED: Record<string, string> = {
  ...Object.fromEntries(LATIN1.split(" ").map((name, index) => [name, String.fromCodePoint(0xa0 + index)])),
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  ensp: "\u2002",
  emsp: "\u2003",
  thinsp: "\u2009",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  bull: "•",
  trade: "™",
  euro: "€",
  OElig: "Œ",
  oelig: "œ",
  Scaron: "Š",
  scaron: "š",
  Yuml: "Ÿ",
  zwj: "\u200d",
  zwnj: "\u200c",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  check: "✓",
};

/** Decodes HTML entities: the common named ones, and every decimal and hexadecimal one. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[name] ?? NAMED[name.toLowerCase()] ?? entity;
  });
}

const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<\/\s*([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/<]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>]+))?|\s*\/)*)\s*>|[^<]+|</g;
const MAX_DEPTH = 200;
const ATTRIBUTE = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? "").toLowerCase();
    if (name) attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** The HTML as a tree under one root element. */
function parse(html: string): Element {
  const root: Element = { tag: "#root", attributes: {}, children: [] };
  const open: Element[] = [root];
  const current = () => open[open.length - 1] ?? root;
  for (const match of html.matchAll(TOKEN)) {
    const [token, cdata, closing, opening, attributeSource] = match;
    if (cdata !== undefined) current().children.push(cdata);
    else if (token.startsWith("<!") || token.startsWith("<?")) continue;
    else if (closing !== undefined) {
      const tag = closing.toLowerCase();
      const at = open.findLastIndex((element) => element.tag === tag);
      if (at > 0) open.length = at;
    } else if (opening !== undefined) {
      const tag = opening.toLowerCase();
      // An <li> or <p> opened inside an unclosed sibling closes it, as browsers do.
      if (tag === "li" || tag === "p") {
        const at = open.findLastIndex((element) => element.tag === tag);
        const boundary = open.findLastIndex((element) =>
          ["ul", "ol", "td", "th", "blockquote", "div"].includes(element.tag),
        );
        if (at > 0 && at > boundary) open.length = at;
      }
      const element: Element = { tag, attributes: parseAttributes(attributeSource ?? ""), children: [] };
      current().children.push(element);
      // Past MAX_DEPTH (unclosed tags piling up in old mail), what follows stays at that depth.
      if (!VOID.has(tag) && !/\/\s*$/.test(attributeSource ?? "") && open.length < MAX_DEPTH)
        open.push(element);
    } else current().children.push(token);
  }
  return root;
}

/**
 * Text Markdown would read as syntax, escaped: emphasis, code and link characters anywhere, and what
 * would start a heading, quote, list or rule when the text starts a line (escaping one that does not
 * changes nothing: an escaped punctuation character shows as itself).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*[\]<]/g, (c) => `\\${c}`)
    .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (m) => m.replace("_", "\\_"))
    .replace(/~~/g, "\\~\\~")
    .replace(
      /^(\s*)(#{1,6}(?=\s|$)|>|[-+=](?=\s|$)|\d+(?=[.)](?:\s|$)))/,
      (_m, space: string, marker: string) =>
        /^\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`,
    );
}

/** Marks the edges of blocks while rendering; turned into blank lines (or removed at the ends) after. */
const BREAK = "\u0000";
/** Indents list items' further lines and code; kept through the trimming of lines, a space in the end. */
const INDENT = "\u0001";

function urlOf(href: string): string {
  return href.trim().replace(/[ ()<>]/g, (c) => encodeURIComponent(c));
}

function link(text: string, href: string | undefined): string {
  const label = text.trim();
  if (!href || /^\s*javascript:/i.test(href)) return label;
  const url = urlOf(href);
  if (!label || label === escapeMarkdown(href.trim())) return `<${url}>`;
  return `[${label}](${url})`;
}

/** Inline emphasis around content, keeping its outer spaces outside the markers (`** a **` is not bold). */
function wrap(marker: string, content: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(content);
  const [, before = "", inner = "", after = ""] = match ?? [];
  // Emphasis cannot span blocks: around a paragraph or a list it is left out.
  if (!inner || inner.includes(BREAK)) return content;
  return `${before}${marker}${inner}${marker}${after}`;
}

function textOf(node: Node): string {
  if (typeof node === "string") return decodeEntities(node);
  if (node.tag === "br") return "\n";
  return node.children.map(textOf).join("");
}

function findAll(node: Node, tag: string): Element[] {
  if (typeof node === "string") return [];
  return [...(node.tag === tag ? [node] : []), ...node.children.flatMap((child) => findAll(child, tag))];
}

/** A Basecamp inline attachment: a mention (`@Name`), or a file or image as a link to it. */
function attachment(element: Element): string {
  const { attributes } = element;
  const type = attributes["content-type"] ?? "";
  const caption = findAll(element, "figcaption").map(textOf).join(" ").replace(/\s+/g, " ").trim();
  if (type === "application/vnd.basecamp.mention") {
    const name = caption || textOf(element).replace(/\s+/g, " ").trim();
    return name ? `@${escapeMarkdown(name)}` : "";
  }
  const name = attributes.filename || attributes.caption || caption || "attachment";
  const href = attributes.href || attributes.url || findAll(element, "a")[0]?.attributes.href;
  return link(escapeMarkdown(name), href);
}

function renderChildren(element: Element): string {
  return element.children.map((child) => render(child)).join("");
}

/** A list item's content, its further lines indented under the marker (no blank lines: lists stay tight). */
function listItem(marker: string, content: string): string {
  const lines = finish(content)
    .split("\n")
    .filter((line) => line.trim() !== "");
  if (lines.length === 0) return "";
  const indent = INDENT.repeat(marker.length);
  return lines.map((line, index) => (index === 0 ? `${marker}${line}` : `${indent}${line}`)).join("\n");
}

function list(element: Element): string {
  const ordered = element.tag === "ol";
  let number = Number.parseInt(element.attributes.start ?? "1", 10);
  if (!Number.isFinite(number)) number = 1;
  const items = element.children
    .filter((child): child is Element => typeof child !== "string" && child.tag === "li")
    .map((item) => {
      const marker = ordered ? `${number++}. ` : "- ";
      // Items are kept tight: a blank line inside one would make the whole list loose.
      return listItem(marker, renderChildren(item).replaceAll(BREAK, "\n"));
    })
    .filter((item) => item !== "");
  return items.length > 0 ? `${BREAK}${items.join("\n")}${BREAK}` : "";
}

function table(element: Element): string {
  const rows = findAll(element, "tr").map((row) =>
    row.children
      .filter((cell): cell is Element => typeof cell !== "string" && (cell.tag === "td" || cell.tag === "th"))
      .map((cell) => finish(renderChildren(cell)).replace(/\n+/g, " ").replaceAll("|", "\\|")),
  );
  const width = Math.max(0, ...rows.map((row) => row.length));
  if (width === 0) return "";
  const line = (cells: string[]) =>
    `| ${Array.from({ length: width }, (_, index) => cells[index] ?? "").join(" | ")} |`;
  const [head = [], ...body] = rows;
  return `${BREAK}${[line(head), line(Array(width).fill("---")), ...body.map(line)].join("\n")}${BREAK}`;
}

function render(node: Node): string {
  if (typeof node === "string") {
    return escapeMarkdown(decodeEntities(node).replace(/[ \t\r\n\f]+/g, " "));
  }
  const { tag } = node;
  if (DROPPED.has(tag)) return "";
  if (tag === "br") return "\n";
  if (tag === "hr") return `${BREAK}---${BREAK}`;
  if (tag === "bc-attachment") return attachment(node);
  if (tag === "img") {
    const source = node.attributes.src;
    if (!source) return "";
    return `![${escapeMarkdown(node.attributes.alt ?? "")}](${urlOf(source)})`;
  }
  if (tag === "pre") {
    // The code's own indentation is kept through the trimming of lines (see INDENT).
    const code = textOf(node)
      .replace(/^\n/, "")
      .replace(/\s+$/, "")
      .replace(/^[ \t]+/gm, (space) => INDENT.repeat(space.replaceAll("\t", "    ").length));
    const fence = code.includes("```") ? "````" : "```";
    return `${BREAK}${fence}\n${code}\n${fence}${BREAK}`;
  }
  const inner = () => renderChildren(node);
  const heading = HEADING.exec(tag);
  if (heading) {
    const text = finish(inner()).replace(/\s*\n\s*/g, " ");
    return text ? `${BREAK}${"#".repeat(Number(heading[1]))} ${text}${BREAK}` : "";
  }
  switch (tag) {
    case "strong":
    case "b":
      return wrap("**", inner());
    case "em":
    case "i":
    case "cite":
      return wrap("*", inner());
    case "strike":
    case "s":
    case "del":
      return wrap("~~", inner());
    case "code":
    case "kbd":
    case "samp":
    case "tt": {
      const code = textOf(node).replace(/\s+/g, " ");
      if (!code.trim()) return code;
      const ticks = code.includes("`") ? "``" : "`";
      return `${ticks}${ticks.length > 1 ? " " : ""}${code}${ticks.length > 1 ? " " : ""}${ticks}`;
    }
    case "a":
      return link(inner(), node.attributes.href);
    case "ul":
    case "ol":
      return list(node);
    case "li":
      // An item outside a list: a line of its own.
      return `${BREAK}${listItem("- ", inner())}${BREAK}`;
    case "blockquote": {
      const quoted = finish(inner())
        .split("\n")
        .map((line) => (line ? `> ${line}` : ">"))
        .join("\n");
      return quoted ? `${BREAK}${quoted}${BREAK}` : "";
    }
    case "table":
      return table(node);
    case "tr":
      return `${BREAK}${inner()}${BREAK}`;
    case "td":
    case "th":
      return `${inner()} `;
    default:
      return BLOCK.has(tag) ? `${BREAK}${inner()}${BREAK}` : inner();
  }
}

/**
 * Rendered text as Markdown: block edges become one blank line (none at the ends), spaces at the
 * start and end of lines are trimmed (list indents are not spaces yet), and more than one blank line
 * in a row becomes one.
 */
function finish(rendered: string): string {
  return rendered
    .split(BREAK)
    .map((block) =>
      block
        .split("\n")
        .map((line) => line.replace(/^[ \t]+/, "").replace(/[ \t\u00a0]+$/, ""))
        .join("\n")
        .replace(/^\n+|\n+$/g, ""),
    )
    .filter((block) => block.trim() !== "")
    .join("\n\n")
    .replace(/\n{3,}/g, "\n\n");
}

/**
 * HTML (a fragment or a whole document) as Markdown. Text without any tag is taken as plain text, as
 * it is (its lines kept): exports put plain text in some fields that are HTML in others.
 */
export function htmlToMarkdown(html: string | null | undefined): string {
  if (!html) return "";
  if (!/<[a-zA-Z!/?]/.test(html)) return html.replace(/\r\n?/g, "\n").trim();
  // The two marks rendering uses (BREAK, INDENT) are no text anyone writes.
  return finish(render(parse(html.replaceAll(BREAK, "").replaceAll(INDENT, ""))))
    .replaceAll(INDENT, " ")
    .replaceAll("\u00a0", " ")
    .trim();
}
