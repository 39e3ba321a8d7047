import { Center, Divider, Loader, Stack, Text } from "@mantine/core";
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { type Channel, type Message, useChannelMessages } from "./api.js";
import classes from "./chat.module.css";
import { channelLabel, formatDay, sameDay } from "./labels.js";
import type { Abilities } from "./MessageActions.js";
import { MessageRow } from "./MessageRow.js";

/** Messages this close together by the same person read as one block. */
const GROUP_WINDOW_MS = 5 * 60_000;
const NEAR_EDGE_PX = 200;
/** How far back a link to an old message may make us page before giving up. */
const MAX_JUMP_PAGES = 20;

type MessageListProps = {
  channel: Channel;
  abilities: Abilities;
  /** The message a link points at (`?message=`): brought into view and highlighted. */
  highlightId: string | null;
  editingId: string | null;
  onEditingChange: (id: string | null) => void;
  onOpenThread: (rootId: string) => void;
};

const startsGroup = (previous: Message | undefined, message: Message) =>
  !previous ||
  previous.author.id !== message.author.id ||
  previous.deleted ||
  new Date(message.createdAt).getTime() - new Date(previous.createdAt).getTime() > GROUP_WINDOW_MS;

/**
 * Where the "new messages" line goes: before the first message someone else posted after what was
 * read when the channel was opened. Messages arriving while one watches get no line.
 */
function useNewMessagesLine(channel: Channel, messages: Message[], myId: string): string | null {
  const [opened] = useState(() => ({ readSeq: channel.lastReadSeq, lastSeq: channel.lastMessageSeq }));
  if (!channel.isMember) return null;
  const first = messages.find(
    (message) =>
      message.seq > opened.readSeq &&
      message.seq <= opened.lastSeq &&
      message.author.id !== myId &&
      !message.delivery,
  );
  return first?.id ?? null;
}

/**
 * The channel's history with the newest at the bottom: opens at the "new messages" line (or the
 * end), follows new messages while at the end, and loads older pages when scrolled near the top.
 */
export function MessageList(props: MessageListProps) {
  const { channel, abilities, highlightId, editingId, onEditingChange, onOpenThread } = props;
  const query = useChannelMessages(channel.id);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const messages = useMemo(
    () => (query.data ? query.data.pages.toReversed().flatMap((page) => page.messages) : []),
    [query.data],
  );
  const lineBefore = useNewMessagesLine(channel, messages, abilities.myId);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const placed = useRef(false);
  const before = useRef({ oldestId: "", height: 0 });
  const jump = useRef({ target: "", pages: 0, done: false });
  const [highlighted, setHighlighted] = useState<string | null>(null);

  const loadOlder = () => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  };

  // After every change: keep the reader's place when older messages arrive above, follow the end.
  useLayoutEffect(() => {
    const element = scroller.current;
    const oldestId = messages[0]?.id ?? "";
    if (!element || messages.length === 0) return;
    if (!placed.current && !highlightId) {
      placed.current = true;
      const line = lineBefore && element.querySelector(`[data-message-id="${lineBefore}"]`);
      if (line instanceof HTMLElement) {
        element.scrollTop = line.offsetTop - element.clientHeight / 3;
        atEnd.current = false;
      } else {
        element.scrollTop = element.scrollHeight;
      }
    } else if (before.current.oldestId && oldestId !== before.current.oldestId) {
      element.scrollTop += element.scrollHeight - before.current.height;
    } else if (atEnd.current) {
      element.scrollTop = element.scrollHeight;
    }
    before.current = { oldestId, height: element.scrollHeight };
  });

  // Images load after layout; while at the end, stay there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the elements exist once messages are shown.
  useEffect(() => {
    const element = scroller.current;
    const inner = content.current;
    if (!element || !inner) return;
    const observer = new ResizeObserver(() => {
      if (atEnd.current) element.scrollTop = element.scrollHeight;
      before.current.height = element.scrollHeight;
    });
    observer.observe(inner);
    return () => observer.disconnect();
  }, [query.isSuccess]);

  // Opening at the top, or with a history too short to scroll, gives no scroll event to page on.
  useEffect(() => {
    const element = scroller.current;
    if (element && element.scrollTop < NEAR_EDGE_PX) loadOlder();
  });

  useEffect(() => {
    if (!highlightId || !query.data) return;
    if (jump.current.target !== highlightId) jump.current = { target: highlightId, pages: 0, done: false };
    if (jump.current.done) return;
    const row = scroller.current?.querySelector(`[data-message-id="${highlightId}"]`);
    if (row) {
      jump.current.done = true;
      placed.current = true;
      atEnd.current = false;
      row.scrollIntoView({ block: "center" });
      setHighlighted(highlightId);
    } else if (hasNextPage && jump.current.pages < MAX_JUMP_PAGES) {
      if (!isFetchingNextPage) {
        jump.current.pages += 1;
        void fetchNextPage();
      }
    } else {
      jump.current.done = true;
      notifyFailure("That message is not in this channel's history any more.");
    }
  }, [highlightId, query.data, hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (query.isPending) {
    return (
      <Center className={classes.scroller}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) return <ErrorAlert error={query.error} />;

  return (
    <div
      ref={scroller}
      className={classes.scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        if (element.scrollTop < NEAR_EDGE_PX) loadOlder();
      }}
      role="log"
      aria-label={`History of ${channelLabel(channel)}`}
    >
      <div ref={content}>
        <Stack gap={0} pb="xs">
          {isFetchingNextPage && (
            <Center py="sm">
              <Loader size="sm" aria-label="Loading earlier history" />
            </Center>
          )}
          {!hasNextPage && (
            <Text c="dimmed" size="sm" px="md" pt="md">
              This is the very beginning of {channelLabel(channel)}.
            </Text>
          )}
          {messages.map((message, index) => {
            const previous = messages[index - 1];
            const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
            const lineHere = message.id === lineBefore;
            return (
              <Fragment key={message.id}>
                {newDay && <Divider my="xs" label={formatDay(message.createdAt)} labelPosition="center" />}
                {lineHere && (
                  <Divider
                    my={4}
                    color="red"
                    label={
                      <Text size="xs" c="red" fw={600}>
                        New messages
                      </Text>
                    }
                    labelPosition="right"
                  />
                )}
                <MessageRow
                  message={message}
                  abilities={abilities}
                  grouped={!newDay && !lineHere && !startsGroup(previous, message)}
                  highlighted={highlighted === message.id}
                  editing={editingId === message.id}
                  onEditingChange={(editing) => onEditingChange(editing ? message.id : null)}
                  onOpenThread={() => onOpenThread(message.threadRootId ?? message.id)}
                />
              </Fragment>
            );
          })}
          {messages.length === 0 && (
            <Text c="dimmed" size="sm" px="md">
              No messages yet.
            </Text>
          )}
        </Stack>
      </div>
    </div>
  );
}
