import { Box, Button, CloseButton, Divider, Group, Stack, Text, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type Channel, useThread } from "./api.js";
import { Composer } from "./Composer.js";
import classes from "./chat.module.css";
import { useFollowLevel } from "./follows.js";
import { channelLabel } from "./labels.js";
import type { Abilities } from "./MessageActions.js";
import { MessageRow } from "./MessageRow.js";

type ThreadPaneProps = {
  channel: Channel;
  rootId: string;
  abilities: Abilities;
  highlightId: string | null;
  onClose: () => void;
};

function replyRefusal(channel: Channel, abilities: Abilities): string | null {
  if (abilities.reply) return null;
  return channel.archived
    ? "This channel is archived: it can be read, not written to."
    : "Join the channel to reply.";
}

/**
 * Following a thread: whoever started it or replied follows it unless they unfollow (mute) it;
 * anyone else who may read it can follow it.
 */
function FollowThreadButton({ rootId, participant }: { rootId: string; participant: boolean }) {
  const { level, isPending, change } = useFollowLevel({ type: "chat_thread", id: rootId });
  if (isPending) return null;
  const following = level === "follow" || (level !== "mute" && participant);
  return (
    <Button
      size="compact-sm"
      variant="default"
      aria-pressed={following}
      loading={change.isPending}
      onClick={() => change.mutate(following ? "mute" : "follow")}
    >
      {following ? "Unfollow" : "Follow"}
    </Button>
  );
}

/** A message and its replies, with a composer that may also send the reply to the channel. */
export function ThreadPane({ channel, rootId, abilities, highlightId, onClose }: ThreadPaneProps) {
  const thread = useThread(rootId);
  const [editingId, setEditingId] = useState<string | null>(null);
  const pane = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const replyCount = thread.data?.replies.length ?? 0;

  // New replies show at the end, where the composer is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the number of replies.
  useEffect(() => {
    const element = scroller.current;
    const target = highlightId && element?.querySelector(`[data-message-id="${highlightId}"]`);
    if (target) target.scrollIntoView({ block: "center" });
    else if (element) element.scrollTop = element.scrollHeight;
  }, [replyCount, highlightId]);

  const lastMine = () =>
    thread.data?.replies.findLast(
      (reply) => reply.author.id === abilities.myId && !reply.deleted && !reply.delivery,
    );

  return (
    <Stack
      ref={pane}
      gap={0}
      h="100%"
      component="aside"
      aria-label="Thread"
      data-testid="thread-pane"
      onKeyDown={(event) => {
        // Menus and pickers live in portals outside the pane: their Escape is theirs.
        if (event.key === "Escape" && event.target instanceof Node && pane.current?.contains(event.target)) {
          onClose();
        }
      }}
    >
      <Group
        justify="space-between"
        wrap="nowrap"
        px="md"
        py="xs"
        style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}
      >
        <div>
          <Title order={2} size="h5">
            Thread
          </Title>
          <Text size="xs" c="dimmed">
            {channelLabel(channel)}
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          {thread.data && (
            <FollowThreadButton
              rootId={rootId}
              participant={[thread.data.root, ...thread.data.replies].some(
                (message) => message.author.id === abilities.myId,
              )}
            />
          )}
          <CloseButton aria-label="Close thread" onClick={onClose} />
        </Group>
      </Group>
      {thread.isPending && <PageLoader />}
      <ErrorAlert error={thread.error} />
      {thread.data && (
        <div ref={scroller} className={classes.scroller}>
          <Box py="xs">
            <MessageRow
              message={thread.data.root}
              abilities={abilities}
              grouped={false}
              highlighted={highlightId === rootId}
              editing={editingId === rootId}
              onEditingChange={(editing) => setEditingId(editing ? rootId : null)}
            />
            <Divider
              my="xs"
              label={replyCount === 1 ? "1 reply" : `${replyCount} replies`}
              labelPosition="left"
              px="md"
            />
            {thread.data.replies.map((reply, index) => {
              const previous = index === 0 ? undefined : thread.data.replies[index - 1];
              return (
                <MessageRow
                  key={reply.id}
                  message={reply}
                  abilities={abilities}
                  grouped={previous?.author.id === reply.author.id && !previous.deleted}
                  highlighted={highlightId === reply.id}
                  editing={editingId === reply.id}
                  onEditingChange={(editing) => setEditingId(editing ? reply.id : null)}
                />
              );
            })}
          </Box>
        </div>
      )}
      {thread.data && !thread.data.root.deleted && (
        <Box px="md" pb="sm" pt={4}>
          <Composer
            key={rootId}
            channelId={channel.id}
            label="Reply"
            placeholder="Reply…"
            threadRootId={rootId}
            refusal={replyRefusal(channel, abilities)}
            onEditLast={() => setEditingId(lastMine()?.id ?? null)}
            onEscape={onClose}
          />
        </Box>
      )}
    </Stack>
  );
}
