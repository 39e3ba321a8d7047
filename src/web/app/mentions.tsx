/**
 * `@` mentions in a textarea, as chat's composer and the project post editor offer them: people
 * (written `@address`, the form the server reads mentions in) and, where asked, `@channel`.
 */
import { Combobox, type ComboboxStore, Text, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";
import { searchPeople } from "../../server/modules/chat/contracts/search.js";
import { callApi } from "./api.js";
import { useSignedInMe } from "./gates.js";

/** The `@word` being typed just before the caret, if any. */
export type MentionToken = { start: number; end: number; query: string };

export function mentionTokenAt(text: string, caret: number): MentionToken | null {
  const match = /(^|\s)@([\w.+-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, end: caret, query };
}

/** The text with the token replaced by the mention and a space, and where the caret goes. */
export function insertMention(text: string, token: MentionToken, handle: string) {
  const inserted = `@${handle} `;
  return {
    text: text.slice(0, token.start) + inserted + text.slice(token.end),
    caret: token.start + inserted.length,
  };
}

export type MentionOption = { value: string; label: string; hint: string };

/** People (and `@channel` when offered) matching the token. */
function useMentionOptions(token: MentionToken | null, withChannel: boolean): MentionOption[] {
  const me = useSignedInMe();
  const [query] = useDebouncedValue(token?.query ?? "", 150);
  // The same cache entry as chat's people search, so the picker and the mentions share answers.
  const people = useQuery({
    queryKey: ["chat", "people", query],
    queryFn: () => callApi(searchPeople, { query: { q: query } }),
    select: (data) => data.people,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
    enabled: token !== null,
  });
  if (!token) return [];
  const typed = token.query.toLowerCase();
  const everyone =
    withChannel && "channel".startsWith(typed)
      ? [{ value: "channel", label: "@channel", hint: "Notify everyone in this channel" }]
      : [];
  // The server's answer may be for what was typed a moment ago: only what still matches is offered.
  const matching = (people.data ?? [])
    .filter((person) => person.id !== me.id)
    .filter((person) => `${person.name} ${person.email}`.toLowerCase().includes(typed))
    .slice(0, 8)
    .map((person) => ({ value: person.email, label: person.name, hint: person.email }));
  return typed ? [...everyone, ...matching] : [...matching, ...everyone];
}

export type Mentions = {
  combobox: ComboboxStore;
  options: MentionOption[];
  /** Writes the chosen handle over the token; the Combobox's `onOptionSubmit`. */
  choose: (handle: string) => void;
  /** Spread on the textarea: tracks the caret and closes the list when it loses focus. */
  textareaProps: {
    ref: RefObject<HTMLTextAreaElement | null>;
    "aria-autocomplete": "list";
    "aria-controls": string | undefined;
    onSelect: (event: { currentTarget: HTMLTextAreaElement }) => void;
    onBlur: () => void;
  };
  /** Call from the textarea's onChange after the new text is set. */
  typed: (event: { currentTarget: HTMLTextAreaElement }) => void;
  /** Arrow keys, Enter/Tab and Escape while the list is open; true when the key was used. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
};

/** The mention list of one textarea holding `value`; `onChange` receives the text with a mention. */
export function useMentions(
  value: string,
  onChange: (value: string) => void,
  { withChannel = false }: { withChannel?: boolean } = {},
): Mentions {
  const [caret, setCaret] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const caretAfterRender = useRef<number | null>(null);
  const combobox = useCombobox();

  const found = mentionTokenAt(value, caret);
  const token: MentionToken | null = found && found.start !== dismissedAt ? found : null;
  const options = useMentionOptions(token, withChannel);

  const optionsKey = options.map((option) => option.value).join(" ");
  // The store is a new object on every render; what matters is which options are on offer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the offered options change.
  useEffect(() => {
    if (optionsKey) {
      combobox.openDropdown();
      combobox.selectFirstOption();
    } else {
      combobox.closeDropdown();
    }
  }, [optionsKey]);

  useLayoutEffect(() => {
    if (caretAfterRender.current === null) return;
    textarea.current?.setSelectionRange(caretAfterRender.current, caretAfterRender.current);
    caretAfterRender.current = null;
  });

  const choose = (handle: string) => {
    if (!token) return;
    const next = insertMention(value, token, handle);
    onChange(next.text);
    setCaret(next.caret);
    caretAfterRender.current = next.caret;
    textarea.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!combobox.dropdownOpened || event.nativeEvent.isComposing) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (event.key === "ArrowDown") combobox.selectNextOption();
      else combobox.selectPreviousOption();
      return true;
    }
    if ((event.key === "Enter" || event.key === "Tab") && combobox.getSelectedOptionIndex() !== -1) {
      event.preventDefault();
      combobox.clickSelectedOption();
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setDismissedAt(token?.start ?? null);
      return true;
    }
    return false;
  };

  return {
    combobox,
    options,
    choose,
    textareaProps: {
      ref: textarea,
      "aria-autocomplete": "list",
      "aria-controls": combobox.dropdownOpened ? (combobox.listId ?? undefined) : undefined,
      onSelect: (event) => setCaret(event.currentTarget.selectionStart),
      onBlur: () => setDismissedAt(token?.start ?? null),
    },
    typed: (event) => {
      setCaret(event.currentTarget.selectionStart);
      setDismissedAt(null);
    },
    onKeyDown,
  };
}

/**
 * The list of people to mention, inside the textarea's `<Combobox>`. With no one to offer it is
 * hidden at once, not faded out: a list box on screen must hold options, and one emptied while its
 * closing transition runs would hold none.
 */
export function MentionOptions({ options }: { options: MentionOption[] }) {
  return (
    <Combobox.Dropdown hidden={options.length === 0}>
      <Combobox.Options aria-label="People to mention">
        {options.map((option) => (
          <Combobox.Option value={option.value} key={option.value}>
            <Text size="sm" fw={500}>
              {option.label}
            </Text>
            <Text size="xs" c="dimmed">
              {option.hint}
            </Text>
          </Combobox.Option>
        ))}
      </Combobox.Options>
    </Combobox.Dropdown>
  );
}
