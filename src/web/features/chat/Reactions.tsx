import { Button, Group } from "@mantine/core";
import type { Reaction } from "./api.js";

type ReactionsProps = { reactions: Reaction[]; myId: string; onToggle?: (emoji: string) => void };

/** Each reaction with its count; one's own are highlighted and clicking toggles them. */
export function Reactions({ reactions, myId, onToggle }: ReactionsProps) {
  if (reactions.length === 0) return null;
  return (
    <Group gap={4} mt={4}>
      {reactions.map(({ emoji, userIds }) => {
        const mine = userIds.includes(myId);
        const count = userIds.length;
        return (
          <Button
            key={emoji}
            size="compact-xs"
            radius="xl"
            variant={mine ? "light" : "default"}
            aria-pressed={mine}
            aria-label={`${emoji} ${count}, ${mine ? "remove your reaction" : "react too"}`}
            onClick={() => onToggle?.(emoji)}
            disabled={!onToggle}
          >
            {emoji} {count}
          </Button>
        );
      })}
    </Group>
  );
}
