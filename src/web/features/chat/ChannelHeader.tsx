import { Anchor, Badge, Group, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { UiIcon } from "../../app/ui/UiIcon.js";
import type { Channel } from "./api.js";
import { ChannelMembers } from "./ChannelMembers.js";
import { ChannelMenu } from "./ChannelMenu.js";
import { channelKindIcon } from "./icons.js";
import { channelLabel } from "./labels.js";
import { PinnedMessages } from "./PinnedMessages.js";

/** What the channel is, and always: chat is not where support happens. */
export function ChannelHeader({ channel }: { channel: Channel }) {
  return (
    <Stack gap={2} px="md" py="xs" style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" wrap="nowrap" miw={0}>
          {channel.isAnnouncements && <UiIcon icon={channelKindIcon(channel)} />}
          <Title order={2} size="h4" lineClamp={1}>
            {channelLabel(channel)}
          </Title>
          {channel.kind === "private" && (
            <Badge variant="light" color="gray">
              Private
            </Badge>
          )}
          {channel.archived && (
            <Badge variant="light" color="orange">
              Archived
            </Badge>
          )}
        </Group>
        <Group gap={4} wrap="nowrap">
          <ChannelMembers channel={channel} />
          <PinnedMessages channel={channel} />
          <ChannelMenu channel={channel} />
        </Group>
      </Group>
      {channel.topic && <Text size="sm">{channel.topic}</Text>}
      {channel.description && (
        <Text size="xs" c="dimmed" lineClamp={2}>
          {channel.description}
        </Text>
      )}
      {channel.isAnnouncements && (
        <Text size="xs">Only the product team posts here; everyone can react and reply in threads.</Text>
      )}
      <Text size="xs" c="dimmed">
        Chat is not the support channel — for help,{" "}
        <Anchor component={Link} to="/desk/new" inherit>
          open a ticket in the Service desk
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
