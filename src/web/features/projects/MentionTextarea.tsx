import { Combobox, Textarea, type TextareaProps } from "@mantine/core";
import { MentionOptions, useMentions } from "../../app/mentions.js";

type MentionTextareaProps = Omit<TextareaProps, "value" | "onChange"> & {
  value: string;
  onChange: (value: string) => void;
};

/**
 * A Markdown textarea that offers people while `@` is typed and writes them as `@address`, the
 * form the server reads mentions in (the same parser and people search as chat's composer).
 */
export function MentionTextarea({ value, onChange, ...props }: MentionTextareaProps) {
  const mentions = useMentions(value, onChange);
  return (
    <Combobox store={mentions.combobox} onOptionSubmit={mentions.choose} position="bottom-start" width={320}>
      <Combobox.DropdownTarget>
        <Textarea
          {...props}
          {...mentions.textareaProps}
          value={value}
          autosize
          onChange={(event) => {
            onChange(event.currentTarget.value);
            mentions.typed(event);
          }}
          onKeyDown={mentions.onKeyDown}
        />
      </Combobox.DropdownTarget>
      <MentionOptions options={mentions.options} />
    </Combobox>
  );
}
