import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { notifyFailure } from "../../app/notify.js";
import { type Channel, chatApi, chatKeys } from "./api.js";
import { channelLabel } from "./labels.js";

function useJoin(onJoined: () => void) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (channel: Channel) => chatApi.join(channel.id),
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      onJoined();
      navigate(`/chat/${channel.id}`);
    },
    onError: (error) => notifyFailure(error.message),
  });
}

function JoinableChannel({
  channel,
  onJoin,
  joining,
}: {
  channel: Channel;
  onJoin: () => void;
  joining: boolean;
}) {
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start" component="li">
      <div>
        <Text fw={600}>{channelLabel(channel)}</Text>
        {channel.topic && (
          <Text size="sm" c="dimmed">
            {channel.topic}
          </Text>
        )}
      </div>
      <Button
        size="xs"
        variant="light"
        onClick={onJoin}
        loading={joining}
        aria-label={`Join ${channelLabel(channel)}`}
      >
        Join
      </Button>
    </Group>
  );
}

/** Public channels this person has not joined yet, to join in one click. */
export function BrowseChannelsButton({ channels }: { channels: Channel[] }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [filter, setFilter] = useState("");
  const join = useJoin(close);
  const joinable = channels
    .filter((channel) => !channel.isMember && channel.kind === "public" && !channel.archived)
    .filter((channel) =>
      `${channel.name} ${channel.topic}`.toLowerCase().includes(filter.trim().toLowerCase()),
    );

  return (
    <>
      <Button variant="subtle" size="compact-sm" onClick={open}>
        Browse channels
      </Button>
      <Modal opened={opened} onClose={close} title="Browse channels">
        <Stack gap="md">
          <TextInput
            label="Filter channels"
            value={filter}
            onChange={(event) => setFilter(event.currentTarget.value)}
            data-autofocus
          />
          {joinable.length === 0 ? (
            <Text c="dimmed">You are in every public channel{filter ? " that matches" : ""}.</Text>
          ) : (
            <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
              {joinable.map((channel) => (
                <JoinableChannel
                  key={channel.id}
                  channel={channel}
                  onJoin={() => join.mutate(channel)}
                  joining={join.isPending && join.variables?.id === channel.id}
                />
              ))}
            </Stack>
          )}
        </Stack>
      </Modal>
    </>
  );
}
