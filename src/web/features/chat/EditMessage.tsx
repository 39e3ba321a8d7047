import { Button, Group, Stack, Textarea } from "@mantine/core";
import { useState } from "react";
import type { Message } from "./api.js";
import { useEditMessage } from "./mutations.js";

/** Edits a message in place: Enter saves, Shift+Enter adds a line, Escape cancels. */
export function EditMessage({ message, onDone }: { message: Message; onDone: () => void }) {
  const [body, setBody] = useState(message.body);
  const edit = useEditMessage();
  const save = () => {
    if (body.trim() === "" || body === message.body) return onDone();
    edit.mutate({ message, body }, { onSuccess: onDone });
  };
  return (
    <Stack gap={6} py={4}>
      <Textarea
        label="Edit message"
        value={body}
        onChange={(event) => setBody(event.currentTarget.value)}
        autosize
        minRows={1}
        maxRows={12}
        autoFocus
        onFocus={(event) => event.currentTarget.setSelectionRange(body.length, body.length)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onDone();
          } else if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <Group gap="xs">
        <Button size="compact-sm" onClick={save} loading={edit.isPending}>
          Save
        </Button>
        <Button size="compact-sm" variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
