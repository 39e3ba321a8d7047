import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { filesOf, readMultipartForm, readUpload } from "../../platform/files/upload.js";
import { typed } from "../../platform/http.js";
import { listMyActivity, listProjectActivity } from "./activity.js";
import {
  addComment,
  attachToPost,
  createPost,
  getPostView,
  listPosts,
  loadPostAttachment,
  setSubscription,
  updatePost,
} from "./posts.js";
import {
  addParticipant,
  createProject,
  getProjectView,
  listProjects,
  removeParticipant,
  setArchived,
  updateProject,
} from "./projects.js";
import { registerDocumentRoutes } from "./routes-documents.js";
import { registerFeedbackRoutes } from "./routes-feedback.js";
import { itemVisibilities, postCategories, projectStatuses, subscriptionStates } from "./schema.js";
import { searchProjects } from "./search.js";

/**
 * Every route of collaboration projects. Each sub-feature keeps its routes in its own file and adds
 * one call below, in its marked place.
 */
export function registerProjectRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  // Projects, participants, the message board and the activity timeline (this file).
  registerCoreRoutes(scope, deps);

  // Documents and files: registerDocumentRoutes(scope, deps) from ./routes-documents.js
  registerDocumentRoutes(scope, deps);

  // Feedback rounds: registerFeedbackRoutes(scope, deps) from ./routes-feedback.js
  registerFeedbackRoutes(scope, deps);
}

const uuid = z.uuid({ error: "Not a valid id." });
const projectParams = z.object({ id: uuid });
const postParams = z.object({ id: uuid, postId: uuid });

const projectNameField = z
  .string({ error: "Enter a name." })
  .trim()
  .min(3, "Use at least 3 characters.")
  .max(120, "Use at most 120 characters.");
const purposeField = z
  .string({ error: "Describe the purpose." })
  .trim()
  .max(20_000, "Use at most 20,000 characters.");
const startsOnField = z.iso.date({ error: "Enter the start date as YYYY-MM-DD." });
const endsOnField = z.iso.date({ error: "Enter the end date as YYYY-MM-DD." });
const categoryField = z.enum(postCategories, { error: `Choose one of: ${postCategories.join(", ")}.` });
const visibilityField = z.enum(itemVisibilities, {
  error: "Choose project (everyone in the project) or staff (the product team only).",
});
const postTitleField = z
  .string({ error: "Enter a title." })
  .trim()
  .min(1, "Enter a title.")
  .max(200, "Use at most 200 characters.");
const postBodyField = z
  .string({ error: "Write the post." })
  .trim()
  .min(1, "Write the post.")
  .max(50_000, "Use at most 50,000 characters.");

const personSchema = z.object({
  id: z.string(),
  name: z.string(),
  isStaff: z.boolean(),
  organisationName: z.string(),
});
const projectSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  status: z.enum(projectStatuses),
  organisationNames: z.array(z.string()),
  personCount: z.number(),
  updatedAt: z.string(),
});
const participantSchema = z.object({
  id: z.string(),
  kind: z.enum(["person", "organisation"]),
  userId: z.string().optional(),
  organisationId: z.string().optional(),
  name: z.string(),
  organisationName: z.string().optional(),
  addedAt: z.string(),
});
const projectSchema = projectSummarySchema.omit({ organisationNames: true, personCount: true }).extend({
  purposeHtml: z.string(),
  archivedAt: z.string().nullable(),
  participants: z.array(participantSchema),
  canManage: z.boolean(),
});
const attachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  createdAt: z.string(),
});
const postSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  category: z.enum(postCategories),
  title: z.string(),
  visibility: z.enum(itemVisibilities),
  author: personSchema,
  commentCount: z.number(),
  attachmentCount: z.number(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  lastActivityAt: z.string(),
});
const commentSchema = z.object({
  id: z.string(),
  author: personSchema,
  body: z.string(),
  bodyHtml: z.string(),
  createdAt: z.string(),
});
const postSchema = postSummarySchema.extend({
  body: z.string(),
  bodyHtml: z.string(),
  comments: z.array(commentSchema),
  attachments: z.array(attachmentSchema),
  mySubscription: z.enum([...subscriptionStates, "none"]),
  canEdit: z.boolean(),
});
const activitySchema = z.object({
  activity: z.array(
    z.object({
      id: z.number(),
      projectId: z.string(),
      projectName: z.string(),
      actor: z.object({ id: z.string(), name: z.string() }),
      verb: z.string(),
      itemType: z.string(),
      itemId: z.string(),
      summary: z.string(),
      visibility: z.enum(itemVisibilities),
      at: z.string(),
    }),
  ),
  nextBefore: z.number().nullable(),
});
const searchHitSchema = z.object({
  kind: z.enum(["post", "comment", "document", "file"]),
  projectId: z.string(),
  projectName: z.string(),
  itemId: z.string(),
  title: z.string(),
  snippet: z.string(),
  visibility: z.enum(itemVisibilities),
  at: z.string(),
});
const activityQuery = z.object({
  before: z.coerce
    .number({ error: "Give before as the nextBefore of the previous page." })
    .int("Give before as the nextBefore of the previous page.")
    .positive("Give before as the nextBefore of the previous page.")
    .optional(),
  limit: z.coerce
    .number({ error: "Give limit as a number from 1 to 100." })
    .int("Give limit as a number from 1 to 100.")
    .min(1, "Give limit as a number from 1 to 100.")
    .max(100, "Give limit as a number from 1 to 100.")
    .optional(),
});

/** Projects, participants, the message board and the activity timeline. */
function registerCoreRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["projects"];

  app.get(
    "/api/projects",
    {
      schema: {
        tags,
        querystring: z.object({
          status: z.enum(projectStatuses, { error: "Choose active or archived." }).optional(),
        }),
        response: { 200: z.object({ projects: z.array(projectSummarySchema) }) },
      },
    },
    async (request) => ({ projects: await listProjects(deps.db, requireActor(request), request.query) }),
  );

  app.post(
    "/api/projects",
    {
      config: staffAccess,
      schema: {
        tags,
        body: z.object({
          name: projectNameField,
          purpose: purposeField,
          startsOn: startsOnField,
          endsOn: endsOnField.nullable().optional(),
        }),
        response: { 201: projectSchema },
      },
    },
    async (request, reply) => {
      const project = await createProject(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(project);
    },
  );

  app.get(
    "/api/projects/search",
    {
      schema: {
        tags,
        querystring: z.object({
          q: z
            .string({ error: "Enter what to search for." })
            .trim()
            .min(2, "Enter at least 2 characters.")
            .max(200, "Use at most 200 characters."),
          projectId: uuid.optional(),
        }),
        response: { 200: z.object({ hits: z.array(searchHitSchema) }) },
      },
    },
    async (request) => ({
      hits: await searchProjects(contextOf(request, deps), requireActor(request), request.query),
    }),
  );

  app.get(
    "/api/projects/activity",
    { schema: { tags, querystring: activityQuery, response: { 200: activitySchema } } },
    async (request) => listMyActivity(contextOf(request, deps), requireActor(request), request.query),
  );

  app.get(
    "/api/projects/:id",
    { schema: { tags, params: projectParams, response: { 200: projectSchema } } },
    async (request) => getProjectView(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.patch(
    "/api/projects/:id",
    {
      config: staffAccess,
      schema: {
        tags,
        params: projectParams,
        body: z
          .object({
            name: projectNameField.optional(),
            purpose: purposeField.optional(),
            startsOn: startsOnField.optional(),
            endsOn: endsOnField.nullable().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: projectSchema },
      },
    },
    async (request) =>
      updateProject(contextOf(request, deps), requireStaff(request), request.params.id, request.body),
  );

  for (const [action, archived] of [
    ["archive", true],
    ["restore", false],
  ] as const) {
    app.post(
      `/api/projects/:id/${action}`,
      { config: staffAccess, schema: { tags, params: projectParams, response: { 200: projectSchema } } },
      async (request) =>
        setArchived(contextOf(request, deps), requireStaff(request), request.params.id, archived),
    );
  }

  app.post(
    "/api/projects/:id/participants",
    {
      config: staffAccess,
      schema: {
        tags,
        params: projectParams,
        body: z
          .object({
            userId: z.uuid("Choose a person.").optional(),
            organisationId: z.uuid("Choose an organisation.").optional(),
          })
          .refine((body) => (body.userId === undefined) !== (body.organisationId === undefined), {
            message: "Choose a person or an organisation, not both.",
            path: ["userId"],
          }),
        response: { 201: participantSchema },
      },
    },
    async (request, reply) => {
      const { userId, organisationId } = request.body;
      const participant = await addParticipant(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        userId ? { userId } : { organisationId: organisationId ?? "" },
      );
      return reply.status(201).send(participant);
    },
  );

  app.delete(
    "/api/projects/:id/participants/:participantId",
    { config: staffAccess, schema: { tags, params: z.object({ id: uuid, participantId: uuid }) } },
    async (request, reply) => {
      await removeParticipant(
        contextOf(request, deps),
        requireStaff(request),
        request.params.id,
        request.params.participantId,
      );
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/projects/:id/posts",
    {
      schema: {
        tags,
        params: projectParams,
        querystring: z.object({ category: categoryField.optional() }),
        response: { 200: z.object({ posts: z.array(postSummarySchema) }) },
      },
    },
    async (request) => ({
      posts: await listPosts(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.query,
      ),
    }),
  );

  app.post(
    "/api/projects/:id/posts",
    {
      preValidation: readMultipartForm,
      schema: {
        tags,
        params: projectParams,
        consumes: ["application/json", "multipart/form-data"],
        body: z.object({
          category: categoryField,
          title: postTitleField,
          body: postBodyField,
          visibility: visibilityField.optional(),
        }),
        response: { 201: postSchema },
      },
    },
    async (request, reply) => {
      const post = await createPost(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body,
        filesOf(request),
      );
      return reply.status(201).send(post);
    },
  );

  app.get(
    "/api/projects/:id/posts/:postId",
    { schema: { tags, params: postParams, response: { 200: postSchema } } },
    async (request) =>
      getPostView(contextOf(request, deps), requireActor(request), request.params.id, request.params.postId),
  );

  app.patch(
    "/api/projects/:id/posts/:postId",
    {
      schema: {
        tags,
        params: postParams,
        body: z
          .object({
            category: categoryField.optional(),
            title: postTitleField.optional(),
            body: postBodyField.optional(),
            visibility: visibilityField.optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: postSchema },
      },
    },
    async (request) =>
      updatePost(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.postId,
        request.body,
      ),
  );

  app.post(
    "/api/projects/:id/posts/:postId/comments",
    {
      schema: {
        tags,
        params: postParams,
        body: z.object({
          body: z
            .string({ error: "Write a comment." })
            .trim()
            .min(1, "Write a comment.")
            .max(50_000, "Use at most 50,000 characters."),
        }),
        response: { 201: commentSchema },
      },
    },
    async (request, reply) => {
      const comment = await addComment(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.postId,
        request.body,
      );
      return reply.status(201).send(comment);
    },
  );

  app.post(
    "/api/projects/:id/posts/:postId/attachments",
    {
      schema: {
        tags,
        params: postParams,
        consumes: ["multipart/form-data"],
        response: { 201: attachmentSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const upload = await readUpload(request);
      const attachment = await attachToPost(
        contextOf(request, deps),
        actor,
        request.params.id,
        request.params.postId,
        upload,
      );
      return reply.status(201).send(attachment);
    },
  );

  app.get(
    "/api/projects/:id/posts/:postId/attachments/:attachmentId",
    { schema: { tags, params: postParams.extend({ attachmentId: uuid }) } },
    async (request, reply) => {
      const { id, postId, attachmentId } = request.params;
      const file = await loadPostAttachment(
        contextOf(request, deps),
        requireActor(request),
        id,
        postId,
        attachmentId,
      );
      return sendStoredFile(reply, deps.config.dataDir, file);
    },
  );

  app.put(
    "/api/projects/:id/posts/:postId/subscription",
    {
      schema: {
        tags,
        params: postParams,
        body: z.object({
          state: z.enum(subscriptionStates, { error: "Choose subscribed or muted." }),
        }),
        response: { 200: z.object({ state: z.enum(subscriptionStates) }) },
      },
    },
    async (request) =>
      setSubscription(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.postId,
        request.body.state,
      ),
  );

  app.get(
    "/api/projects/:id/activity",
    {
      schema: { tags, params: projectParams, querystring: activityQuery, response: { 200: activitySchema } },
    },
    async (request) =>
      listProjectActivity(contextOf(request, deps), requireActor(request), request.params.id, request.query),
  );
}
