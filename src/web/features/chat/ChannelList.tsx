import { Badge, Group, NavLink, Stack, Text, VisuallyHidden } from "@mantine/core";
import { Link } from "react-router";
import { UiIcon } from "../../app/ui/UiIcon.js";
import type { Channel } from "./api.js";
import { BrowseChannelsButton } from "./BrowseChannels.js";
import { channelKindIcon } from "./icons.js";
import { channelLabel } from "./labels.js";
import { NewChannelButton } from "./NewChannel.js";
import { NewMessageButton } from "./NewMessage.js";
import { PresenceDot } from "./PresenceDot.js";

function ChannelIcon({ channel }: { channel: Channel }) {
  const [onlyOther] = channel.members;
  if (channel.kind === "dm" && channel.members.length === 1 && onlyOther) {
    return <PresenceDot userId={onlyOther.id} />;
  }
  return (
    <Text span c="dimmed" w={16} display="inline-flex">
      <UiIcon icon={channelKindIcon(channel)} />
    </Text>
  );
}

function Counts({ channel }: { channel: Channel }) {
  return (
    <Group gap={4} wrap="nowrap">
      {channel.mentions > 0 && (
        <Badge color="red" variant="filled" size="sm" circle={channel.mentions < 10}>
          {channel.mentions}
          <VisuallyHidden>{channel.mentions === 1 ? " mention" : " mentions"}</VisuallyHidden>
        </Badge>
      )}
      {channel.unread > 0 && (
        <Badge color="gray" variant="light" size="sm">
          {channel.unread}
          <VisuallyHidden> unread</VisuallyHidden>
        </Badge>
      )}
    </Group>
  );
}

function ChannelLink({ channel, current }: { channel: Channel; current: boolean }) {
  const unread = channel.unread > 0 || channel.mentions > 0;
  return (
    <NavLink
      component={Link}
      to={`/chat/${channel.id}`}
      active={current}
      aria-current={current ? "page" : undefined}
      leftSection={<ChannelIcon channel={channel} />}
      rightSection={<Counts channel={channel} />}
      label={
        <Text span size="sm" fw={unread ? 700 : undefined} c={channel.archived ? "dimmed" : undefined}>
          {channelLabel(channel)}
        </Text>
      }
      py={4}
    />
  );
}

function ChannelSection({
  title,
  channels,
  currentId,
}: {
  title: string;
  channels: Channel[];
  currentId?: string;
}) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm">
        {title}
      </Text>
      {channels.length === 0 && (
        <Text size="sm" c="dimmed" px="sm">
          None yet.
        </Text>
      )}
      {channels.map((channel) => (
        <ChannelLink key={channel.id} channel={channel} current={channel.id === currentId} />
      ))}
    </Stack>
  );
}

/** #announcements first, then the rest by name. */
const byImportance = (a: Channel, b: Channel) =>
  Number(b.isAnnouncements) - Number(a.isAnnouncements) || a.name.localeCompare(b.name);

/** The channels and conversations this person is in, with what is unread in each. */
export function ChannelList({ channels, currentId }: { channels: Channel[]; currentId?: string }) {
  const joined = channels.filter((channel) => channel.isMember);
  const rooms = joined.filter((channel) => channel.kind !== "dm").sort(byImportance);
  const conversations = joined.filter((channel) => channel.kind === "dm").sort(byImportance);
  return (
    <Stack gap="lg" data-testid="channel-list">
      <Stack gap={4}>
        <ChannelSection title="Channels" channels={rooms} currentId={currentId} />
        <Group gap={4} px={4}>
          <BrowseChannelsButton channels={channels} />
          <NewChannelButton />
        </Group>
      </Stack>
      <Stack gap={4}>
        <ChannelSection title="Direct messages" channels={conversations} currentId={currentId} />
        <Group gap={4} px={4}>
          <NewMessageButton />
        </Group>
      </Stack>
    </Stack>
  );
}
