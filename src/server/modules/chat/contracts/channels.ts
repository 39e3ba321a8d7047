import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, optionalText, requiredText, someChange } from "../../../../shared/fields.js";

export const channelKinds = ["public", "private", "dm"] as const;
export type ChannelKind = (typeof channelKinds)[number];

const tag = "chat";

// --- input ---

const channelName = requiredText("Name the channel.", 80);
export const channelInput = z.object({
  name: channelName,
  kind: z.enum(["public", "private"], { error: "Choose public or private." }),
  topic: optionalText(250),
  description: optionalText(2000),
});
export type ChannelInput = z.output<typeof channelInput>;
export const channelChanges = someChange({
  name: channelName.optional(),
  topic: z.string().trim().max(250).optional(),
  description: z.string().trim().max(2000).optional(),
  archived: z.boolean().optional(),
  newcomersJoin: z.boolean({ error: "Say true or false." }).optional(),
});
export type ChannelChanges = z.output<typeof channelChanges>;
const memberInput = z.object({ userId: z.uuid("Choose a person.") });
export const directMessageInput = z.object({
  userIds: z
    .array(z.uuid("Not a person's id."))
    .min(1, "Choose at least one person.")
    .max(7, "At most 7 others."),
});
const readInput = z.object({
  seq: z.number({ error: "Send the seq of the last message read." }).int().min(0),
});

// --- output ---

export const person = z.object({
  id: z.string(),
  name: z.string(),
  isStaff: z.boolean(),
  organisation: z.object({ id: z.string(), name: z.string() }),
});
export type Person = z.infer<typeof person>;
export const channel = z.object({
  id: z.string(),
  slug: z.string().nullable(),
  name: z.string(),
  kind: z.enum(channelKinds),
  topic: z.string(),
  description: z.string(),
  isAnnouncements: z.boolean(),
  archived: z.boolean(),
  /** A newcomer is a member from their first visit to chat (chosen by the product team). */
  newcomersJoin: z.boolean(),
  isMember: z.boolean(),
  canPost: z.boolean(),
  /** May rename, describe and archive it: staff, or its creator (never for #announcements). */
  canManage: z.boolean(),
  unread: z.number(),
  mentions: z.number(),
  lastReadSeq: z.number(),
  lastMessageSeq: z.number(),
  members: z.array(person),
});
export type Channel = z.infer<typeof channel>;
const memberList = z.object({ members: z.array(person) });
export const readState = z.object({
  channelId: z.string(),
  lastReadSeq: z.number(),
  unread: z.number(),
  mentions: z.number(),
});
export type ReadState = z.infer<typeof readState>;
export const arrival = z.object({
  /** Only on the person's first visit to chat: the channels they were added to, for the welcome. */
  welcome: z.object({ joined: z.array(z.object({ id: z.string(), name: z.string() })) }).nullable(),
});
export type Arrival = z.infer<typeof arrival>;

// --- operations ---

export const listChannels = operation({
  operationId: "listChannels",
  summary: "Channels the caller is in or may join, with their unread counts",
  method: "GET",
  path: "/api/chat/channels",
  access: "member",
  tag,
  response: z.object({ channels: z.array(channel) }),
});

export const arriveInChat = operation({
  operationId: "arriveInChat",
  summary: "Mark the caller's visit to chat; the first one joins the newcomer channels and answers a welcome",
  method: "POST",
  path: "/api/chat/arrival",
  access: "member",
  tag,
  response: arrival,
});

export const createChannel = operation({
  operationId: "createChannel",
  summary: "Create a public or private channel",
  method: "POST",
  path: "/api/chat/channels",
  access: "member",
  tag,
  body: channelInput,
  response: channel,
  status: 201,
});

export const updateChannel = operation({
  operationId: "updateChannel",
  summary: "Rename, describe or archive a channel, or (staff) choose whether newcomers join it",
  method: "PATCH",
  path: "/api/chat/channels/:id",
  access: "member",
  tag,
  params: idParam,
  body: channelChanges,
  response: channel,
});

export const joinChannel = operation({
  operationId: "joinChannel",
  summary: "Join a public channel",
  method: "POST",
  path: "/api/chat/channels/:id/join",
  access: "member",
  tag,
  params: idParam,
  response: channel,
});

export const leaveChannel = operation({
  operationId: "leaveChannel",
  summary: "Leave a channel",
  method: "POST",
  path: "/api/chat/channels/:id/leave",
  access: "member",
  tag,
  params: idParam,
});

export const listChannelMembers = operation({
  operationId: "listChannelMembers",
  summary: "The people in a channel",
  method: "GET",
  path: "/api/chat/channels/:id/members",
  access: "member",
  tag,
  params: idParam,
  response: memberList,
});

export const addChannelMember = operation({
  operationId: "addChannelMember",
  summary: "Bring someone into a channel",
  method: "POST",
  path: "/api/chat/channels/:id/members",
  access: "member",
  tag,
  params: idParam,
  body: memberInput,
  response: memberList,
});

export const openDirectMessage = operation({
  operationId: "openDirectMessage",
  summary: "The direct message of exactly these people, made on first use",
  method: "POST",
  path: "/api/chat/dms",
  access: "member",
  tag,
  body: directMessageInput,
  response: channel,
});

export const markChannelRead = operation({
  operationId: "markChannelRead",
  summary: "Move the caller's read marker in a channel forward",
  method: "POST",
  path: "/api/chat/channels/:id/read",
  access: "member",
  tag,
  params: idParam,
  body: readInput,
  response: readState,
});

// --- live events ---

/** A channel someone may see was created (its members, or everyone for a public one). */
export const channelCreated = defineEvent<{ channel: Channel }>("channel.created");
/** A channel's name, topic or description changed. */
export const channelUpdated = defineEvent<{ channel: Channel }>("channel.updated");
/** The person read a channel on one of their devices: the others' badges follow. */
export const channelRead = defineEvent<{ channelId: string; lastReadSeq: number }>("read.changed");
