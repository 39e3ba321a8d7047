import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { someChange } from "../../../../shared/fields.js";

export const groupVisibilities = ["listed", "unlisted"] as const;
export type GroupVisibility = (typeof groupVisibilities)[number];
export const joinPolicies = ["open", "approval", "invitation"] as const;
export type JoinPolicy = (typeof joinPolicies)[number];
/** all members; every post moderated; new members moderated until approved; only moderators post. */
export const postingPolicies = ["all", "moderated", "new_members_moderated", "announce_only"] as const;
export type PostingPolicy = (typeof postingPolicies)[number];
export const replyTos = ["group", "sender"] as const;
export type ReplyTo = (typeof replyTos)[number];
export const groupRoles = ["owner", "moderator", "member"] as const;
export type GroupRole = (typeof groupRoles)[number];
/** pending: asked to join (approval policy); invited: invited, not yet joined. */
export const membershipStatuses = ["active", "pending", "invited", "left", "removed", "banned"] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];
export const deliveryModes = ["all", "digest", "none"] as const;
export type DeliveryMode = (typeof deliveryModes)[number];

export const tag = "groups";

// --- input ---

export const handleParam = z.object({ handle: z.string().max(40, "Not a valid handle.") });
const handleField = z
  .string({ error: "Enter a handle." })
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "Use lowercase letters, digits and hyphens (not at either end).",
  )
  .min(3, "Use at least 3 characters.")
  .max(40, "Use at most 40 characters.");
const settingsFields = {
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(3, "Use at least 3 characters.")
    .max(120, "Use at most 120 characters."),
  description: z.string({ error: "Describe the group." }).trim().max(5000, "Use at most 5,000 characters."),
  guidelines: z
    .string({ error: "Write the guidelines." })
    .trim()
    .max(20_000, "Use at most 20,000 characters."),
  visibility: z.enum(groupVisibilities, { error: "Choose listed or unlisted." }),
  joinPolicy: z.enum(joinPolicies, { error: "Choose open, approval or invitation." }),
  postingPolicy: z.enum(postingPolicies, {
    error: "Choose all, moderated, new_members_moderated or announce_only.",
  }),
  replyTo: z.enum(replyTos, { error: "Choose group or sender." }),
};
const settingsChanges = {
  description: settingsFields.description.optional(),
  guidelines: settingsFields.guidelines.optional(),
  visibility: settingsFields.visibility.optional(),
  joinPolicy: settingsFields.joinPolicy.optional(),
  postingPolicy: settingsFields.postingPolicy.optional(),
  replyTo: settingsFields.replyTo.optional(),
};
export const groupInput = z.object({ handle: handleField, name: settingsFields.name, ...settingsChanges });
export type GroupInput = z.output<typeof groupInput>;
export const groupChanges = someChange({ name: settingsFields.name.optional(), ...settingsChanges });
export type GroupChanges = z.output<typeof groupChanges>;
/** Every setting of a group, as its settings form edits them. */
export type GroupSettings = Required<Omit<GroupInput, "handle">>;
const directoryQuery = z.object({ q: z.string().trim().max(200, "Use at most 200 characters.").optional() });
export type DirectoryQuery = z.output<typeof directoryQuery>;

// --- output ---

export const groupPerson = z.object({ id: z.string(), name: z.string(), organisationName: z.string() });
export type GroupPerson = z.infer<typeof groupPerson>;
export const myMembership = z.object({
  role: z.enum(groupRoles),
  status: z.enum(membershipStatuses),
  delivery: z.enum(deliveryModes),
  moderated: z.boolean(),
  statusReason: z.string().nullable(),
});
export type MyMembership = z.infer<typeof myMembership>;
export const groupSummary = z.object({
  id: z.string(),
  handle: z.string(),
  name: z.string(),
  description: z.string(),
  /** The description as one line of plain text, for the directory. */
  descriptionExcerpt: z.string(),
  address: z.string(),
  visibility: z.enum(groupVisibilities),
  joinPolicy: z.enum(joinPolicies),
  postingPolicy: z.enum(postingPolicies),
  replyTo: z.enum(replyTos),
  memberCount: z.number(),
  myMembership: myMembership.nullable(),
});
export type GroupSummary = z.infer<typeof groupSummary>;
export const group = groupSummary.extend({
  descriptionHtml: z.string(),
  guidelines: z.string(),
  guidelinesHtml: z.string(),
  createdAt: z.string(),
  canRead: z.boolean(),
  canModerate: z.boolean(),
  canManage: z.boolean(),
});
export type Group = z.infer<typeof group>;

// --- operations ---

export const listGroups = operation({
  operationId: "listGroups",
  summary: "The directory: listed groups and the ones the caller belongs to",
  method: "GET",
  path: "/api/groups",
  access: "member",
  tag,
  query: directoryQuery,
  response: z.object({ groups: z.array(groupSummary) }),
});

export const createGroup = operation({
  operationId: "createGroup",
  summary: "Start a group; the caller becomes its owner",
  method: "POST",
  path: "/api/groups",
  access: "member",
  tag,
  body: groupInput,
  response: group,
  status: 201,
});

export const getGroup = operation({
  operationId: "getGroup",
  summary: "One group by its handle, with what the caller may do in it",
  method: "GET",
  path: "/api/groups/:handle",
  access: "member",
  tag,
  params: handleParam,
  response: group,
});

export const updateGroupSettings = operation({
  operationId: "updateGroupSettings",
  summary: "Change a group's settings (owners)",
  method: "PATCH",
  path: "/api/groups/:handle",
  access: "member",
  tag,
  params: handleParam,
  body: groupChanges,
  response: group,
});
