import { Combobox, Text, Textarea, type TextareaProps, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useSignedInMe } from "../../app/gates.js";
import { usePeople } from "../chat/api.js";
import { insertMention, type MentionToken, mentionTokenAt } from "../chat/mentions.js";

type MentionTextareaProps = Omit<TextareaProps, "value" | "onChange"> & {
  value: string;
  onChange: (value: string) => void;
};

/**
 * A Markdown textarea that offers people while `@` is typed and writes them as `@address`, the
 * form the server reads mentions in (the same parser and people search as chat's composer).
 */
export function MentionTextarea({ value, onChange, ...props }: MentionTextareaProps) {
  const me = useSignedInMe();
  const [caret, setCaret] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const caretAfterRender = useRef<number | null>(null);
  const combobox = useCombobox();

  const found = mentionTokenAt(value, caret);
  const token: MentionToken | null = found && found.start !== dismissedAt ? found : null;
  const [query] = useDebouncedValue(token?.query ?? "", 150);
  const people = usePeople(query, token !== null);
  const typed = token?.query.toLowerCase() ?? "";
  // The server's answer may be for what was typed a moment ago: only what still matches is offered.
  const options = token
    ? (people.data ?? [])
        .filter((person) => person.id !== me.id)
        .filter((person) => `${person.name} ${person.email}`.toLowerCase().includes(typed))
        .slice(0, 8)
    : [];

  const optionsKey = options.map((person) => person.email).join(" ");
  // The store is a new object on every render; what matters is which people are on offer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the offered people change.
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

  const choose = (email: string) => {
    if (!token) return;
    const next = insertMention(value, token, email);
    onChange(next.text);
    setCaret(next.caret);
    caretAfterRender.current = next.caret;
    textarea.current?.focus();
  };

  return (
    <Combobox store={combobox} onOptionSubmit={choose} position="bottom-start" width={320}>
      <Combobox.DropdownTarget>
        <Textarea
          {...props}
          ref={textarea}
          value={value}
          autosize
          aria-autocomplete="list"
          onChange={(event) => {
            onChange(event.currentTarget.value);
            setCaret(event.currentTarget.selectionStart);
            setDismissedAt(null);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={(event) => {
            if (!combobox.dropdownOpened || event.nativeEvent.isComposing) return;
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
              event.preventDefault();
              if (event.key === "ArrowDown") combobox.selectNextOption();
              else combobox.selectPreviousOption();
            } else if (
              (event.key === "Enter" || event.key === "Tab") &&
              combobox.getSelectedOptionIndex() !== -1
            ) {
              event.preventDefault();
              combobox.clickSelectedOption();
            } else if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              setDismissedAt(token?.start ?? null);
            }
          }}
          onBlur={() => setDismissedAt(token?.start ?? null)}
        />
      </Combobox.DropdownTarget>
      <Combobox.Dropdown>
        <Combobox.Options aria-label="People to mention">
          {options.map((person) => (
            <Combobox.Option value={person.email} key={person.email}>
              <Text size="sm" fw={500}>
                {person.name}
              </Text>
              <Text size="xs" c="dimmed">
                {person.email}
              </Text>
            </Combobox.Option>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
