import { Button, Group, Popover, ScrollArea, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type Channel, type Contact, chatApi, chatKeys, type Person, useChannelMembers } from "./api.js";
import { chatIcons } from "./icons.js";
import { PeoplePicker } from "./PeoplePicker.js";
import { PresenceDot } from "./PresenceDot.js";

function InviteForm({ channel, members }: { channel: Channel; members: Person[] }) {
  const queryClient = useQueryClient();
  const [people, setPeople] = useState<Contact[]>([]);
  const invite = useMutation({
    mutationFn: async () => {
      for (const person of people) await chatApi.invite(channel.id, person.id);
    },
    onSuccess: () => setPeople([]),
    onSettled: () => queryClient.invalidateQueries({ queryKey: chatKeys.members(channel.id) }),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (people.length > 0) invite.mutate();
      }}
    >
      <Stack gap={6}>
        <PeoplePicker
          label="Add people"
          value={people}
          onChange={setPeople}
          max={20}
          excludeIds={members.map((member) => member.id)}
          error={invite.error?.message}
        />
        <Button type="submit" size="compact-sm" disabled={people.length === 0} loading={invite.isPending}>
          Add to channel
        </Button>
      </Stack>
    </form>
  );
}

/** The member count, opening the list of members (and, in a private channel, a way to add people). */
export function ChannelMembers({ channel }: { channel: Channel }) {
  const isDm = channel.kind === "dm";
  const members = useChannelMembers(channel.id, !isDm);
  const list = isDm ? channel.members : (members.data ?? []);
  const count = isDm ? channel.members.length + 1 : members.data?.length;
  const canInvite = channel.kind === "private" && channel.isMember && !channel.archived;
  return (
    <Popover position="bottom-end" width={300} withArrow>
      <Popover.Target>
        <Button
          variant="default"
          size="compact-sm"
          aria-label={`Members: ${count ?? "…"}`}
          leftSection={<UiIcon icon={chatIcons.members} />}
        >
          {count ?? "…"}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <Text size="sm" fw={600}>
            {isDm ? "In this conversation" : "Members"}
          </Text>
          <ScrollArea.Autosize mah={260}>
            <Stack gap={6}>
              {list.map((person) => (
                <Group key={person.id} gap={6} wrap="nowrap">
                  <PresenceDot userId={person.id} />
                  <PersonName name={person.name} isStaff={person.isStaff} />
                  <Text size="xs" c="dimmed" truncate>
                    {person.organisation.name}
                  </Text>
                </Group>
              ))}
            </Stack>
          </ScrollArea.Autosize>
          {canInvite && <InviteForm channel={channel} members={list} />}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
