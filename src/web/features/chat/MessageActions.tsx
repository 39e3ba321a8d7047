import { ActionIcon, Button, Group, Menu, Modal, Paper, Text, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconDots } from "@tabler/icons-react";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { LinkToIdeaDialog } from "../ideas/LinkToIdeaDialog.js";
import { useDraftArticle } from "../knowledge/DraftArticleButton.js";
import type { Message } from "./api.js";
import classes from "./chat.module.css";
import { EmojiPicker } from "./EmojiPicker.js";
import { chatIcons } from "./icons.js";
import { useDeleteMessage, usePin } from "./mutations.js";

/** What this person may do with the messages of the channel on screen. */
export type Abilities = {
  react: boolean;
  reply: boolean;
  pin: boolean;
  isStaff: boolean;
  /** In the channel, so an @channel there mentions me. */
  isMember: boolean;
  myId: string;
};

type MessageActionsProps = {
  message: Message;
  abilities: Abilities;
  onReact: (emoji: string) => void;
  onReply?: () => void;
  onEdit: () => void;
};

function ConfirmDelete({
  message,
  opened,
  onClose,
}: {
  message: Message;
  opened: boolean;
  onClose: () => void;
}) {
  const remove = useDeleteMessage();
  return (
    <Modal opened={opened} onClose={onClose} title="Delete this message?" size="sm">
      <Text size="sm">Everyone will see "message deleted" in its place. This cannot be undone.</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          color="red"
          loading={remove.isPending}
          onClick={() => remove.mutate(message, { onSuccess: onClose })}
        >
          Delete
        </Button>
      </Group>
    </Modal>
  );
}

/** The toolbar that appears over a message under the pointer or keyboard focus. */
export function MessageActions({ message, abilities, onReact, onReply, onEdit }: MessageActionsProps) {
  const pin = usePin();
  const draftArticle = useDraftArticle();
  const [confirming, { open: confirmDelete, close: closeConfirm }] = useDisclosure(false);
  const [linking, { open: openLink, close: closeLink }] = useDisclosure(false);
  const mine = message.author.id === abilities.myId;
  const canDelete = mine || abilities.isStaff;

  return (
    <Paper withBorder shadow="xs" p={2} className={classes.actions}>
      <Group gap={2} wrap="nowrap">
        {abilities.react && <EmojiPicker onPick={onReact} />}
        {onReply && (
          <Tooltip label="Reply in thread" openDelay={400}>
            <ActionIcon variant="subtle" color="gray" onClick={onReply} aria-label="Reply in thread">
              <UiIcon icon={chatIcons.reply} />
            </ActionIcon>
          </Tooltip>
        )}
        {/* Everyone who reads a message may link it to an idea, so the menu is always there. */}
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label="More actions">
              <UiIcon icon={IconDots} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            {abilities.pin && (
              <Menu.Item onClick={() => pin.mutate(message)}>
                {message.pinned ? "Unpin from channel" : "Pin to channel"}
              </Menu.Item>
            )}
            {mine && <Menu.Item onClick={onEdit}>Edit message</Menu.Item>}
            {abilities.isStaff && (
              <Menu.Item onClick={() => draftArticle.mutate({ kind: "chat_message", id: message.id })}>
                Make help article
              </Menu.Item>
            )}
            <Menu.Item onClick={openLink}>Link to idea</Menu.Item>
            {canDelete && (
              <Menu.Item color="red" onClick={confirmDelete}>
                Delete message
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <ConfirmDelete message={message} opened={confirming} onClose={closeConfirm} />
      {linking && <LinkToIdeaDialog messageId={message.id} opened={linking} onClose={closeLink} />}
    </Paper>
  );
}
