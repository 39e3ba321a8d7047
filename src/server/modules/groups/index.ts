// What other parts of Convene (the group mail side, the demo, the knowledge base) may call of groups.
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { requireReader } from "./policy.js";
import { groupById, membershipOf, messageById, topicById } from "./store.js";

export type { DeliveryMode, GroupRole } from "./contracts/groups.js";
export { createGroup, getGroupView, listGroups, reservedHandles, updateGroupSettings } from "./groups.js";
export {
  groupForImport,
  IMPORT_BATCH_ROWS,
  type ImportedGroupMember,
  type ImportedMessage,
  type ImportedTopic,
  type ImportTargetGroup,
  importedMessagesOf,
  writeImportedMembers,
  writeImportedMessages,
} from "./import-writer.js";
export { inviteMember, joinGroup, setRole } from "./members.js";
export {
  canSeeGroup,
  isModerator,
  isOwner,
  postingDecision,
  requireModerator,
  requireOwner,
  requireReader,
} from "./policy.js";
export { activeMembership, groupByHandle, membershipOf, messageById, topicById } from "./store.js";
export {
  approveMessage,
  type GroupUpload,
  hashtagsOf,
  type NewTopicInput,
  type ReplyInput,
  rejectMessage,
  replyToTopic,
  startTopic,
} from "./topics.js";

/**
 * A published message as the actor may read it (the group's own rule, requireReader: staff too only
 * as members), with its topic: what the knowledge base drafts an article from.
 */
export async function readGroupMessage(
  ctx: ActorCtx,
  messageId: string,
): Promise<{ body: string; topicSubject: string; groupName: string; path: string }> {
  const message = await messageById(ctx.db, messageId);
  const topic = message ? await topicById(ctx.db, message.topicId) : null;
  if (!message || !topic || message.status !== "published" || message.removedAt || topic.removedAt) {
    throw notFound("The message");
  }
  const group = await groupById(ctx.db, message.groupId);
  requireReader(group, await membershipOf(ctx.db, group.id, ctx.actor.id));
  return {
    body: message.body,
    topicSubject: topic.subject,
    groupName: group.name,
    path: `/groups/${group.handle}/topics/${topic.id}?message=${message.id}`,
  };
}
