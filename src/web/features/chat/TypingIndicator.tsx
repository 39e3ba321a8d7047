import { Text } from "@mantine/core";
import { describeTypists, useTypingNames } from "./typing.js";

export function TypingIndicator({ channelId }: { channelId: string }) {
  const names = useTypingNames(channelId);
  return (
    <Text size="xs" c="dimmed" h={18} data-testid="typing-indicator" aria-live="polite">
      {describeTypists(names)}
    </Text>
  );
}
