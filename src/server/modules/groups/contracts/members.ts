import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { emailField, requiredText, uuidField } from "../../../../shared/fields.js";
import {
  deliveryModes,
  groupPerson,
  groupRoles,
  handleParam,
  membershipStatuses,
  myMembership,
  tag,
} from "./groups.js";

// --- input ---

const memberParams = handleParam.extend({ userId: uuidField });
export const reasonField = requiredText("Give a reason.", 1000);

// --- output ---

export const member = z.object({
  user: groupPerson,
  role: z.enum(groupRoles),
  status: z.enum(membershipStatuses),
  delivery: z.enum(deliveryModes),
  moderated: z.boolean(),
  statusReason: z.string().nullable(),
  joinedAt: z.string().nullable(),
});
export type Member = z.infer<typeof member>;

// --- operations: the caller's own membership ---

export const joinGroup = operation({
  operationId: "joinGroup",
  summary: "Join a group, or ask to when it needs approval",
  method: "POST",
  path: "/api/groups/:handle/join",
  access: "member",
  tag,
  params: handleParam,
  response: myMembership,
});

export const leaveGroup = operation({
  operationId: "leaveGroup",
  summary: "Leave a group",
  method: "POST",
  path: "/api/groups/:handle/leave",
  access: "member",
  tag,
  params: handleParam,
  response: myMembership,
});

export const setGroupDelivery = operation({
  operationId: "setGroupDelivery",
  summary: "Choose how the caller gets a group's messages by e-mail",
  method: "PUT",
  path: "/api/groups/:handle/membership",
  access: "member",
  tag,
  params: handleParam,
  body: z.object({ delivery: z.enum(deliveryModes, { error: "Choose all, digest or none." }) }),
  response: myMembership,
});

// --- operations: the member list ---

export const listGroupMembers = operation({
  operationId: "listGroupMembers",
  summary: "A group's members",
  method: "GET",
  path: "/api/groups/:handle/members",
  access: "member",
  tag,
  params: handleParam,
  response: z.object({ members: z.array(member) }),
});

export const inviteGroupMember = operation({
  operationId: "inviteGroupMember",
  summary: "Invite someone with an account to a group (moderators)",
  method: "POST",
  path: "/api/groups/:handle/invitations",
  access: "member",
  tag,
  params: handleParam,
  body: z.object({ email: emailField }),
  response: member,
  status: 201,
});

export const approveGroupMember = operation({
  operationId: "approveGroupMember",
  summary: "Let in someone who asked to join (moderators)",
  method: "POST",
  path: "/api/groups/:handle/members/:userId/approve",
  access: "member",
  tag,
  params: memberParams,
  response: member,
});

export const setGroupMemberRole = operation({
  operationId: "setGroupMemberRole",
  summary: "Make a member an owner, moderator or member (owners)",
  method: "PATCH",
  path: "/api/groups/:handle/members/:userId",
  access: "member",
  tag,
  params: memberParams,
  body: z.object({ role: z.enum(groupRoles, { error: "Choose owner, moderator or member." }) }),
  response: member,
});

export const removeGroupMember = operation({
  operationId: "removeGroupMember",
  summary: "Remove a member; they may join again (owners)",
  method: "POST",
  path: "/api/groups/:handle/members/:userId/remove",
  access: "member",
  tag,
  params: memberParams,
  body: z.object({ reason: reasonField.optional() }).nullish(),
  response: member,
});

export const banGroupMember = operation({
  operationId: "banGroupMember",
  summary: "Ban a member: removed, and refused if they ask again (owners)",
  method: "POST",
  path: "/api/groups/:handle/members/:userId/ban",
  access: "member",
  tag,
  params: memberParams,
  body: z.object({ reason: reasonField }),
  response: member,
});

export const unbanGroupMember = operation({
  operationId: "unbanGroupMember",
  summary: "Lift a ban (owners)",
  method: "POST",
  path: "/api/groups/:handle/members/:userId/unban",
  access: "member",
  tag,
  params: memberParams,
  response: member,
});
