import { Anchor, Button, Group, Text } from "@mantine/core";
import mentionClasses from "../../app/ui/mentions.module.css";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { Attachments } from "./Attachments.js";
import type { Message } from "./api.js";
import classes from "./chat.module.css";
import { EditMessage } from "./EditMessage.js";
import { chatIcons } from "./icons.js";
import { formatTime } from "./labels.js";
import { type Abilities, MessageActions } from "./MessageActions.js";
import { usePosting, useToggleReaction } from "./mutations.js";
import { PresenceDot } from "./PresenceDot.js";
import { Reactions } from "./Reactions.js";
import { SupportPrompt, TicketLink } from "./SupportPrompt.js";

type MessageRowProps = {
  message: Message;
  abilities: Abilities;
  /** Follows a message by the same author shortly before: the name is not repeated. */
  grouped: boolean;
  highlighted: boolean;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  /** In the channel: opens the message's thread. Absent in the thread pane itself. */
  onOpenThread?: () => void;
};

function Delivery({ message }: { message: Message }) {
  const { retry, discard } = usePosting();
  if (message.delivery === "sending") {
    return (
      <Text size="xs" c="dimmed">
        Sending…
      </Text>
    );
  }
  return (
    <Group gap={6}>
      <Text size="xs" c="red">
        Not sent.
      </Text>
      <Anchor component="button" type="button" size="xs" onClick={() => retry(message)}>
        Try again
      </Anchor>
      <Anchor component="button" type="button" size="xs" c="dimmed" onClick={() => discard(message)}>
        Discard
      </Anchor>
    </Group>
  );
}

function Body({ message }: { message: Message }) {
  if (message.deleted) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        message deleted
      </Text>
    );
  }
  if (message.delivery) {
    return (
      <Text size="sm" className={classes.plain}>
        {message.body}
      </Text>
    );
  }
  return (
    <div
      className={`${classes.body} ${mentionClasses.mentions}`}
      data-edited={message.editedAt ? true : undefined}
    >
      <ServerHtml html={message.bodyHtml} />
      {message.editedAt && (
        <Text span size="xs" c="dimmed" ml={4}>
          (edited)
        </Text>
      )}
    </div>
  );
}

function ReplySummary({ message, onOpen }: { message: Message; onOpen: () => void }) {
  if (message.replyCount === 0) return null;
  return (
    <Group gap={6} mt={2}>
      <Button variant="subtle" size="compact-xs" onClick={onOpen} px={4}>
        {message.replyCount === 1 ? "1 reply" : `${message.replyCount} replies`}
      </Button>
      {message.lastReplyAt && (
        <Text size="xs" c="dimmed">
          last {formatTime(message.lastReplyAt)}
        </Text>
      )}
    </Group>
  );
}

/** One message: who and when (once per group), the text, files, reactions, replies and actions. */
export function MessageRow(props: MessageRowProps) {
  const { message, abilities, grouped, highlighted, editing, onEditingChange, onOpenThread } = props;
  const toggleReaction = useToggleReaction(abilities.myId);
  const mine = message.author.id === abilities.myId;
  const mentionsMe =
    message.mentions.includes(abilities.myId) || (message.mentionsChannel && abilities.isMember && !mine);
  const react = (emoji: string) => toggleReaction.mutate({ message, emoji });
  const live = !message.deleted && !message.delivery;

  return (
    <article
      className={classes.row}
      data-testid="message"
      data-message-id={message.id}
      data-grouped={grouped}
      data-highlighted={highlighted || undefined}
      data-mentions-me={mentionsMe || undefined}
      data-delivery={message.delivery}
      aria-label={`${message.author.name}, ${formatTime(message.createdAt)}`}
      // Focusable by a tap, so touch screens (no hover) can reach the actions too.
      tabIndex={-1}
    >
      {!grouped && (
        <Group gap={6} wrap="nowrap">
          <PersonName name={message.author.name} isStaff={message.author.isStaff} />
          <PresenceDot userId={message.author.id} />
          <Text component="time" dateTime={message.createdAt} size="xs" c="dimmed">
            {formatTime(message.createdAt)}
          </Text>
        </Group>
      )}
      {message.pinned && !message.deleted && (
        <Group gap={4} c="dimmed">
          <UiIcon icon={chatIcons.pinned} size="sm" />
          <Text size="xs">Pinned</Text>
        </Group>
      )}
      {editing ? (
        <EditMessage message={message} onDone={() => onEditingChange(false)} />
      ) : (
        <>
          <Body message={message} />
          {message.threadRootId && message.alsoToChannel && onOpenThread && (
            <Anchor component="button" type="button" size="xs" c="dimmed" onClick={onOpenThread}>
              replied in a thread
            </Anchor>
          )}
          <Attachments attachments={message.attachments} />
          <Reactions
            reactions={message.reactions}
            myId={abilities.myId}
            onToggle={abilities.react ? react : undefined}
          />
        </>
      )}
      {onOpenThread && <ReplySummary message={message} onOpen={onOpenThread} />}
      {message.delivery && <Delivery message={message} />}
      {live &&
        (mine && message.supportLike ? (
          <SupportPrompt message={message} />
        ) : (
          message.ticketId && <TicketLink ticketId={message.ticketId} mayOpen={mine || abilities.isStaff} />
        ))}
      {live && !editing && (
        <MessageActions
          message={message}
          abilities={abilities}
          onReact={react}
          onReply={onOpenThread && abilities.reply && !message.threadRootId ? onOpenThread : undefined}
          onEdit={() => onEditingChange(true)}
        />
      )}
    </article>
  );
}
