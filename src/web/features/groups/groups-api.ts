import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  DeliveryMode,
  GroupInput,
  GroupRole,
  GroupSettings,
  GroupVisibility,
  JoinPolicy,
  PostingPolicy,
  ReplyTo,
} from "../../../server/modules/groups/contracts/groups.js";
import * as groups from "../../../server/modules/groups/contracts/groups.js";
import * as members from "../../../server/modules/groups/contracts/members.js";
import type { TaggedMessage } from "../../../server/modules/groups/contracts/messages.js";
import * as messages from "../../../server/modules/groups/contracts/messages.js";
import * as moderation from "../../../server/modules/groups/contracts/moderation.js";
import * as search from "../../../server/modules/groups/contracts/search.js";
import type { TopicChanges } from "../../../server/modules/groups/contracts/topics.js";
import * as topics from "../../../server/modules/groups/contracts/topics.js";
import { callApi } from "../../app/api.js";
import { type LiveRule, whenEvent } from "../../app/live.js";
import { notifyFailure } from "../../app/notify.js";

export type {
  DeliveryMode,
  Group,
  GroupRole,
  GroupSettings,
  GroupSummary,
  GroupVisibility,
  JoinPolicy,
  MyMembership,
  PostingPolicy,
  ReplyTo,
} from "../../../server/modules/groups/contracts/groups.js";
export type { Member } from "../../../server/modules/groups/contracts/members.js";
export type {
  GroupMessage,
  Posted,
  TaggedMessage,
} from "../../../server/modules/groups/contracts/messages.js";
export type { ModerationLogEntry as LogEntry } from "../../../server/modules/groups/contracts/moderation.js";
export type { SearchHit } from "../../../server/modules/groups/contracts/search.js";
export type { Topic, TopicSummary } from "../../../server/modules/groups/contracts/topics.js";
/** A message waiting in the moderation queue, with the subject of its topic. */
export type QueueItem = TaggedMessage;
export type NewGroup = GroupSettings & Pick<GroupInput, "handle">;

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

/**
 * What a group's changes make stale on its open pages (the frame of every group page holds this): a
 * changed topic, its list and the hashtag views of the group; the queue, the log and the members (a
 * role, a ban) for moderators, the only people the server tells of them.
 */
export function groupLive(group: { id: string; handle: string }): LiveRule[] {
  const { id, handle } = group;
  return [
    whenEvent(topics.groupTopicChanged, ({ groupId, topicId }) =>
      groupId === id
        ? [
            { queryKey: groupKeys.group(handle), exact: true },
            groupKeys.topics(handle),
            groupKeys.topic(handle, topicId),
            ["groups", "one", handle, "hashtag"],
          ]
        : [],
    ),
    whenEvent(moderation.groupModerationChanged, ({ groupId }) =>
      groupId === id
        ? [
            { queryKey: groupKeys.group(handle), exact: true },
            groupKeys.queue(handle),
            groupKeys.log(handle),
            groupKeys.members(handle),
          ]
        : [],
    ),
  ];
}

/** A post with files goes as one multipart request, so the message and its files are saved together. */
function formOf(fields: Record<string, string>, files: File[]): FormData {
  const form = new FormData();
  // Fields before the files: the server reads the multipart stream in order.
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append("file", file);
  return form;
}

export const groupsApi = {
  create: (body: NewGroup) => callApi(groups.createGroup, { body }),
  updateSettings: (handle: string, body: GroupSettings) =>
    callApi(groups.updateGroupSettings, { params: { handle }, body }),
  join: (handle: string) => callApi(members.joinGroup, { params: { handle } }),
  leave: (handle: string) => callApi(members.leaveGroup, { params: { handle } }),
  setDelivery: (handle: string, delivery: DeliveryMode) =>
    callApi(members.setGroupDelivery, { params: { handle }, body: { delivery } }),
  startTopic: (handle: string, body: { subject: string; body: string }, files: File[]) =>
    callApi(
      topics.startGroupTopic,
      files.length === 0 ? { params: { handle }, body } : { params: { handle }, form: formOf(body, files) },
    ),
  reply: (handle: string, topicId: string, body: { body: string }, files: File[]) =>
    callApi(
      messages.replyToGroupTopic,
      files.length === 0
        ? { params: { handle, topicId }, body }
        : { params: { handle, topicId }, form: formOf(body, files) },
    ),
  changeTopic: (handle: string, topicId: string, changes: TopicChanges) =>
    callApi(topics.updateGroupTopic, { params: { handle, topicId }, body: changes }),
  removeTopic: (handle: string, topicId: string) =>
    callApi(topics.removeGroupTopic, { params: { handle, topicId } }),
  approve: (handle: string, messageId: string) =>
    callApi(moderation.approveGroupMessage, { params: { handle, messageId } }),
  reject: (handle: string, messageId: string, reason: string) =>
    callApi(moderation.rejectGroupMessage, { params: { handle, messageId }, body: { reason } }),
  invite: (handle: string, email: string) =>
    callApi(members.inviteGroupMember, { params: { handle }, body: { email } }),
  approveMember: (handle: string, userId: string) =>
    callApi(members.approveGroupMember, { params: { handle, userId } }),
  setRole: (handle: string, userId: string, role: GroupRole) =>
    callApi(members.setGroupMemberRole, { params: { handle, userId }, body: { role } }),
  removeMember: (handle: string, userId: string) =>
    callApi(members.removeGroupMember, { params: { handle, userId } }),
  ban: (handle: string, userId: string, reason: string) =>
    callApi(members.banGroupMember, { params: { handle, userId }, body: { reason } }),
  unban: (handle: string, userId: string) =>
    callApi(members.unbanGroupMember, { params: { handle, userId } }),
};

export const useDirectory = (q: string) =>
  useQuery({
    queryKey: groupKeys.directory(q),
    queryFn: () => callApi(groups.listGroups, { query: { q } }),
    select: (data) => data.groups,
    placeholderData: (previous) => previous,
  });

export const useGroup = (handle: string) =>
  useQuery({
    queryKey: groupKeys.group(handle),
    queryFn: () => callApi(groups.getGroup, { params: { handle } }),
  });

export const useTopics = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.topics(handle),
    queryFn: () => callApi(topics.listGroupTopics, { params: { handle } }),
    select: (data) => data.topics,
    enabled,
  });

export const useHashtag = (handle: string, tag: string | null) =>
  useQuery({
    queryKey: groupKeys.hashtag(handle, tag ?? ""),
    queryFn: () => callApi(messages.listGroupHashtagMessages, { params: { handle, tag: tag ?? "" } }),
    select: (data) => data.messages,
    enabled: tag !== null,
  });

export const useTopic = (handle: string, topicId: string) =>
  useQuery({
    queryKey: groupKeys.topic(handle, topicId),
    queryFn: () => callApi(topics.getGroupTopic, { params: { handle, topicId } }),
  });

export const useMembers = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.members(handle),
    queryFn: () => callApi(members.listGroupMembers, { params: { handle } }),
    select: (data) => data.members,
    enabled,
  });

export const useQueue = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.queue(handle),
    queryFn: () => callApi(moderation.listGroupQueue, { params: { handle } }),
    select: (data) => data.messages,
    enabled,
  });

export const useModerationLog = (handle: string, enabled: boolean) =>
  useQuery({
    queryKey: groupKeys.log(handle),
    queryFn: () => callApi(moderation.listGroupModerationLog, { params: { handle } }),
    select: (data) => data.entries,
    enabled,
  });

/** Topics and messages matching the words, in the groups one reads (or in one of them). */
export const useMessageSearch = (q: string, handle: string | null) =>
  useQuery({
    queryKey: groupKeys.search(q, handle),
    queryFn: () => callApi(search.searchGroupMessages, { query: { q, group: handle ?? undefined } }),
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
