import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor } from "../../platform/auth/http.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { filesOf, readMultipartForm } from "../../platform/files/upload.js";
import { emailField, typed } from "../../platform/http.js";
import { createGroup, getGroupView, listGroups, updateGroupSettings } from "./groups.js";
import { listModerationLog } from "./log.js";
import {
  approveMember,
  inviteMember,
  joinGroup,
  leaveGroup,
  listMembers,
  removeMember,
  setDelivery,
  setRole,
  unbanMember,
} from "./members.js";
import { registerGroupMailRoutes } from "./routes-mail.js";
import {
  deliveryModes,
  groupRoles,
  groupVisibilities,
  joinPolicies,
  membershipStatuses,
  messageSources,
  messageStatuses,
  postingPolicies,
  replyTos,
} from "./schema.js";
import { searchMessages } from "./search.js";
import {
  approveMessage,
  getTopic,
  listQueue,
  listTopics,
  loadAttachment,
  messagesWithHashtag,
  rejectMessage,
  removeTopic,
  replyIn,
  startTopicIn,
  updateTopic,
} from "./topics.js";

/** Every route of groups. The mail side keeps its routes in routes-mail.ts and adds one call below. */
export function registerGroupRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  // Groups, membership, topics, moderation, hashtags, search and the log (this file).
  registerCoreRoutes(scope, deps);

  // Group e-mail: one-click unsubscribe.
  registerGroupMailRoutes(scope, deps);
}

const uuid = z.uuid({ error: "Not a valid id." });
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
const handleParam = z.object({ handle: z.string().max(40, "Not a valid handle.") });
const topicParams = handleParam.extend({ topicId: uuid });
const messageParams = handleParam.extend({ messageId: uuid });
const memberParams = handleParam.extend({ userId: uuid });

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
const subjectField = z
  .string({ error: "Enter a subject." })
  .trim()
  .min(1, "Enter a subject.")
  .max(200, "Use at most 200 characters.");
const bodyField = z
  .string({ error: "Write the message." })
  .trim()
  .min(1, "Write the message.")
  .max(50_000, "Use at most 50,000 characters.");
const reasonField = z
  .string({ error: "Give a reason." })
  .trim()
  .min(1, "Give a reason.")
  .max(1000, "Use at most 1,000 characters.");

const personSchema = z.object({ id: z.string(), name: z.string(), organisationName: z.string() });
const myMembershipSchema = z.object({
  role: z.enum(groupRoles),
  status: z.enum(membershipStatuses),
  delivery: z.enum(deliveryModes),
  moderated: z.boolean(),
  statusReason: z.string().nullable(),
});
const groupSummarySchema = z.object({
  id: z.string(),
  handle: z.string(),
  name: z.string(),
  description: z.string(),
  address: z.string(),
  visibility: z.enum(groupVisibilities),
  joinPolicy: z.enum(joinPolicies),
  postingPolicy: z.enum(postingPolicies),
  replyTo: z.enum(replyTos),
  memberCount: z.number(),
  myMembership: myMembershipSchema.nullable(),
});
const groupSchema = groupSummarySchema.extend({
  descriptionHtml: z.string(),
  guidelines: z.string(),
  guidelinesHtml: z.string(),
  createdAt: z.string(),
  canRead: z.boolean(),
  canModerate: z.boolean(),
  canManage: z.boolean(),
});
const memberSchema = z.object({
  user: personSchema,
  role: z.enum(groupRoles),
  status: z.enum(membershipStatuses),
  delivery: z.enum(deliveryModes),
  moderated: z.boolean(),
  statusReason: z.string().nullable(),
  joinedAt: z.string().nullable(),
});
const messageSchema = z.object({
  id: z.string(),
  topicId: z.string(),
  author: personSchema,
  body: z.string(),
  bodyHtml: z.string(),
  status: z.enum(messageStatuses),
  source: z.enum(messageSources),
  rejectionReason: z.string().nullable(),
  hashtags: z.array(z.string()),
  attachments: z.array(
    z.object({
      id: z.string(),
      filename: z.string(),
      contentType: z.string(),
      size: z.number(),
      url: z.string(),
    }),
  ),
  createdAt: z.string(),
});
const taggedMessageSchema = messageSchema.extend({ topicSubject: z.string() });
const postedSchema = z.object({ message: messageSchema, status: z.enum(["published", "pending"]) });
const topicSummarySchema = z.object({
  id: z.string(),
  groupId: z.string(),
  subject: z.string(),
  author: personSchema,
  pinned: z.boolean(),
  locked: z.boolean(),
  messageCount: z.number(),
  createdAt: z.string(),
  lastMessageAt: z.string(),
});
const topicSchema = topicSummarySchema.extend({ messages: z.array(messageSchema) });
const logSchema = z.object({
  id: z.number(),
  actor: personSchema,
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
});
const searchHitSchema = z.object({
  group: z.object({ handle: z.string(), name: z.string() }),
  topicId: z.string(),
  subject: z.string(),
  messageId: z.string(),
  snippet: z.string(),
  at: z.string(),
});

function registerCoreRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["groups"];
  const ctx = (request: FastifyRequest) => contextOf(request, deps);

  app.get(
    "/api/groups",
    {
      schema: {
        tags,
        querystring: z.object({ q: z.string().trim().max(200, "Use at most 200 characters.").optional() }),
        response: { 200: z.object({ groups: z.array(groupSummarySchema) }) },
      },
    },
    async (request) => ({ groups: await listGroups(ctx(request), requireActor(request), request.query) }),
  );

  app.post(
    "/api/groups",
    {
      schema: {
        tags,
        body: z.object({
          handle: handleField,
          name: settingsFields.name,
          description: settingsFields.description.optional(),
          guidelines: settingsFields.guidelines.optional(),
          visibility: settingsFields.visibility.optional(),
          joinPolicy: settingsFields.joinPolicy.optional(),
          postingPolicy: settingsFields.postingPolicy.optional(),
          replyTo: settingsFields.replyTo.optional(),
        }),
        response: { 201: groupSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createGroup(ctx(request), requireActor(request), request.body)),
  );

  app.get(
    "/api/groups/search",
    {
      schema: {
        tags,
        querystring: z.object({
          q: z
            .string({ error: "Enter words to search for." })
            .trim()
            .min(2, "Enter at least 2 characters.")
            .max(200, "Use at most 200 characters."),
          group: z.string().max(40, "Not a valid handle.").optional(),
        }),
        response: { 200: z.object({ results: z.array(searchHitSchema) }) },
      },
    },
    async (request) => ({
      results: await searchMessages(ctx(request), requireActor(request), {
        q: request.query.q,
        handle: request.query.group,
      }),
    }),
  );

  app.get(
    "/api/groups/:handle",
    { schema: { tags, params: handleParam, response: { 200: groupSchema } } },
    async (request) => getGroupView(ctx(request), requireActor(request), request.params.handle),
  );

  app.patch(
    "/api/groups/:handle",
    {
      schema: {
        tags,
        params: handleParam,
        body: z
          .object({
            name: settingsFields.name.optional(),
            description: settingsFields.description.optional(),
            guidelines: settingsFields.guidelines.optional(),
            visibility: settingsFields.visibility.optional(),
            joinPolicy: settingsFields.joinPolicy.optional(),
            postingPolicy: settingsFields.postingPolicy.optional(),
            replyTo: settingsFields.replyTo.optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: groupSchema },
      },
    },
    async (request) =>
      updateGroupSettings(ctx(request), requireActor(request), request.params.handle, request.body),
  );

  app.post(
    "/api/groups/:handle/join",
    { schema: { tags, params: handleParam, response: { 200: myMembershipSchema } } },
    async (request) => joinGroup(ctx(request), requireActor(request), request.params.handle),
  );

  app.post(
    "/api/groups/:handle/leave",
    { schema: { tags, params: handleParam, response: { 200: myMembershipSchema } } },
    async (request) => leaveGroup(ctx(request), requireActor(request), request.params.handle),
  );

  app.put(
    "/api/groups/:handle/membership",
    {
      schema: {
        tags,
        params: handleParam,
        body: z.object({
          delivery: z.enum(deliveryModes, { error: "Choose all, digest or none." }),
        }),
        response: { 200: myMembershipSchema },
      },
    },
    async (request) =>
      setDelivery(ctx(request), requireActor(request), request.params.handle, request.body.delivery),
  );

  app.get(
    "/api/groups/:handle/members",
    {
      schema: { tags, params: handleParam, response: { 200: z.object({ members: z.array(memberSchema) }) } },
    },
    async (request) => ({
      members: await listMembers(ctx(request), requireActor(request), request.params.handle),
    }),
  );

  app.post(
    "/api/groups/:handle/invitations",
    {
      schema: {
        tags,
        params: handleParam,
        body: z.object({ email: emailField }),
        response: { 201: memberSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await inviteMember(ctx(request), requireActor(request), request.params.handle, request.body.email),
        ),
  );

  app.post(
    "/api/groups/:handle/members/:userId/approve",
    { schema: { tags, params: memberParams, response: { 200: memberSchema } } },
    async (request) =>
      approveMember(ctx(request), requireActor(request), request.params.handle, request.params.userId),
  );

  app.patch(
    "/api/groups/:handle/members/:userId",
    {
      schema: {
        tags,
        params: memberParams,
        body: z.object({ role: z.enum(groupRoles, { error: "Choose owner, moderator or member." }) }),
        response: { 200: memberSchema },
      },
    },
    async (request) =>
      setRole(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.userId,
        request.body.role,
      ),
  );

  app.post(
    "/api/groups/:handle/members/:userId/remove",
    {
      schema: {
        tags,
        params: memberParams,
        body: z.object({ reason: reasonField.optional() }).nullish(),
        response: { 200: memberSchema },
      },
    },
    async (request) =>
      removeMember(ctx(request), requireActor(request), request.params.handle, request.params.userId, {
        status: "removed",
        reason: request.body?.reason ?? null,
      }),
  );

  app.post(
    "/api/groups/:handle/members/:userId/ban",
    {
      schema: {
        tags,
        params: memberParams,
        body: z.object({ reason: reasonField }),
        response: { 200: memberSchema },
      },
    },
    async (request) =>
      removeMember(ctx(request), requireActor(request), request.params.handle, request.params.userId, {
        status: "banned",
        reason: request.body.reason,
      }),
  );

  app.post(
    "/api/groups/:handle/members/:userId/unban",
    { schema: { tags, params: memberParams, response: { 200: memberSchema } } },
    async (request) =>
      unbanMember(ctx(request), requireActor(request), request.params.handle, request.params.userId),
  );

  app.get(
    "/api/groups/:handle/topics",
    {
      schema: {
        tags,
        params: handleParam,
        response: { 200: z.object({ topics: z.array(topicSummarySchema) }) },
      },
    },
    async (request) => ({
      topics: await listTopics(ctx(request), requireActor(request), request.params.handle),
    }),
  );

  app.post(
    "/api/groups/:handle/topics",
    {
      preValidation: readMultipartForm,
      schema: {
        tags,
        params: handleParam,
        consumes: ["application/json", "multipart/form-data"],
        body: z.object({ subject: subjectField, body: bodyField }),
        response: { 201: postedSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await startTopicIn(
            ctx(request),
            requireActor(request),
            request.params.handle,
            request.body,
            filesOf(request),
          ),
        ),
  );

  app.get(
    "/api/groups/:handle/topics/:topicId",
    { schema: { tags, params: topicParams, response: { 200: topicSchema } } },
    async (request) =>
      getTopic(ctx(request), requireActor(request), request.params.handle, request.params.topicId),
  );

  app.patch(
    "/api/groups/:handle/topics/:topicId",
    {
      schema: {
        tags,
        params: topicParams,
        body: z
          .object({
            pinned: z.boolean({ error: "Give pinned as true or false." }).optional(),
            locked: z.boolean({ error: "Give locked as true or false." }).optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: topicSchema },
      },
    },
    async (request) =>
      updateTopic(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.topicId,
        request.body,
      ),
  );

  app.delete(
    "/api/groups/:handle/topics/:topicId",
    {
      schema: {
        tags,
        params: topicParams,
        body: z
          .object({
            reason: z
              .string({ error: "Give the reason as text." })
              .trim()
              .min(1, "Give a reason, or leave it out.")
              .max(500, "Use at most 500 characters.")
              .optional(),
          })
          // A DELETE without a payload reaches validation as null.
          .nullish(),
      },
    },
    async (request, reply) => {
      await removeTopic(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.topicId,
        request.body?.reason ?? null,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/groups/:handle/topics/:topicId/messages",
    {
      preValidation: readMultipartForm,
      schema: {
        tags,
        params: topicParams,
        consumes: ["application/json", "multipart/form-data"],
        body: z.object({ body: bodyField }),
        response: { 201: postedSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await replyIn(
            ctx(request),
            requireActor(request),
            request.params.handle,
            request.params.topicId,
            request.body,
            filesOf(request),
          ),
        ),
  );

  app.get(
    "/api/groups/:handle/messages/:messageId/attachments/:fileId",
    { schema: { tags, params: messageParams.extend({ fileId: uuid }) } },
    async (request, reply) => {
      const file = await loadAttachment(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.messageId,
        request.params.fileId,
      );
      return sendStoredFile(reply, deps.config.dataDir, file);
    },
  );

  app.get(
    "/api/groups/:handle/hashtags/:tag",
    {
      schema: {
        tags,
        params: handleParam.extend({
          tag: z.string().min(1, "Name a hashtag.").max(51, "Not a valid hashtag."),
        }),
        response: { 200: z.object({ messages: z.array(taggedMessageSchema) }) },
      },
    },
    async (request) => ({
      messages: await messagesWithHashtag(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.tag,
      ),
    }),
  );

  app.get(
    "/api/groups/:handle/queue",
    {
      schema: {
        tags,
        params: handleParam,
        response: { 200: z.object({ messages: z.array(taggedMessageSchema) }) },
      },
    },
    async (request) => ({
      messages: await listQueue(ctx(request), requireActor(request), request.params.handle),
    }),
  );

  app.post(
    "/api/groups/:handle/queue/:messageId/approve",
    { schema: { tags, params: messageParams, response: { 200: postedSchema } } },
    async (request) =>
      approveMessage(ctx(request), requireActor(request), request.params.handle, request.params.messageId),
  );

  app.post(
    "/api/groups/:handle/queue/:messageId/reject",
    {
      schema: {
        tags,
        params: messageParams,
        body: z.object({ reason: reasonField }),
        response: { 200: messageSchema },
      },
    },
    async (request) =>
      rejectMessage(
        ctx(request),
        requireActor(request),
        request.params.handle,
        request.params.messageId,
        request.body.reason,
      ),
  );

  app.get(
    "/api/groups/:handle/log",
    { schema: { tags, params: handleParam, response: { 200: z.object({ entries: z.array(logSchema) }) } } },
    async (request) => ({
      entries: await listModerationLog(ctx(request), requireActor(request), request.params.handle),
    }),
  );
}
