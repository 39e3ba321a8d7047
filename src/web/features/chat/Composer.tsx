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
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { type KeyboardEvent, useState } from "react";
import { MentionOptions, useMentions } from "../../app/mentions.js";
import { notifyFailure } from "../../app/notify.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { chatApi, type Upload } from "./api.js";
import { chatIcons } from "./icons.js";
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
  const { send } = usePosting();
  const notifyTyping = useTypingNotice(channelId);
  const uploads = useUploads();
  const [body, setBody] = useState("");
  const [alsoToChannel, setAlsoToChannel] = useState(false);
  const mentions = useMentions(body, setBody, { withChannel: true });

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
    setAlsoToChannel(false);
    uploads.clear();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || mentions.onKeyDown(event)) return;
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
        <Combobox store={mentions.combobox} onOptionSubmit={mentions.choose} position="top-start" width={320}>
          <Combobox.DropdownTarget>
            <Textarea
              {...mentions.textareaProps}
              aria-label={label}
              description={refusal}
              placeholder={disabled ? undefined : placeholder}
              disabled={disabled}
              value={body}
              autosize
              minRows={1}
              maxRows={10}
              onChange={(event) => {
                setBody(event.currentTarget.value);
                mentions.typed(event);
                if (event.currentTarget.value.trim()) notifyTyping();
              }}
              onKeyDown={onKeyDown}
            />
          </Combobox.DropdownTarget>
          <MentionOptions options={mentions.options} />
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
                      <UiIcon icon={chatIcons.attachment} />
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
