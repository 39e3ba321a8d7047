import { notifications } from "@mantine/notifications";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { type RealtimeEvent, useRealtimeSignal } from "../../app/realtime.js";
import type { Me } from "../../app/session.js";
import { type Channel, chatKeys, type Message, type Reaction } from "./api.js";
import { addMessage, markDeleted, noteNewMessage, replaceMessage, updateMessage } from "./cache.js";

type MessagePayload = { message: Message };
type DeletedPayload = { messageId: string; channelId: string };
type ReactionPayload = { messageId: string; channelId: string; reactions: Reaction[] };
type MembershipPayload = { channelId: string; userId: string };

let channelRefresh: number | undefined;

/** Channel-level changes are rare and their counts personal: the list is fetched again, once per burst. */
function refreshChannelsSoon(queryClient: QueryClient): void {
  window.clearTimeout(channelRefresh);
  channelRefresh = window.setTimeout(
    () => void queryClient.invalidateQueries({ queryKey: chatKeys.channels }),
    250,
  );
}

function applyEvent(queryClient: QueryClient, event: RealtimeEvent, myId: string): void {
  switch (event.topic) {
    case "message.created": {
      const { message } = event.payload as MessagePayload;
      addMessage(queryClient, message);
      noteNewMessage(queryClient, message, myId);
      return;
    }
    case "message.updated":
      replaceMessage(queryClient, (event.payload as MessagePayload).message);
      return;
    case "message.deleted": {
      const { messageId, channelId } = event.payload as DeletedPayload;
      updateMessage(queryClient, { messageId, channelId }, markDeleted);
      refreshChannelsSoon(queryClient);
      return;
    }
    case "reaction.changed": {
      const { messageId, channelId, reactions } = event.payload as ReactionPayload;
      updateMessage(queryClient, { messageId, channelId }, (message) => ({ ...message, reactions }));
      return;
    }
    case "membership.changed": {
      const { channelId, userId } = event.payload as MembershipPayload;
      void queryClient.invalidateQueries({ queryKey: chatKeys.members(channelId) });
      if (userId === myId) refreshChannelsSoon(queryClient);
      return;
    }
    case "read.changed": {
      // The answer to this tab's own "read" is already applied; another device's is not.
      const { channelId, lastReadSeq } = event.payload as { channelId: string; lastReadSeq: number };
      const channel = queryClient
        .getQueryData<{ channels: Channel[] }>(chatKeys.channels)
        ?.channels.find((candidate) => candidate.id === channelId);
      if (!channel || channel.lastReadSeq < lastReadSeq) refreshChannelsSoon(queryClient);
      return;
    }
    case "mention":
      refreshChannelsSoon(queryClient);
      notifyMention(event);
      return;
    case "channel.created":
    case "channel.updated":
      refreshChannelsSoon(queryClient);
      return;
  }
}

/**
 * A fresh mention pops up unless its channel is already open; one replayed after a long absence
 * (older than a minute) only updates the badge.
 */
function notifyMention(event: RealtimeEvent): void {
  const { channelId, by } = event.payload as { channelId: string; by: { name: string } };
  if (Date.now() - new Date(event.at).getTime() > 60_000) return;
  if (window.location.pathname === `/chat/${channelId}`) return;
  notifications.show({
    title: "You were mentioned",
    message: `${by.name} mentioned you in a conversation. Open Chat to read it.`,
  });
}

function setOnline(queryClient: QueryClient, change: (online: Set<string>) => void): void {
  queryClient.setQueryData<{ online: string[] }>(chatKeys.presence, (data) => {
    const online = new Set(data?.online);
    change(online);
    return { online: [...online] };
  });
}

/** Keeps every loaded chat query in step with the live stream, whichever page is open. */
export function useChatLiveUpdates(me: Me | null | undefined): void {
  const queryClient = useQueryClient();
  const myId = me?.id;
  useRealtimeSignal("event", (event) => {
    if (myId) applyEvent(queryClient, event, myId);
  });
  useRealtimeSignal("presence", ({ userId, online }) =>
    setOnline(queryClient, (set) => (online ? set.add(userId) : set.delete(userId))),
  );
  useRealtimeSignal("hello", ({ online, resumed }) => {
    queryClient.setQueryData(chatKeys.presence, { online });
    // A fresh stream starts at "now": anything loaded before it may have missed a message.
    if (!resumed) {
      void queryClient.invalidateQueries({
        queryKey: chatKeys.all,
        predicate: (query) => query.queryKey[1] !== chatKeys.presence[1],
      });
    }
  });
}
