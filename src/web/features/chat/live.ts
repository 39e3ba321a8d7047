import { notifications } from "@mantine/notifications";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import {
  channelCreated,
  channelRead,
  channelUpdated,
} from "../../../server/modules/chat/contracts/channels.js";
import {
  mentioned,
  messageCreated,
  messageDeleted,
  messageUpdated,
} from "../../../server/modules/chat/contracts/messages.js";
import { reactionsChanged } from "../../../server/modules/chat/contracts/reactions.js";
import { channelMembershipChanged } from "../../../shared/contracts/realtime.js";
import { isEvent, type RealtimeEvent, useRealtimeSignal } from "../../app/realtime.js";
import type { Me } from "../../app/session.js";
import { type Channel, chatKeys } from "./api.js";
import { addMessage, markDeleted, noteNewMessage, replaceMessage, updateMessage } from "./cache.js";

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
  if (isEvent(event, messageCreated)) {
    const { message } = event.payload;
    addMessage(queryClient, message);
    noteNewMessage(queryClient, message, myId);
  } else if (isEvent(event, messageUpdated)) {
    replaceMessage(queryClient, event.payload.message);
  } else if (isEvent(event, messageDeleted)) {
    const { messageId, channelId } = event.payload;
    updateMessage(queryClient, { messageId, channelId }, markDeleted);
    refreshChannelsSoon(queryClient);
  } else if (isEvent(event, reactionsChanged)) {
    const { messageId, channelId, reactions } = event.payload;
    updateMessage(queryClient, { messageId, channelId }, (message) => ({ ...message, reactions }));
  } else if (isEvent(event, channelMembershipChanged)) {
    const { channelId, userId } = event.payload;
    void queryClient.invalidateQueries({ queryKey: chatKeys.members(channelId) });
    if (userId === myId) refreshChannelsSoon(queryClient);
  } else if (isEvent(event, channelRead)) {
    // The answer to this tab's own "read" is already applied; another device's is not.
    const { channelId, lastReadSeq } = event.payload;
    const channel = queryClient
      .getQueryData<{ channels: Channel[] }>(chatKeys.channels)
      ?.channels.find((candidate) => candidate.id === channelId);
    if (!channel || channel.lastReadSeq < lastReadSeq) refreshChannelsSoon(queryClient);
  } else if (isEvent(event, mentioned)) {
    refreshChannelsSoon(queryClient);
    notifyMention(event);
  } else if (isEvent(event, channelCreated) || isEvent(event, channelUpdated)) {
    refreshChannelsSoon(queryClient);
  }
}

/**
 * A fresh mention pops up unless its channel is already open; one replayed after a long absence
 * (older than a minute) only updates the badge.
 */
function notifyMention(event: RealtimeEvent<{ channelId: string; by: { name: string } }>): void {
  const { channelId, by } = event.payload;
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
