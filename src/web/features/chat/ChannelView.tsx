import { Box, Button, Group, Text } from "@mantine/core";
import { useDocumentVisibility } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import type { Me } from "../../app/session.js";
import { type Channel, chatApi, chatKeys, type Message, useChannelMessages } from "./api.js";
import { ChannelHeader } from "./ChannelHeader.js";
import { Composer } from "./Composer.js";
import { channelLabel } from "./labels.js";
import type { Abilities } from "./MessageActions.js";
import { MessageList } from "./MessageList.js";
import { useMarkRead } from "./mutations.js";
import { TypingIndicator } from "./TypingIndicator.js";

export function abilitiesFor(channel: Channel, me: Me): Abilities {
  return {
    react: channel.isMember,
    reply: !channel.archived && (channel.isMember || channel.isAnnouncements),
    pin: channel.isMember && !channel.archived && (!channel.isAnnouncements || me.isStaff),
    isStaff: me.isStaff,
    isMember: channel.isMember,
    myId: me.id,
  };
}

function postingRefusal(channel: Channel): string | null {
  if (channel.canPost) return null;
  if (channel.archived) return "This channel is archived: it can be read, not written to.";
  if (channel.isAnnouncements)
    return "Only the product team posts in #announcements. You can react and reply in threads.";
  if (!channel.isMember) return "Join this channel to post in it.";
  return "You cannot post in this channel.";
}

/** While the channel is on screen and the tab visible, what it shows counts as read. */
function useReadWhileVisible(channel: Channel, messages: Message[]) {
  const visibility = useDocumentVisibility();
  const markRead = useMarkRead();
  const requested = useRef(0);
  const newest = messages.reduce((max, message) => (message.delivery ? max : Math.max(max, message.seq)), 0);
  const seq = Math.max(newest, channel.lastMessageSeq);
  useEffect(() => {
    if (visibility !== "visible" || !channel.isMember) return;
    if (seq <= channel.lastReadSeq || seq <= requested.current) return;
    requested.current = seq;
    markRead.mutate({ channel, seq });
  });
}

function JoinBar({ channel }: { channel: Channel }) {
  const queryClient = useQueryClient();
  const join = useMutation({
    mutationFn: () => chatApi.join(channel.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chatKeys.channels }),
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Group justify="space-between" mb="xs">
      <Text size="sm">You are reading {channelLabel(channel)} without being in it.</Text>
      <Button size="compact-sm" onClick={() => join.mutate()} loading={join.isPending}>
        Join channel
      </Button>
    </Group>
  );
}

type ChannelViewProps = {
  channel: Channel;
  highlightId: string | null;
  onOpenThread: (rootId: string) => void;
  onCloseThread: () => void;
};

/** The middle column: the channel's header, its history and the composer. */
export function ChannelView({ channel, highlightId, onOpenThread, onCloseThread }: ChannelViewProps) {
  const me = useSignedInMe();
  const abilities = abilitiesFor(channel, me);
  const [editingId, setEditingId] = useState<string | null>(null);
  const messages = useChannelMessages(channel.id).data?.pages.flatMap((page) => page.messages) ?? [];
  useReadWhileVisible(channel, messages);

  const editLast = () => {
    const mine = messages
      .filter((message) => message.author.id === me.id && !message.deleted && !message.delivery)
      .sort((a, b) => b.seq - a.seq);
    setEditingId(mine[0]?.id ?? null);
  };

  return (
    <>
      <ChannelHeader channel={channel} />
      <MessageList
        channel={channel}
        abilities={abilities}
        highlightId={highlightId}
        editingId={editingId}
        onEditingChange={setEditingId}
        onOpenThread={onOpenThread}
      />
      <Box px="md" pb="sm">
        <TypingIndicator channelId={channel.id} />
        {!channel.isMember && !channel.isAnnouncements && <JoinBar channel={channel} />}
        <Composer
          channelId={channel.id}
          label="Message"
          placeholder={`Message ${channelLabel(channel)}`}
          threadRootId={null}
          refusal={postingRefusal(channel)}
          onEditLast={editLast}
          onEscape={onCloseThread}
        />
      </Box>
    </>
  );
}
