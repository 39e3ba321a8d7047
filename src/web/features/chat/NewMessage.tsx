import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type Contact, chatApi, chatKeys } from "./api.js";
import { PeoplePicker } from "./PeoplePicker.js";

/** A direct message holds at most 8 people: you and 7 others. */
const MAX_OTHERS = 7;

function NewMessageForm({ onDone }: { onDone: () => void }) {
  const me = useSignedInMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [people, setPeople] = useState<Contact[]>([]);
  const open = useMutation({
    mutationFn: () => chatApi.openDm(people.map((person) => person.id)),
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      onDone();
      navigate(`/chat/${channel.id}`);
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (people.length > 0) open.mutate();
      }}
    >
      <Stack gap="sm">
        <ErrorAlert error={open.error} />
        <PeoplePicker label="To" value={people} onChange={setPeople} max={MAX_OTHERS} excludeIds={[me.id]} />
        <Text size="xs" c="dimmed">
          One person, or a group of up to {MAX_OTHERS}. The same people always share one conversation.
        </Text>
        <Group justify="flex-end">
          <Button type="submit" disabled={people.length === 0} loading={open.isPending}>
            Open conversation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NewMessageButton() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="subtle" size="compact-sm" onClick={open}>
        New message
      </Button>
      <Modal opened={opened} onClose={close} title="New message">
        <NewMessageForm onDone={close} />
      </Modal>
    </>
  );
}
