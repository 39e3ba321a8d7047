import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor } from "../../platform/auth/http.js";
import { actingAs } from "../../platform/context.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { storeFile } from "../../platform/files/store.js";
import { readUpload } from "../../platform/files/upload.js";
import { idParam, typed } from "../../platform/http.js";
import { TokenBuckets } from "../../platform/throttle.js";
import { searchPeople } from "../accounts/index.js";
import {
  addMember,
  createChannel,
  joinChannel,
  leaveChannel,
  listChannels,
  listMembers,
  markRead,
  openDirectMessage,
  updateChannel,
} from "./channels.js";
import {
  canReadMessageFile,
  deleteMessage,
  editMessage,
  getThread,
  listMessages,
  listPins,
  MAX_MESSAGE_LENGTH,
  postMessage,
  setPinned,
  setReaction,
} from "./messages.js";
import { searchMessages } from "./search.js";
import { openTicketFromMessage } from "./to-ticket.js";

const person = z.object({
  id: z.string(),
  name: z.string(),
  isStaff: z.boolean(),
  organisation: z.object({ id: z.string(), name: z.string() }),
});
const channelSchema = z.object({
  id: z.string(),
  slug: z.string().nullable(),
  name: z.string(),
  kind: z.enum(["public", "private", "dm"]),
  topic: z.string(),
  description: z.string(),
  isAnnouncements: z.boolean(),
  archived: z.boolean(),
  isMember: z.boolean(),
  canPost: z.boolean(),
  canManage: z.boolean(),
  unread: z.number(),
  mentions: z.number(),
  lastReadSeq: z.number(),
  lastMessageSeq: z.number(),
  members: z.array(person),
});
const messageSchema = z.object({
  id: z.string(),
  seq: z.number(),
  channelId: z.string(),
  clientId: z.string(),
  author: person,
  body: z.string(),
  bodyHtml: z.string(),
  threadRootId: z.string().nullable(),
  alsoToChannel: z.boolean(),
  replyCount: z.number(),
  lastReplyAt: z.string().nullable(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  pinned: z.boolean(),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.string()) })),
  attachments: z.array(
    z.object({
      id: z.string(),
      filename: z.string(),
      contentType: z.string(),
      size: z.number(),
      url: z.string(),
      isImage: z.boolean(),
    }),
  ),
  mentions: z.array(z.string()),
  supportLike: z.boolean(),
  ticketId: z.string().nullable(),
  createdAt: z.string(),
});

const bodyText = z
  .string({ error: "Write a message." })
  .max(MAX_MESSAGE_LENGTH, `A message has at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")} characters.`);
const bodyField = bodyText.refine((text) => text.trim().length > 0, "Write a message.");
const emojiField = z
  .string()
  .min(1, "Choose an emoji.")
  .max(32, "Choose one emoji.")
  .refine((text) => !/[\s<>]/.test(text), "Choose one emoji.");
const channelNameField = z.string().trim().min(1, "Name the channel.").max(80, "Use at most 80 characters.");

export function registerChatRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["chat"];
  const posting = new TokenBuckets(deps.config.chatPostsPerSecond, deps.config.chatPostBurst);

  app.get(
    "/api/chat/channels",
    { schema: { tags, response: { 200: z.object({ channels: z.array(channelSchema) }) } } },
    async (request) => ({
      channels: await listChannels(deps.db, requireActor(request)),
    }),
  );

  app.post(
    "/api/chat/channels",
    {
      schema: {
        tags,
        body: z.object({
          name: channelNameField,
          kind: z.enum(["public", "private"], { error: "Choose public or private." }),
          topic: z.string().trim().max(250).optional(),
          description: z.string().trim().max(2000).optional(),
        }),
        response: { 201: channelSchema },
      },
    },
    async (request, reply) => {
      const channel = await createChannel(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(channel);
    },
  );

  app.patch(
    "/api/chat/channels/:id",
    {
      schema: {
        tags,
        params: idParam,
        body: z
          .object({
            name: channelNameField.optional(),
            topic: z.string().trim().max(250).optional(),
            description: z.string().trim().max(2000).optional(),
            archived: z.boolean().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: channelSchema },
      },
    },
    async (request) =>
      updateChannel(contextOf(request, deps), requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/api/chat/channels/:id/join",
    { schema: { tags, params: idParam, response: { 200: channelSchema } } },
    async (request) => joinChannel(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.post("/api/chat/channels/:id/leave", { schema: { tags, params: idParam } }, async (request, reply) => {
    await leaveChannel(contextOf(request, deps), requireActor(request), request.params.id);
    return reply.status(204).send();
  });

  app.get(
    "/api/chat/channels/:id/members",
    { schema: { tags, params: idParam, response: { 200: z.object({ members: z.array(person) }) } } },
    async (request) => ({ members: await listMembers(deps.db, requireActor(request), request.params.id) }),
  );

  app.post(
    "/api/chat/channels/:id/members",
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({ userId: z.uuid("Choose a person.") }),
        response: { 200: z.object({ members: z.array(person) }) },
      },
    },
    async (request) => ({
      members: await addMember(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body.userId,
      ),
    }),
  );

  app.post(
    "/api/chat/dms",
    {
      schema: {
        tags,
        body: z.object({
          userIds: z
            .array(z.uuid("Not a person's id."))
            .min(1, "Choose at least one person.")
            .max(7, "At most 7 others."),
        }),
        response: { 200: channelSchema },
      },
    },
    async (request) =>
      openDirectMessage(contextOf(request, deps), requireActor(request), request.body.userIds),
  );

  app.get(
    "/api/chat/channels/:id/messages",
    {
      schema: {
        tags,
        params: idParam,
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ messages: z.array(messageSchema), hasMore: z.boolean() }) },
      },
    },
    async (request) => listMessages(deps.db, requireActor(request), request.params.id, request.query),
  );

  app.post(
    "/api/chat/channels/:id/messages",
    {
      schema: {
        tags,
        params: idParam,
        body: z
          .object({
            clientId: z
              .string()
              .trim()
              .min(8, "Send a client id of 8 to 64 characters.")
              .max(64, "Send a client id of 8 to 64 characters."),
            body: bodyText,
            threadRootId: z.uuid("Not a message id.").optional(),
            alsoToChannel: z.boolean().optional(),
            attachmentIds: z.array(z.uuid()).max(10, "At most 10 files per message.").optional(),
          })
          // A message may be only files; otherwise it needs words.
          .refine((post) => post.body.trim().length > 0 || (post.attachmentIds?.length ?? 0) > 0, {
            message: "Write a message or attach a file.",
            path: ["body"],
          }),
        response: { 200: messageSchema, 201: messageSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { message, created } = await postMessage(
        contextOf(request, deps),
        actor,
        request.params.id,
        request.body,
        () => posting.take(actor.id),
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  );

  app.get(
    "/api/chat/messages/:id/thread",
    {
      schema: {
        tags,
        params: idParam,
        response: { 200: z.object({ root: messageSchema, replies: z.array(messageSchema) }) },
      },
    },
    async (request) => getThread(deps.db, requireActor(request), request.params.id),
  );

  app.patch(
    "/api/chat/messages/:id",
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({ body: bodyField }),
        response: { 200: messageSchema },
      },
    },
    async (request) =>
      editMessage(contextOf(request, deps), requireActor(request), request.params.id, request.body.body),
  );

  app.delete("/api/chat/messages/:id", { schema: { tags, params: idParam } }, async (request, reply) => {
    await deleteMessage(contextOf(request, deps), requireActor(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    "/api/chat/messages/:id/reactions",
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({ emoji: emojiField }),
        response: { 200: messageSchema },
      },
    },
    async (request) =>
      setReaction(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body.emoji,
        true,
      ),
  );

  app.delete(
    "/api/chat/messages/:id/reactions/:emoji",
    { schema: { tags, params: idParam.extend({ emoji: emojiField }), response: { 200: messageSchema } } },
    async (request) =>
      setReaction(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.emoji,
        false,
      ),
  );

  for (const [method, pinned] of [
    ["post", true],
    ["delete", false],
  ] as const) {
    app[method](
      "/api/chat/messages/:id/pin",
      { schema: { tags, params: idParam, response: { 200: messageSchema } } },
      async (request) =>
        setPinned(contextOf(request, deps), requireActor(request), request.params.id, pinned),
    );
  }

  app.get(
    "/api/chat/channels/:id/pins",
    { schema: { tags, params: idParam, response: { 200: z.object({ messages: z.array(messageSchema) }) } } },
    async (request) => ({ messages: await listPins(deps.db, requireActor(request), request.params.id) }),
  );

  app.post(
    "/api/chat/channels/:id/read",
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({ seq: z.number({ error: "Send the seq of the last message read." }).int().min(0) }),
        response: {
          200: z.object({
            channelId: z.string(),
            lastReadSeq: z.number(),
            unread: z.number(),
            mentions: z.number(),
          }),
        },
      },
    },
    async (request) =>
      markRead(contextOf(request, deps), requireActor(request), request.params.id, request.body.seq),
  );

  app.post(
    "/api/chat/uploads",
    {
      schema: {
        tags,
        consumes: ["multipart/form-data"],
        response: {
          201: z.object({
            id: z.string(),
            filename: z.string(),
            contentType: z.string(),
            size: z.number(),
            isImage: z.boolean(),
          }),
        },
      },
    },
    async (request, reply) => {
      requireActor(request);
      const file = await storeFile(contextOf(request, deps), {
        ...(await readUpload(request)),
        field: "file",
      });
      return reply.status(201).send({
        id: file.id,
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        isImage: file.contentType.startsWith("image/"),
      });
    },
  );

  app.get("/api/chat/attachments/:id", { schema: { tags, params: idParam } }, async (request, reply) => {
    const file = await canReadMessageFile(deps.db, requireActor(request), request.params.id);
    return sendStoredFile(reply, deps.config.dataDir, file);
  });

  app.post(
    "/api/chat/messages/:id/ticket",
    {
      schema: {
        tags,
        params: idParam,
        response: { 201: z.object({ ticketId: z.string(), ticketNumber: z.number() }) },
      },
    },
    async (request, reply) => {
      const ctx = actingAs(contextOf(request, deps), requireActor(request));
      const ticket = await openTicketFromMessage(ctx, request.params.id);
      return reply.status(201).send(ticket);
    },
  );

  app.get(
    "/api/chat/search",
    {
      schema: {
        tags,
        querystring: z.object({ q: z.string().trim().min(1, "Type something to look for.").max(500) }),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                message: messageSchema,
                channel: z.object({
                  id: z.string(),
                  name: z.string(),
                  slug: z.string().nullable(),
                  kind: z.enum(["public", "private", "dm"]),
                }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ results: await searchMessages(deps.db, requireActor(request), request.query.q) }),
  );

  app.get(
    "/api/chat/people",
    {
      schema: {
        tags,
        querystring: z.object({ q: z.string().trim().max(200).default("") }),
        response: { 200: z.object({ people: z.array(person.extend({ email: z.string() })) }) },
      },
    },
    async (request) => {
      requireActor(request);
      return { people: await searchPeople(deps.db, request.query.q) };
    },
  );

  app.get(
    "/api/chat/presence",
    { schema: { tags, response: { 200: z.object({ online: z.array(z.string()) }) } } },
    async (request) => {
      requireActor(request);
      return { online: deps.gateway.onlineUserIds() };
    },
  );
}
