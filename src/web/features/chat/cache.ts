import type { QueryClient } from "@tanstack/react-query";
import {
  type Channel,
  chatKeys,
  type Message,
  type MessagePages,
  type ReadState,
  type Thread,
} from "./api.js";

/** Posts waiting for the server sort after every confirmed message. */
export const PENDING_SEQ = Number.MAX_SAFE_INTEGER;

/** The same message, or the server's copy of a post this tab is still showing as pending. */
const isSameMessage = (a: Message, b: Message) =>
  a.id === b.id || (a.clientId === b.clientId && a.author.id === b.author.id);

function upsert(list: Message[], message: Message): Message[] {
  return [...list.filter((other) => !isSameMessage(other, message)), message].sort((a, b) => a.seq - b.seq);
}

const showsInChannel = (message: Message) => message.threadRootId === null || message.alsoToChannel;

/** Adds a new or pending message to the channel and thread it belongs to, replacing its pending copy. */
export function addMessage(queryClient: QueryClient, message: Message): void {
  if (showsInChannel(message)) {
    queryClient.setQueryData<MessagePages>(chatKeys.messages(message.channelId), (data) => {
      const [newest, ...older] = data?.pages ?? [];
      if (!data || !newest) return data;
      if (older.some((page) => page.messages.some((other) => other.id === message.id))) return data;
      return { ...data, pages: [{ ...newest, messages: upsert(newest.messages, message) }, ...older] };
    });
  }
  if (message.threadRootId) {
    queryClient.setQueryData<Thread>(chatKeys.thread(message.threadRootId), (thread) =>
      thread ? { ...thread, replies: upsert(thread.replies, message) } : thread,
    );
  }
}

/** Takes a post that was never confirmed off the screen. */
export function discardPending(queryClient: QueryClient, pending: Message): void {
  const without = (list: Message[]) => list.filter((other) => other.id !== pending.id);
  queryClient.setQueryData<MessagePages>(chatKeys.messages(pending.channelId), (data) =>
    data
      ? { ...data, pages: data.pages.map((page) => ({ ...page, messages: without(page.messages) })) }
      : data,
  );
  if (pending.threadRootId) {
    queryClient.setQueryData<Thread>(chatKeys.thread(pending.threadRootId), (thread) =>
      thread ? { ...thread, replies: without(thread.replies) } : thread,
    );
  }
}

/** Changes one message wherever it is shown: the channel, a thread (as root or reply), the pins. */
export function updateMessage(
  queryClient: QueryClient,
  target: { channelId: string; messageId: string },
  change: (message: Message) => Message,
): void {
  const apply = (list: Message[]) =>
    list.some((message) => message.id === target.messageId)
      ? list.map((message) => (message.id === target.messageId ? change(message) : message))
      : list;
  queryClient.setQueryData<MessagePages>(chatKeys.messages(target.channelId), (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, messages: apply(page.messages) })) } : data,
  );
  queryClient.setQueriesData<Thread>({ queryKey: chatKeys.allThreads }, (thread) =>
    thread
      ? {
          root: thread.root.id === target.messageId ? change(thread.root) : thread.root,
          replies: apply(thread.replies),
        }
      : thread,
  );
  queryClient.setQueryData<{ messages: Message[] }>(chatKeys.pins(target.channelId), (pins) =>
    pins ? { messages: apply(pins.messages) } : pins,
  );
}

export const replaceMessage = (queryClient: QueryClient, message: Message) =>
  updateMessage(queryClient, { channelId: message.channelId, messageId: message.id }, () => message);

export const markDeleted = (message: Message): Message => ({
  ...message,
  body: "",
  bodyHtml: "",
  deleted: true,
  reactions: [],
  attachments: [],
});

export function updateChannel(
  queryClient: QueryClient,
  channelId: string,
  change: (channel: Channel) => Channel,
) {
  queryClient.setQueryData<{ channels: Channel[] }>(chatKeys.channels, (data) =>
    data
      ? { channels: data.channels.map((channel) => (channel.id === channelId ? change(channel) : channel)) }
      : data,
  );
}

/**
 * Counts a new message as unread for someone else's post in the channel. Comparing seqs keeps this
 * right when the same message is seen twice (the server's answer, then its event).
 */
export function noteNewMessage(queryClient: QueryClient, message: Message, myId: string): void {
  updateChannel(queryClient, message.channelId, (channel) => {
    if (message.seq <= channel.lastMessageSeq) return channel;
    const unread = message.author.id !== myId && showsInChannel(message) && message.seq > channel.lastReadSeq;
    return { ...channel, lastMessageSeq: message.seq, unread: channel.unread + (unread ? 1 : 0) };
  });
}

export function applyReadState(queryClient: QueryClient, state: ReadState): void {
  updateChannel(queryClient, state.channelId, (channel) => ({
    ...channel,
    lastReadSeq: state.lastReadSeq,
    unread: state.unread,
    mentions: state.mentions,
  }));
}
