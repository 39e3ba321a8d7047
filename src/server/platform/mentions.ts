import { markdownExcerpt, renderMarkdown } from "./markdown.js";

/** `@someone@example.org` and `@channel` / `@here`, as the composer writes them. */
const MENTION = /(^|[^\w@])@([a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|channel|here)\b/gi;

export function mentionedHandles(body: string): { emails: string[]; everyone: boolean } {
  const emails = new Set<string>();
  let everyone = false;
  for (const match of body.matchAll(MENTION)) {
    const handle = (match[2] ?? "").toLowerCase();
    if (handle === "channel" || handle === "here") everyone = true;
    else emails.add(handle);
  }
  return { emails: [...emails], everyone };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * Markdown through the one sanitizer, with mentions shown as names. Mentions are swapped for inert
 * placeholders before rendering and for escaped spans after it, so no user text reaches the HTML
 * unsanitized and Markdown cannot mangle an address into a mailto link.
 */
export function renderWithMentions(
  body: string,
  namesByEmail: Map<string, { id: string; name: string }>,
): string {
  const spans: string[] = [];
  const withPlaceholders = body.replace(MENTION, (whole, before: string, handle: string) => {
    const key = handle.toLowerCase();
    const person = namesByEmail.get(key);
    if (key === "channel" || key === "here") {
      spans.push(`<span class="mention mention-channel">@${key}</span>`);
    } else if (person) {
      spans.push(
        `<span class="mention" data-user-id="${escapeHtml(person.id)}">@${escapeHtml(person.name)}</span>`,
      );
    } else {
      return whole;
    }
    return `${before}CONVENEMENTION${spans.length - 1}X`;
  });
  return renderMarkdown(withPlaceholders).replace(
    /CONVENEMENTION(\d+)X/g,
    (_, index: string) => spans[Number(index)] ?? "",
  );
}

/**
 * A Markdown body as one line of plain text with mentions as the page shows them, by name: for the
 * excerpts of inboxes and e-mails, where an address would tell readers what they need not know.
 */
export function excerptWithMentions(body: string, namesByEmail: Map<string, { name: string }>): string {
  const named = body.replace(MENTION, (whole, before: string, handle: string) => {
    const person = namesByEmail.get(handle.toLowerCase());
    return person ? `${before}@${person.name}` : whole;
  });
  return markdownExcerpt(named);
}
