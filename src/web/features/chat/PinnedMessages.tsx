import { Anchor, Button, Popover, ScrollArea, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Link } from "react-router";
import mentionClasses from "../../app/ui/mentions.module.css";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { type Channel, usePins } from "./api.js";
import classes from "./chat.module.css";
import { chatIcons } from "./icons.js";

/** The channel's pinned messages, each a link to itself in the history. */
export function PinnedMessages({ channel }: { channel: Channel }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pins = usePins(channel.id, opened);
  return (
    <Popover
      opened={opened}
      onChange={(open) => !open && close()}
      position="bottom-end"
      width={360}
      withArrow
    >
      <Popover.Target>
        <Button
          variant="default"
          size="compact-sm"
          onClick={toggle}
          aria-expanded={opened}
          leftSection={<UiIcon icon={chatIcons.pinned} />}
        >
          Pinned
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <ScrollArea.Autosize mah={360}>
          <Stack gap="sm">
            {pins.isPending && <Text size="sm">Loading…</Text>}
            {pins.data?.length === 0 && (
              <Text size="sm" c="dimmed">
                Nothing is pinned here. Pin a message from its More actions menu.
              </Text>
            )}
            {pins.data?.map((message) => (
              <Stack key={message.id} gap={2}>
                <PersonName name={message.author.name} isStaff={message.author.isStaff} />
                <div className={`${classes.body} ${mentionClasses.mentions}`}>
                  <ServerHtml html={message.bodyHtml} />
                </div>
                <Anchor
                  component={Link}
                  to={`/chat/${channel.id}?message=${message.id}`}
                  size="xs"
                  onClick={close}
                >
                  Show in channel
                </Anchor>
              </Stack>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
