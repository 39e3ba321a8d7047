import { type InfiniteData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { PersonView } from "../../../server/modules/accounts/index.js";
import type { ChannelView, MessageView } from "../../../server/modules/chat/present.js";
import { api } from "../../app/api.js";

export type ChannelKind = ChannelView["kind"];
export type Person = PersonView;

/** People as the picker lists them: mentions are written with the address. */
export type Contact = Person & { email: string };

export type Channel = ChannelView;
export type Reaction = MessageView["reactions"][number];
export type MessageAttachment = MessageView["attachments"][number];

export type Message = MessageView & {
  /** Only on this tab's own posts the server has not confirmed yet. */
  delivery?: "sending" | "failed";
};

export type MessagePage = { messages: Message[]; hasMore: boolean };
export type MessagePages = InfiniteData<MessagePage, number | undefined>;
export type Thread = { root: Message; replies: Message[] };
export type ReadState = { channelId: string; lastReadSeq: number; unread: number; mentions: number };
export type Upload = { id: string; filename: string; contentType: string; size: number; isImage: boolean };
export type SearchResult = {
  message: Message;
  channel: { id: string; name: string; slug: string | null; kind: ChannelKind };
};
export type NewPost = {
  clientId: string;
  body: string;
  threadRootId?: string;
  alsoToChannel?: boolean;
  attachmentIds?: string[];
};
export type ChannelInput = { name: string; kind: "public" | "private"; topic: string; description: string };
export type ChannelChange = Partial<Pick<Channel, "name" | "topic" | "description" | "archived">>;

export const chatKeys = {
  all: ["chat"] as const,
  channels: ["chat", "channels"] as const,
  messages: (channelId: string) => ["chat", "messages", channelId] as const,
  thread: (rootId: string) => ["chat", "thread", rootId] as const,
  allThreads: ["chat", "thread"] as const,
  members: (channelId: string) => ["chat", "members", channelId] as const,
  pins: (channelId: string) => ["chat", "pins", channelId] as const,
  people: (q: string) => ["chat", "people", q] as const,
  presence: ["chat", "presence"] as const,
  search: (q: string) => ["chat", "search", q] as const,
};

const channelPath = (id: string, rest = "") => `/api/chat/channels/${encodeURIComponent(id)}${rest}`;
const messagePath = (id: string, rest = "") => `/api/chat/messages/${encodeURIComponent(id)}${rest}`;
const PAGE_SIZE = 50;

export const chatApi = {
  createChannel: (input: ChannelInput) => api.post<Channel>("/api/chat/channels", input),
  changeChannel: (id: string, change: ChannelChange) => api.patch<Channel>(channelPath(id), change),
  join: (id: string) => api.post<Channel>(channelPath(id, "/join")),
  leave: (id: string) => api.post(channelPath(id, "/leave")),
  invite: (id: string, userId: string) =>
    api.post<{ members: Person[] }>(channelPath(id, "/members"), { userId }),
  openDm: (userIds: string[]) => api.post<Channel>("/api/chat/dms", { userIds }),
  post: (channelId: string, post: NewPost) => api.post<Message>(channelPath(channelId, "/messages"), post),
  edit: (id: string, body: string) => api.patch<Message>(messagePath(id), { body }),
  remove: (id: string) => api.delete(messagePath(id)),
  react: (id: string, emoji: string) => api.post<Message>(messagePath(id, "/reactions"), { emoji }),
  unreact: (id: string, emoji: string) =>
    api.delete<Message>(messagePath(id, `/reactions/${encodeURIComponent(emoji)}`)),
  pin: (id: string, pinned: boolean) =>
    pinned ? api.post<Message>(messagePath(id, "/pin")) : api.delete<Message>(messagePath(id, "/pin")),
  markRead: (channelId: string, seq: number) => api.post<ReadState>(channelPath(channelId, "/read"), { seq }),
  upload: (file: File) => api.upload<Upload>("/api/chat/uploads", file),
  openTicket: (id: string) =>
    api.post<{ ticketId: string; ticketNumber: number }>(messagePath(id, "/ticket")),
  thread: (rootId: string) => api.get<Thread>(messagePath(rootId, "/thread")),
  olderMessages: (channelId: string, before: number | undefined) =>
    api.get<MessagePage>(channelPath(channelId, "/messages"), { before, limit: PAGE_SIZE }),
};

export const useChannels = () =>
  useQuery({
    queryKey: chatKeys.channels,
    queryFn: () => api.get<{ channels: Channel[] }>("/api/chat/channels"),
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
    queryFn: () => api.get<{ members: Person[] }>(channelPath(channelId, "/members")),
    select: (data) => data.members,
    staleTime: 60_000,
    enabled,
  });

export const usePins = (channelId: string, enabled: boolean) =>
  useQuery({
    queryKey: chatKeys.pins(channelId),
    queryFn: () => api.get<{ messages: Message[] }>(channelPath(channelId, "/pins")),
    select: (data) => data.messages,
    enabled,
  });

export const usePeople = (q: string, enabled = true) =>
  useQuery({
    queryKey: chatKeys.people(q),
    queryFn: () => api.get<{ people: Contact[] }>("/api/chat/people", { q }),
    select: (data) => data.people,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
    enabled,
  });

/** Who is online; presence frames keep it current once loaded. */
export const usePresence = () =>
  useQuery({
    queryKey: chatKeys.presence,
    queryFn: () => api.get<{ online: string[] }>("/api/chat/presence"),
    select: (data) => new Set(data.online),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useSearch = (q: string) =>
  useQuery({
    queryKey: chatKeys.search(q),
    queryFn: () => api.get<{ results: SearchResult[] }>("/api/chat/search", { q }),
    select: (data) => data.results,
    enabled: q.trim() !== "",
  });
