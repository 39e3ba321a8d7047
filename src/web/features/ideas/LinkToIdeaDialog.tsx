import { Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { ideasApi, useIdeaRefresh, useIdeas } from "./api.js";

type Props = { messageId: string; opened: boolean; onClose: () => void };

/**
 * Links a chat message to an idea as evidence. The idea page quotes it only to people who may read
 * the channel, so linking a private conversation shows others nothing of it.
 */
export function LinkToIdeaDialog({ messageId, opened, onClose }: Props) {
  const ideas = useIdeas({ sort: "votes" });
  const refresh = useIdeaRefresh();
  const [ideaId, setIdeaId] = useState<string | null>(null);
  const link = useMutation({
    mutationFn: (id: string) => ideasApi.linkMessage(id, messageId),
    onSuccess: async (idea) => {
      notifySuccess(`The message is linked to "${idea.title}".`);
      await refresh(idea);
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Link to idea">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (ideaId) link.mutate(ideaId);
        }}
      >
        <Stack>
          <ErrorAlert error={link.error} />
          <Text size="sm">
            The idea's page quotes this message as evidence, only to people who can read this conversation.
          </Text>
          <Select
            label="Idea"
            placeholder="Search ideas"
            data={(ideas.data ?? []).map((idea) => ({ value: idea.id, label: idea.title }))}
            value={ideaId}
            onChange={setIdeaId}
            searchable
            nothingFoundMessage={ideas.isPending ? "Loading ideas…" : "No idea matches"}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!ideaId} loading={link.isPending}>
              Link
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
