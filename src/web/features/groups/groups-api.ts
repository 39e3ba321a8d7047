import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  GroupMessageView,
  GroupSummaryView,
  GroupView,
  MemberView,
  ModerationLogEntryView,
  MyMembershipView,
  PostedView,
  QueueItemView,
  SearchHitView,
  TopicSummaryView,
  TopicView,
} from "../../../server/modules/groups/present.js";
import type {
  DeliveryMode,
  GroupRole,
  GroupVisibility,
  JoinPolicy,
  PostingPolicy,
  ReplyTo,
} from "../../../server/modules/groups/schema.js";
import { api } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";

export type { DeliveryMode, GroupRole, GroupVisibility, JoinPolicy, PostingPolicy, ReplyTo };
export type GroupSummary = GroupSummaryView;
export type Group = GroupView;
export type Member = MemberView;
export type MyMembership = MyMembershipView;
export type SearchHit = SearchHitView;
export type TopicSummary = TopicSummaryView;
export type Topic = TopicView;
export type GroupMessage = GroupMessageView;
export type Posted = PostedView;
export type QueueItem = QueueItemView;
/** A message found by #hashtag, with the subject of its topic. */
export type TaggedMessage = QueueItemView;
export type LogEntry = ModerationLogEntryView;

export type GroupSettings = {
  name: string;
  description: string;
  guidelines: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  postingPolicy: PostingPolicy;
  replyTo: ReplyTo;
};
export type NewGroup = GroupSettings & { handle: string };

export const visibilityOptions: { value: GroupVisibility; label: string }[] = [
  { value: "listed", label: "Listed in the directory" },
  { value: "unlisted", label: "Unlisted: only members see it" },
];
export const joinPolicyOptions: { value: JoinPolicy; label: string }[] = [
  { value: "open", label: "Anyone may join" },
  { value: "approval", label: "A moderator approves each request" },
  { value: "invitation", label: "By invitation only" },
];
export const postingPolicyOptions: { value: PostingPolicy; label: string }[] = [
  { value: "all", label: "Every member posts freely" },
  { value: "moderated", label: "Moderated: every post waits for approval" },
  { value: "new_members_moderated", label: "New members' posts wait until one is approved" },
  { value: "announce_only", label: "Announce-only: only owners and moderators post" },
];
export const replyToOptions: { value: ReplyTo; label: string }[] = [
  { value: "group", label: "Replies go to the group" },
  { value: "sender", label: "Replies go to the sender" },
];
export const deliveryOptions: { value: DeliveryMode; label: string }[] = [
  { value: "all", label: "Every message by e-mail" },
  { value: "digest", label: "A daily digest" },
  { value: "none", label: "Web only, no e-mail" },
];
export const roleLabels: Record<GroupRole, string> = {
  owner: "Owner",
  moderator: "Moderator",
  member: "Member",
};

export const groupKeys = {
  all: ["groups"] as const,
  directory: (q: string) => ["groups", "directory", q] as const,
  group: (handle: string) => ["groups", "one", handle] as const,
  topics: (handle: string) => ["groups", "one", handle, "topics"] as const,
  hashtag: (handle: string, tag: string) => ["groups", "one", handle, "hashtag", tag] as const,
  topic: (handle: string, topicId: string) => ["groups", "one", handle, "topic", topicId] as const,
  members: (handle: string) => ["groups", "one", handle, "members"] as const,
  queue: (handle: string) => ["groups", "one", handle, "queue"] as const,
  log: (handle: string) => ["groups", "one", handle, "log"] as const,
  search: (q: string, handle: string | null) => ["groups", "search", q, handle ?? "all"] as const,
};

export const groupPath = (handle: string, rest = "") => `/api/groups/${encodeURIComponent(handle)}${rest}`;
const topicPath = (handle: string, topicId: string, rest = "") =>
  groupPath(handle, `/topics/${encodeURIComponent(topicId)}${rest}`);
const memberPath = (handle: string, userId: string, rest = "") =>
  groupPath(handle, `/members/${encodeURIComponent(userId)}${rest}`);
const queuePath = (handle: string, messageId: string, rest: string) =>
  groupPath(handle, `/queue/${encodeURIComponent(messageId)}${rest}`);

/** A post with files goes as one multipart request, so the message and its files are saved together. */
function post(path: string, fields: Record<string, string>, files: File[]) {
  if (files.length === 0) return api.post<Posted>(path, fields);
  const form = new FormData();
  // Fields before the files: the server reads the multipart stream in order.
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append("file", file);
  return api.post<Posted>(path, form);
}

export const groupsApi = {
  create: (body: NewGroup) => api.post<Group>("/api/groups", body),
  updateSettings: (handle: string, body: GroupSettings) => api.patch<Group>(groupPath(handle), body),
  join: (handle: string) => api.post<MyMembership>(groupPath(handle, "/join")),
  leave: (handle: string) => api.post<MyMembership>(groupPath(handle, "/leave")),
  setDelivery: (handle: string, delivery: DeliveryMode) =>
    api.put<MyMembership>(groupPath(handle, "/membership"), { delivery }),
  startTopic: (handle: string, body: { subject: string; body: string }, files: File[]) =>
    post(groupPath(handle, "/topics"), body, files),
  reply: (handle: string, topicId: string, body: { body: string }, files: File[]) =>
    post(topicPath(handle, topicId, "/messages"), body, files),
  changeTopic: (handle: string, topicId: string, changes: { pinned?: boolean; locked?: boolean }) =>
    api.patch<Topic>(topicPath(handle, topicId), changes),
  removeTopic: (handle: string, topicId: string) => api.delete(topicPath(handle, topicId)),
  approve: (handle: string, messageId: string) => api.post<Posted>(queuePath(handle, messageId, "/approve")),
  reject: (handle: string, messageId: string, reason: string) =>
    api.post<GroupMessage>(queuePath(handle, messageId, "/reject"), { reason }),
  invite: (handle: string, email: string) => api.post<Member>(groupPath(handle, "/invitations"), { email }),
  approveMember: (handle: string, userId: string) => api.post<Member>(memberPath(handle, userId, "/approve")),
  setRole: (handle: string, userId: string, role: GroupRole) =>
    api.patch<Member>(memberPath(handle, userId), { role }),
  removeMember: (handle: string, userId: string) => api.post<Member>(memberPath(handle, userId, "/remove")),
  ban: (handle: string, userId: string, reason: string) =>
    api.post<Member>(memberPath(handle, userId, "/ban"), { reason }),
  unban: (handle: string, userId: string) => api.post<Member>(memberPath(handle, userId, "/unban")),
};

export const useDirectory = (q: string) =>
  useQuery({
    queryKey: groupKeys.directory(q),
    queryFn: () => api.get<{ groups: GroupSummary[] }>("/api/groups", { q }),
    select: (data) => data.groups,
    placeholderData: (previous) => previous,
  });

export const useGroup = (handle: string) =>
  useQuery({ queryKey: groupKeys.group(handle), queryFn: () => api.get<Group>(groupPath(handle)) });

export const useTopics = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.topics(handle),
    queryFn: () => api.get<{ topics: TopicSummary[] }>(groupPath(handle, "/topics")),
    select: (data) => data.topics,
    enabled,
  });

export const useHashtag = (handle: string, tag: string | null) =>
  useQuery({
    queryKey: groupKeys.hashtag(handle, tag ?? ""),
    queryFn: () =>
      api.get<{ messages: TaggedMessage[] }>(groupPath(handle, `/hashtags/${encodeURIComponent(tag ?? "")}`)),
    select: (data) => data.messages,
    enabled: tag !== null,
  });

export const useTopic = (handle: string, topicId: string) =>
  useQuery({
    queryKey: groupKeys.topic(handle, topicId),
    queryFn: () => api.get<Topic>(topicPath(handle, topicId)),
  });

export const useMembers = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.members(handle),
    queryFn: () => api.get<{ members: Member[] }>(groupPath(handle, "/members")),
    select: (data) => data.members,
    enabled,
  });

export const useQueue = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.queue(handle),
    queryFn: () => api.get<{ messages: QueueItem[] }>(groupPath(handle, "/queue")),
    select: (data) => data.messages,
    enabled,
  });

export const useModerationLog = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.log(handle),
    queryFn: () => api.get<{ entries: LogEntry[] }>(groupPath(handle, "/log")),
    select: (data) => data.entries,
    enabled,
  });

/** Topics and messages matching the words, in the groups one reads (or in one of them). */
export const useMessageSearch = (q: string, handle: string | null) =>
  useQuery({
    queryKey: groupKeys.search(q, handle),
    queryFn: () => api.get<{ results: SearchHit[] }>("/api/groups/search", { q, group: handle }),
    select: (data) => data.results,
    enabled: q.length >= 2,
    placeholderData: (previous) => previous,
  });

/** Refreshes everything shown of groups after a change; the pages are small, so this is cheap. */
export function useGroupsRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: groupKeys.all });
}

/** A change to a group that refreshes the pages after it and reports a failure as a notice. */
export function useGroupMutation<Input, Result>(request: (input: Input) => Promise<Result>) {
  const refresh = useGroupsRefresh();
  return useMutation({
    mutationFn: request,
    onSuccess: () => refresh(),
    onError: (error) => notifyFailure(error.message),
  });
}
