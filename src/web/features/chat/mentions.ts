import { useDebouncedValue } from "@mantine/hooks";
import { usePeople } from "./api.js";

/** The `@word` being typed just before the caret, if any. */
export type MentionToken = { start: number; end: number; query: string };

export function mentionTokenAt(text: string, caret: number): MentionToken | null {
  const match = /(^|\s)@([\w.+-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, end: caret, query };
}

type MentionOption = { value: string; label: string; hint: string };

/** People (written `@address`) and `@channel` matching the token, for the composer's list. */
export function useMentionOptions(token: MentionToken | null, myId: string): MentionOption[] {
  const [query] = useDebouncedValue(token?.query ?? "", 150);
  const people = usePeople(query, token !== null);
  if (!token) return [];
  const typed = token.query.toLowerCase();
  const everyone = "channel".startsWith(typed)
    ? [{ value: "channel", label: "@channel", hint: "Notify everyone in this channel" }]
    : [];
  // The server's answer may be for what was typed a moment ago: only what still matches is offered.
  const matching = (people.data ?? [])
    .filter((person) => person.id !== myId)
    .filter((person) => `${person.name} ${person.email}`.toLowerCase().includes(typed))
    .slice(0, 8)
    .map((person) => ({ value: person.email, label: person.name, hint: person.email }));
  return typed ? [...everyone, ...matching] : [...matching, ...everyone];
}

/** The text with the token replaced by the mention and a space, and where the caret goes. */
export function insertMention(text: string, token: MentionToken, handle: string) {
  const inserted = `@${handle} `;
  return {
    text: text.slice(0, token.start) + inserted + text.slice(token.end),
    caret: token.start + inserted.length,
  };
}
