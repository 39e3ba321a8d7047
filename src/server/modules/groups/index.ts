// What other parts of Convene (the group mail side, the demo) may call of groups.

export { createGroup, getGroupView, listGroups, updateGroupSettings } from "./groups.js";
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
