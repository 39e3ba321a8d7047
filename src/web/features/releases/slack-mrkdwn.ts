/** One run of Slack mrkdwn as Slack shows it: plain, bold, italic, struck, code, or a link. */
export type MrkdwnRun =
  | { kind: "text" | "bold" | "italic" | "strike" | "code"; text: string }
  | { kind: "link"; text: string; href: string };

const fromSlackEscapes = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

const SPAN = /<([^|>\s]+)(?:\|([^>]*))?>|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|`([^`\n]+)`/g;

/**
 * Splits Slack mrkdwn (what the release webhook sends) into runs to render as text: never as HTML, so a
 * release note can put nothing into the page. Only links to http(s) and mailto stay links.
 */
export function parseMrkdwn(source: string): MrkdwnRun[] {
  const runs: MrkdwnRun[] = [];
  let last = 0;
  for (const match of source.matchAll(SPAN)) {
    const index = match.index ?? 0;
    if (index > last) runs.push({ kind: "text", text: fromSlackEscapes(source.slice(last, index)) });
    const [, href, label, bold, italic, strike, code] = match;
    if (href !== undefined) {
      const text = fromSlackEscapes(label ?? href);
      runs.push(/^(https?:|mailto:)/i.test(href) ? { kind: "link", text, href } : { kind: "text", text });
    } else if (bold !== undefined) runs.push({ kind: "bold", text: fromSlackEscapes(bold) });
    else if (italic !== undefined) runs.push({ kind: "italic", text: fromSlackEscapes(italic) });
    else if (strike !== undefined) runs.push({ kind: "strike", text: fromSlackEscapes(strike) });
    else if (code !== undefined) runs.push({ kind: "code", text: fromSlackEscapes(code) });
    last = index + match[0].length;
  }
  if (last < source.length) runs.push({ kind: "text", text: fromSlackEscapes(source.slice(last)) });
  return runs;
}
