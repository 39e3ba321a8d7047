import { type InfiniteData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ChannelChanges, ChannelInput } from "../../../server/modules/chat/contracts/channels.js";
import * as channels from "../../../server/modules/chat/contracts/channels.js";
import type {
  Attachment,
  MessagesPage,
  PostInput,
  Message as SentMessage,
  Thread as SentThread,
} from "../../../server/modules/chat/contracts/messages.js";
import * as messages from "../../../server/modules/chat/contracts/messages.js";
import * as pins from "../../../server/modules/chat/contracts/pins.js";
import * as reactions from "../../../server/modules/chat/contracts/reactions.js";
import * as search from "../../../server/modules/chat/contracts/search.js";
import * as uploads from "../../../server/modules/chat/contracts/uploads.js";
import { callApi } from "../../app/api.js";

export type {
  Channel,
  ChannelChanges,
  ChannelInput,
  ChannelKind,
  Person,
  ReadState,
} from "../../../server/modules/chat/contracts/channels.js";
export type { Reaction } from "../../../server/modules/chat/contracts/messages.js";
/** People as the picker lists them: mentions are written with the address. */
export type {
  PersonWithEmail as Contact,
  SearchResult,
} from "../../../server/modules/chat/contracts/search.js";
export type { Upload } from "../../../server/modules/chat/contracts/uploads.js";
export type MessageAttachment = Attachment;

export type Message = SentMessage & {
  /** Only on this tab's own posts the server has not confirmed yet. */
  delivery?: "sending" | "failed";
};

export type MessagePage = Omit<MessagesPage, "messages"> & { messages: Message[] };
export type MessagePages = InfiniteData<MessagePage, number | undefined>;
export type Thread = Omit<SentThread, "root" | "replies"> & { root: Message; replies: Message[] };
export type NewPost = PostInput;
export type ChannelChange = ChannelChanges;

export const chatKeys = {
  all: ["chat"] as const,
  channels: ["chat", "channels"] as const,
  arrival: ["chat", "arrival"] as const,
  messages: (channelId: string) => ["chat", "messages", channelId] as const,
  thread: (rootId: string) => ["chat", "thread", rootId] as const,
  allThreads: ["chat", "thread"] as const,
  members: (channelId: string) => ["chat", "members", channelId] as const,
  pins: (channelId: string) => ["chat", "pins", channelId] as const,
  people: (q: string) => ["chat", "people", q] as const,
  presence: ["chat", "presence"] as const,
  search: (q: string) => ["chat", "search", q] as const,
};

const PAGE_SIZE = 50;

export const chatApi = {
  createChannel: (body: ChannelInput) => callApi(channels.createChannel, { body }),
  changeChannel: (id: string, body: ChannelChanges) =>
    callApi(channels.updateChannel, { params: { id }, body }),
  join: (id: string) => callApi(channels.joinChannel, { params: { id } }),
  leave: (id: string) => callApi(channels.leaveChannel, { params: { id } }),
  invite: (id: string, userId: string) =>
    callApi(channels.addChannelMember, { params: { id }, body: { userId } }),
  openDm: (userIds: string[]) => callApi(channels.openDirectMessage, { body: { userIds } }),
  post: (channelId: string, body: PostInput) =>
    callApi(messages.postMessage, { params: { id: channelId }, body }),
  edit: (id: string, body: string) => callApi(messages.editMessage, { params: { id }, body: { body } }),
  remove: (id: string) => callApi(messages.deleteMessage, { params: { id } }),
  react: (id: string, emoji: string) => callApi(reactions.addReaction, { params: { id }, body: { emoji } }),
  unreact: (id: string, emoji: string) => callApi(reactions.removeReaction, { params: { id, emoji } }),
  pin: (id: string, pinned: boolean) =>
    callApi(pinned ? pins.pinMessage : pins.unpinMessage, { params: { id } }),
  markRead: (channelId: string, seq: number) =>
    callApi(channels.markChannelRead, { params: { id: channelId }, body: { seq } }),
  upload: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return callApi(uploads.uploadFile, { form });
  },
  openTicket: (id: string) => callApi(messages.openTicketFromMessage, { params: { id } }),
  thread: (rootId: string): Promise<Thread> => callApi(messages.getThread, { params: { id: rootId } }),
  olderMessages: (channelId: string, before: number | undefined): Promise<MessagePage> =>
    callApi(messages.listMessages, { params: { id: channelId }, query: { before, limit: PAGE_SIZE } }),
};

/**
 * This visit to chat, once per page load: the first visit ever makes the person a member of the
 * channels chosen for newcomers, so the channel list is fetched again when that happened.
 */
export function useArrival() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: chatKeys.arrival,
    queryFn: async () => {
      const arrival = await callApi(channels.arriveInChat, {});
      if (arrival.welcome?.joined.length)
        await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      return arrival;
    },
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export const useChannels = () =>
  useQuery({
    queryKey: chatKeys.channels,
    queryFn: () => callApi(channels.listChannels, {}),
    select: (data) => data.channels,
    staleTime: 30_000,
  });

/** A channel's messages, newest page first; live events keep the loaded pages current. */
export const useChannelMessages = (channelId: string) =>
  useInfiniteQuery({
    queryKey: chatKeys.messages(channelId),
    queryFn: ({ pageParam }) => chatApi.olderMessages(channelId, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.hasMore ? page.messages[0]?.seq : undefined),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useThread = (rootId: string) =>
  useQuery({
    queryKey: chatKeys.thread(rootId),
    queryFn: () => chatApi.thread(rootId),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useChannelMembers = (channelId: string, enabled: boolean) =>
  useQuery({
    queryKey: chatKeys.members(channelId),
    queryFn: () => callApi(channels.listChannelMembers, { params: { id: channelId } }),
    select: (data) => data.members,
    staleTime: 60_000,
    enabled,
  });

export const usePins = (channelId: string, enabled: boolean) =>
  useQuery({
    queryKey: chatKeys.pins(channelId),
    queryFn: () => callApi(pins.listPins, { params: { id: channelId } }),
    select: (data) => data.messages,
    enabled,
  });

export const usePeople = (q: string, enabled = true) =>
  useQuery({
    queryKey: chatKeys.people(q),
    queryFn: () => callApi(search.searchPeople, { query: { q } }),
    select: (data) => data.people,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
    enabled,
  });

/** Who is online; presence frames keep it current once loaded. */
export const usePresence = () =>
  useQuery({
    queryKey: chatKeys.presence,
    queryFn: () => callApi(search.getPresence, {}),
    select: (data) => new Set(data.online),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useSearch = (q: string) =>
  useQuery({
    queryKey: chatKeys.search(q),
    queryFn: () => callApi(search.searchMessages, { query: { q } }),
    select: (data) => data.results,
    enabled: q.trim() !== "",
  });
