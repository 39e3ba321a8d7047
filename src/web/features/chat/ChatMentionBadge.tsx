import { Badge, VisuallyHidden } from "@mantine/core";
import { useChannels } from "./api.js";

/** Mentions waiting across every channel, for the navigation. */
export function ChatMentionBadge() {
  const channels = useChannels();
  const mentions = (channels.data ?? []).reduce((total, channel) => total + channel.mentions, 0);
  if (mentions === 0) return null;
  return (
    <Badge color="red" variant="filled" size="sm" circle={mentions < 10}>
      {mentions}
      <VisuallyHidden>{mentions === 1 ? " mention" : " mentions"}</VisuallyHidden>
    </Badge>
  );
}
