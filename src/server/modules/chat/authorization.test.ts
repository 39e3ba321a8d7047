/**
 * Who may call the chat routes (the callers and the rules of the matrix:
 * src/server/testing/authorization.ts). The same-organisation member made the channels and wrote the
 * messages. The WebSocket /api/ws is hidden from OpenAPI and tested over a real socket in chat.test.ts.
 */
import { randomUUID } from "node:crypto";
import { actingAs } from "../../platform/context.js";
import { storeFile } from "../../platform/files/store.js";
import {
  authorizationMatrix,
  community,
  ctxAs,
  type Expected,
  people,
  type Row,
  signedIn,
  staffOnly,
  throwawayUser,
  unique,
} from "../../testing/authorization.js";
import type { Client } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import { addMember, announcementsChannel, createChannel, openDirectMessage } from "./channels.js";
import type { PostInput } from "./contracts/messages.js";
import { postMessage, setPinned } from "./messages.js";

/**
 * Chat places (see freshChatPlace): who may see a private channel or a DM is decided by membership alone,
 * so the org admin (a member of the private channel, not of the DM) and staff (a member of neither)
 * are told it does not exist like anyone outside.
 */
const privateChannel = (status: number, refused: { orgAdmin?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: refused.orgAdmin ?? status,
  staff: 404,
});

const directMessage = (status: number): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 404,
  orgAdmin: 404,
  staff: 404,
});

/** In a public channel everyone signed in reads, but only its members (here the same-org member) act. */
const publicChannelMember = (status: number, allowed: { staff?: number } = {}): Expected => ({
  anonymous: 401,
  sameOrg: status,
  otherOrg: 403,
  orgAdmin: 403,
  staff: allowed.staff ?? 403,
});

type ChatPlace = "public" | "private" | "dm" | "announcements";

/**
 * A fresh chat place, for the rows that change a channel or who is in it: a public or a private
 * channel created by the same-organisation member (the org admin invited into the private one), or a
 * DM of the same-organisation member with a throwaway Northwind person.
 */
async function freshChatPlace(place: Exclude<ChatPlace, "announcements">): Promise<string> {
  const member = people().northwindMember;
  if (place === "dm") {
    const other = await throwawayUser();
    return (await openDirectMessage(actingAs(community().ctx, actorOf(member)), [other.id])).id;
  }
  const channel = await createChannel(actingAs(community().ctx, actorOf(member)), {
    name: unique("matrix-channel"),
    kind: place,
    topic: "",
    description: "",
  });
  if (place === "private") {
    await addMember(actingAs(community().ctx, actorOf(member)), channel.id, people().northwindAdmin.id);
  }
  return channel.id;
}

const chatRooms = new Map<ChatPlace, Promise<string>>();

/**
 * The matrix's standing room of each kind, made once like freshChatPlace (and #announcements, the one
 * channel everybody is in, where only staff post top-level), for the rows that only read a channel or
 * add a fresh message to it: nothing a row does there changes who may do what. A fresh channel per
 * case would be as good but slow, since presenting a channel costs a query per channel one is in.
 */
function chatRoom(place: ChatPlace): Promise<string> {
  let room = chatRooms.get(place);
  if (!room) {
    room =
      place === "announcements"
        ? announcementsChannel(community().db).then((channel) => channel.id)
        : freshChatPlace(place);
    chatRooms.set(place, room);
  }
  return room;
}

/** A fresh top-level message in a standing room, by the same-organisation member (by staff in #announcements). */
async function chatMessage(place: ChatPlace, extra: Partial<PostInput> = {}) {
  const author = place === "announcements" ? people().staff : people().northwindMember;
  const { message } = await postMessage(actingAs(community().ctx, actorOf(author)), await chatRoom(place), {
    clientId: randomUUID(),
    body: unique("Matrix message"),
    ...extra,
  });
  return message;
}

async function pinnedChatMessage(place: ChatPlace) {
  const author = place === "announcements" ? people().staff : people().northwindMember;
  const message = await chatMessage(place);
  return setPinned(actingAs(community().ctx, actorOf(author)), message.id, true);
}

/** The download address of a file the same-organisation member sent in a fresh message. */
async function chatAttachmentUrl(place: ChatPlace): Promise<string> {
  const member = people().northwindMember;
  const file = await storeFile(ctxAs(member), {
    filename: "matrix.txt",
    contentType: "text/plain",
    data: Buffer.from(unique("chat attachment")),
    field: "file",
  });
  const [attachment] = (await chatMessage(place, { attachmentIds: [file.id] })).attachments;
  if (!attachment) throw new Error("the chat attachment was not linked");
  return attachment.url;
}

const postTo = (client: Client, channelId: string, extra: Partial<PostInput> = {}) =>
  client.post(`/api/chat/channels/${channelId}/messages`, {
    clientId: randomUUID(),
    body: unique("Matrix post"),
    ...extra,
  });

const thumbsUp = encodeURIComponent("👍");

const rows: Row[] = [
  {
    route: "GET /api/chat/channels",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/channels"),
  },
  {
    route: "POST /api/chat/channels",
    // Members create channels too unless CHAT_MEMBERS_CREATE_CHANNELS=false (the default is true).
    expected: signedIn(201),
    call: ({ client }) => client.post("/api/chat/channels", { name: unique("matrix-new"), kind: "public" }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "public channel",
    // The creator or staff; others who see it are told no.
    expected: publicChannelMember(200, { staff: 200 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await freshChatPlace("public")}`, {
        topic: "Renamed by the matrix",
      }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "private channel",
    // A member who is not the creator may not change it; staff outside it do not see it at all.
    expected: privateChannel(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await freshChatPlace("private")}`, {
        topic: "Renamed by the matrix",
      }),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "newcomers join",
    // Only the product team chooses the newcomer channels, even for a channel one created.
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await freshChatPlace("public")}`, { newcomersJoin: true }),
  },
  {
    route: "POST /api/chat/arrival",
    expected: signedIn(200),
    call: ({ client }) => client.post("/api/chat/arrival"),
  },
  {
    route: "PATCH /api/chat/channels/:id",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.patch(`/api/chat/channels/${await chatRoom("announcements")}`, {
        topic: "Release announcements from the product team",
      }),
  },
  {
    route: "POST /api/chat/channels/:id/join",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("public")}/join`),
  },
  {
    route: "POST /api/chat/channels/:id/join",
    variant: "private channel",
    // Joined by invitation only: its members are told no, everyone else that it does not exist.
    expected: privateChannel(403),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("private")}/join`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "public channel",
    expected: signedIn(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("public")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "private channel",
    expected: privateChannel(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("private")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "direct message",
    expected: directMessage(204),
    call: async ({ client }) => client.post(`/api/chat/channels/${await freshChatPlace("dm")}/leave`),
  },
  {
    route: "POST /api/chat/channels/:id/leave",
    variant: "#announcements",
    // Everyone stays in #announcements, staff included.
    expected: signedIn(403),
    call: async ({ client }) => client.post(`/api/chat/channels/${await chatRoom("announcements")}/leave`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/members`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/members`),
  },
  {
    route: "GET /api/chat/channels/:id/members",
    variant: "direct message",
    expected: directMessage(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("dm")}/members`),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "public channel",
    // Its members or staff bring someone in.
    expected: publicChannelMember(200, { staff: 200 }),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("public")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("private")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/channels/:id/members",
    variant: "direct message",
    // A DM's people are fixed: a new set of people is a new DM.
    expected: directMessage(403),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await freshChatPlace("dm")}/members`, {
        userId: (await throwawayUser()).id,
      }),
  },
  {
    route: "POST /api/chat/dms",
    expected: signedIn(200),
    call: async ({ client }) => client.post("/api/chat/dms", { userIds: [(await throwawayUser()).id] }),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/messages`),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/messages`),
  },
  {
    route: "GET /api/chat/channels/:id/messages",
    variant: "direct message",
    expected: directMessage(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("dm")}/messages`),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "public channel",
    // Reading is open, posting takes joining first: staff too.
    expected: publicChannelMember(201),
    call: async ({ client }) => postTo(client, await chatRoom("public")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "reply in a public channel's thread",
    expected: publicChannelMember(201),
    call: async ({ client }) => {
      const root = await chatMessage("public");
      return postTo(client, root.channelId, { threadRootId: root.id });
    },
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "private channel",
    expected: privateChannel(201),
    call: async ({ client }) => postTo(client, await chatRoom("private")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "direct message",
    expected: directMessage(201),
    call: async ({ client }) => postTo(client, await chatRoom("dm")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "#announcements, top-level",
    expected: staffOnly(201),
    call: async ({ client }) => postTo(client, await chatRoom("announcements")),
  },
  {
    route: "POST /api/chat/channels/:id/messages",
    variant: "#announcements, reply in a thread",
    expected: signedIn(201),
    call: async ({ client }) => {
      const root = await chatMessage("announcements");
      return postTo(client, root.channelId, { threadRootId: root.id });
    },
  },
  {
    route: "GET /api/chat/messages/:id/thread",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/messages/${(await chatMessage("public")).id}/thread`),
  },
  {
    route: "GET /api/chat/messages/:id/thread",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/messages/${(await chatMessage("private")).id}/thread`),
  },
  {
    route: "PATCH /api/chat/messages/:id",
    variant: "public channel",
    // Only the author edits; everyone else who sees the message is told no.
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.patch(`/api/chat/messages/${(await chatMessage("public")).id}`, { body: "Edited." }),
  },
  {
    route: "PATCH /api/chat/messages/:id",
    variant: "private channel",
    expected: privateChannel(200, { orgAdmin: 403 }),
    call: async ({ client }) =>
      client.patch(`/api/chat/messages/${(await chatMessage("private")).id}`, { body: "Edited." }),
  },
  {
    route: "DELETE /api/chat/messages/:id",
    variant: "public channel",
    expected: publicChannelMember(204, { staff: 204 }),
    call: async ({ client }) => client.delete(`/api/chat/messages/${(await chatMessage("public")).id}`),
  },
  {
    route: "DELETE /api/chat/messages/:id",
    variant: "private channel",
    // Staff delete what they can see; a private channel they are not in they cannot.
    expected: privateChannel(204, { orgAdmin: 403 }),
    call: async ({ client }) => client.delete(`/api/chat/messages/${(await chatMessage("private")).id}`),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("public")).id}/reactions`, { emoji: "👍" }),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("private")).id}/reactions`, { emoji: "👍" }),
  },
  {
    route: "POST /api/chat/messages/:id/reactions",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("announcements")).id}/reactions`, {
        emoji: "👍",
      }),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("public")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("private")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "DELETE /api/chat/messages/:id/reactions/:emoji",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await chatMessage("announcements")).id}/reactions/${thumbsUp}`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("public")).id}/pin`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("private")).id}/pin`),
  },
  {
    route: "POST /api/chat/messages/:id/pin",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.post(`/api/chat/messages/${(await chatMessage("announcements")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "public channel",
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("public")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("private")).id}/pin`),
  },
  {
    route: "DELETE /api/chat/messages/:id/pin",
    variant: "#announcements",
    expected: staffOnly(200),
    call: async ({ client }) =>
      client.delete(`/api/chat/messages/${(await pinnedChatMessage("announcements")).id}/pin`),
  },
  {
    route: "GET /api/chat/channels/:id/pins",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("public")}/pins`),
  },
  {
    route: "GET /api/chat/channels/:id/pins",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(`/api/chat/channels/${await chatRoom("private")}/pins`),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "public channel",
    // Read markers are kept for members only.
    expected: publicChannelMember(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("public")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("private")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/channels/:id/read",
    variant: "#announcements",
    expected: signedIn(200),
    call: async ({ client }) =>
      client.post(`/api/chat/channels/${await chatRoom("announcements")}/read`, { seq: 0 }),
  },
  {
    route: "POST /api/chat/uploads",
    expected: signedIn(201),
    call: ({ client }) =>
      client.upload("/api/chat/uploads", {
        filename: "notes.txt",
        contentType: "text/plain",
        data: Buffer.from(unique("upload")),
      }),
  },
  {
    route: "GET /api/chat/attachments/:id",
    variant: "public channel",
    expected: signedIn(200),
    call: async ({ client }) => client.get(await chatAttachmentUrl("public")),
  },
  {
    route: "GET /api/chat/attachments/:id",
    variant: "private channel",
    expected: privateChannel(200),
    call: async ({ client }) => client.get(await chatAttachmentUrl("private")),
  },
  {
    route: "POST /api/chat/messages/:id/ticket",
    variant: "public channel",
    // Only the author turns their message into a ticket.
    expected: publicChannelMember(201),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("public")).id}/ticket`),
  },
  {
    route: "POST /api/chat/messages/:id/ticket",
    variant: "private channel",
    expected: privateChannel(201, { orgAdmin: 403 }),
    call: async ({ client }) => client.post(`/api/chat/messages/${(await chatMessage("private")).id}/ticket`),
  },
  {
    route: "GET /api/chat/search",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/search?q=matrix"),
  },
  {
    route: "GET /api/chat/people",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/people?q=member"),
  },
  {
    route: "GET /api/chat/presence",
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/chat/presence"),
  },
];

authorizationMatrix(rows);
