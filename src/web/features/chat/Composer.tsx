import {
  ActionIcon,
  Button,
  Checkbox,
  Combobox,
  FileButton,
  Group,
  Pill,
  Stack,
  Text,
  Textarea,
  Tooltip,
  useCombobox,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { chatApi, type Upload } from "./api.js";
import { insertMention, type MentionToken, mentionTokenAt, useMentionOptions } from "./mentions.js";
import { usePosting } from "./mutations.js";
import { useTypingNotice } from "./typing.js";

type ComposerProps = {
  channelId: string;
  /** "Message" in the channel, "Reply" in a thread. */
  label: string;
  placeholder: string;
  threadRootId: string | null;
  /** Why this person cannot post here; the composer is shown disabled with this explanation. */
  refusal: string | null;
  /** Up in an empty composer: edit the last message one sent. */
  onEditLast?: () => void;
  onEscape?: () => void;
};

type PendingFile = { key: string; filename: string; upload: Upload | null };

function useUploads() {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const upload = useMutation({
    mutationFn: ({ file }: { file: File; key: string }) => chatApi.upload(file),
    onSuccess: (result, { key }) =>
      setFiles((current) => current.map((file) => (file.key === key ? { ...file, upload: result } : file))),
    onError: (error, { key, file }) => {
      setFiles((current) => current.filter((pending) => pending.key !== key));
      notifyFailure(`${file.name}: ${error.message}`);
    },
  });
  return {
    files,
    uploading: files.some((file) => file.upload === null),
    add: (chosen: File[]) => {
      for (const file of chosen) {
        const key = crypto.randomUUID();
        setFiles((current) => [...current, { key, filename: file.name, upload: null }]);
        upload.mutate({ file, key });
      }
    },
    remove: (key: string) => setFiles((current) => current.filter((file) => file.key !== key)),
    clear: () => setFiles([]),
  };
}

/**
 * Writes and sends messages. Enter sends, Shift+Enter adds a line, Up in an empty composer edits
 * one's last message, Escape leaves (closing a thread). `@` offers people and `@channel`.
 */
export function Composer({
  channelId,
  label,
  placeholder,
  threadRootId,
  refusal,
  onEditLast,
  onEscape,
}: ComposerProps) {
  const me = useSignedInMe();
  const { send } = usePosting();
  const notifyTyping = useTypingNotice(channelId);
  const uploads = useUploads();
  const [body, setBody] = useState("");
  const [caret, setCaret] = useState(0);
  const [alsoToChannel, setAlsoToChannel] = useState(false);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const caretAfterRender = useRef<number | null>(null);
  const combobox = useCombobox();

  const found = mentionTokenAt(body, caret);
  const token: MentionToken | null = found && found.start !== dismissedAt ? found : null;
  const options = useMentionOptions(token, me.id);
  const showOptions = token !== null && options.length > 0;

  const optionsKey = showOptions ? options.map((option) => option.value).join(" ") : "";
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

  const submit = () => {
    const text = body.trim();
    const sent = uploads.files.flatMap((file) => (file.upload ? [file.upload] : []));
    if ((!text && sent.length === 0) || uploads.uploading) return;
    send({
      channelId,
      // The server wants words; a message of files alone is named after them.
      body: text || sent.map((upload) => upload.filename).join(", "),
      threadRootId,
      alsoToChannel: threadRootId !== null && alsoToChannel,
      uploads: sent,
    });
    setBody("");
    setCaret(0);
    setAlsoToChannel(false);
    uploads.clear();
  };

  const chooseMention = (handle: string) => {
    if (!token) return;
    const next = insertMention(body, token, handle);
    setBody(next.text);
    setCaret(next.caret);
    caretAfterRender.current = next.caret;
    textarea.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (combobox.dropdownOpened) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (event.key === "ArrowDown") combobox.selectNextOption();
        else combobox.selectPreviousOption();
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && combobox.getSelectedOptionIndex() !== -1) {
        event.preventDefault();
        combobox.clickSelectedOption();
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setDismissedAt(token?.start ?? null);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (event.key === "ArrowUp" && body === "" && onEditLast) {
      event.preventDefault();
      onEditLast();
    } else if (event.key === "Escape" && onEscape) {
      event.preventDefault();
      onEscape();
    }
  };

  const disabled = refusal !== null;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap={6}>
        <Combobox store={combobox} onOptionSubmit={chooseMention} position="top-start" width={320}>
          <Combobox.DropdownTarget>
            <Textarea
              ref={textarea}
              aria-label={label}
              description={refusal}
              placeholder={disabled ? undefined : placeholder}
              disabled={disabled}
              value={body}
              autosize
              minRows={1}
              maxRows={10}
              aria-autocomplete="list"
              aria-controls={combobox.dropdownOpened ? (combobox.listId ?? undefined) : undefined}
              onChange={(event) => {
                setBody(event.currentTarget.value);
                setCaret(event.currentTarget.selectionStart);
                setDismissedAt(null);
                if (event.currentTarget.value.trim()) notifyTyping();
              }}
              onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
              onKeyDown={onKeyDown}
              onBlur={() => setDismissedAt(token?.start ?? null)}
            />
          </Combobox.DropdownTarget>
          <Combobox.Dropdown>
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
        </Combobox>
        {uploads.files.length > 0 && (
          <Group gap={4}>
            {uploads.files.map((file) => (
              <Pill
                key={file.key}
                withRemoveButton
                onRemove={() => uploads.remove(file.key)}
                removeButtonProps={{ "aria-label": `Remove ${file.filename}` }}
              >
                {file.upload ? file.filename : `${file.filename} (uploading…)`}
              </Pill>
            ))}
          </Group>
        )}
        {!disabled && (
          <Group justify="space-between" gap="xs">
            <Group gap="xs">
              <FileButton onChange={uploads.add} multiple>
                {(props) => (
                  <Tooltip label="Attach files" openDelay={400}>
                    <ActionIcon {...props} variant="subtle" color="gray" aria-label="Attach files">
                      <span aria-hidden>📎</span>
                    </ActionIcon>
                  </Tooltip>
                )}
              </FileButton>
              {threadRootId && (
                <Checkbox
                  size="xs"
                  label="Also send to channel"
                  checked={alsoToChannel}
                  onChange={(event) => setAlsoToChannel(event.currentTarget.checked)}
                />
              )}
              {!threadRootId && (
                <Text size="xs" c="dimmed" visibleFrom="sm">
                  Enter sends · Shift+Enter new line · Markdown works
                </Text>
              )}
            </Group>
            <Button type="submit" size="compact-sm" disabled={uploads.uploading}>
              Send
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
