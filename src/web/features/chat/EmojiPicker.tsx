import { ActionIcon, Popover, SimpleGrid, Tooltip, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { chatIcons } from "./icons.js";

const COMMON_EMOJI: { emoji: string; name: string }[] = [
  { emoji: "👍", name: "thumbs up" },
  { emoji: "❤️", name: "heart" },
  { emoji: "😂", name: "laughing" },
  { emoji: "🎉", name: "party" },
  { emoji: "🙏", name: "thank you" },
  { emoji: "👀", name: "looking" },
  { emoji: "✅", name: "done" },
  { emoji: "🚀", name: "rocket" },
  { emoji: "😮", name: "surprised" },
  { emoji: "😢", name: "sad" },
  { emoji: "🔥", name: "fire" },
  { emoji: "💯", name: "hundred" },
];

/** A small palette of common reactions behind one button. */
export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <Popover opened={opened} onChange={(open) => !open && close()} position="bottom-end" withArrow trapFocus>
      <Popover.Target>
        <Tooltip label="Add reaction" openDelay={400}>
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={toggle}
            aria-label="Add reaction"
            aria-expanded={opened}
          >
            <UiIcon icon={chatIcons.react} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown p={6}>
        <SimpleGrid cols={6} spacing={2} role="group" aria-label="Reactions">
          {COMMON_EMOJI.map(({ emoji, name }) => (
            <UnstyledButton
              key={emoji}
              onClick={() => {
                onPick(emoji);
                close();
              }}
              aria-label={`React with ${name}`}
              title={name}
              fz="xl"
              p={4}
              style={{ borderRadius: 6, textAlign: "center" }}
            >
              {emoji}
            </UnstyledButton>
          ))}
        </SimpleGrid>
      </Popover.Dropdown>
    </Popover>
  );
}
