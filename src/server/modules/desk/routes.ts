import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../platform/auth/http.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { readUpload } from "../../platform/files/upload.js";
import { idParam, typed } from "../../platform/http.js";
import { listActiveStaff, organisationInput } from "../accounts/index.js";
import { approveAccessRequest, declineAccessRequest } from "./access-requests.js";
import { ticketStatuses, ticketTypes } from "./schema.js";
import {
  addComment,
  attachToTicket,
  getTicketView,
  listTickets,
  loadAttachment,
  openTicket,
  setWatching,
  updateTicket,
} from "./tickets.js";

const person = z.object({ id: z.string(), name: z.string() });
const attachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  createdAt: z.string(),
});
const commentSchema = z.object({
  id: z.string(),
  author: z.object({ id: z.string().nullable(), name: z.string(), isStaff: z.boolean() }),
  bodyHtml: z.string(),
  internal: z.boolean(),
  createdAt: z.string(),
});
const ticketSummarySchema = z.object({
  id: z.string(),
  number: z.number(),
  type: z.enum(ticketTypes),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  requester: z.object({ id: z.string().nullable(), name: z.string(), email: z.string() }),
  organisation: person.nullable(),
  assignee: person.nullable(),
  sharedWithOrganisation: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ticketSchema = ticketSummarySchema.extend({
  description: z.string(),
  descriptionHtml: z.string(),
  attachments: z.array(attachmentSchema),
  comments: z.array(commentSchema),
  watchers: z.array(person),
  watching: z.boolean(),
  canManage: z.boolean(),
  accessRequest: z
    .object({
      name: z.string(),
      email: z.string(),
      organisation: z.string(),
      role: z.string(),
      reason: z.string(),
      decision: z.enum(["approved", "declined"]).optional(),
      declineReason: z.string().optional(),
    })
    .nullable(),
});

const typeField = z.enum(ticketTypes, { error: `Choose one of: ${ticketTypes.join(", ")}.` });
const statusField = z.enum(ticketStatuses, { error: `Choose one of: ${ticketStatuses.join(", ")}.` });

export function registerDeskRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["desk"];

  app.get(
    "/api/desk/tickets",
    {
      schema: {
        tags,
        querystring: z.object({
          type: typeField.optional(),
          status: statusField.optional(),
          assigneeId: z
            .union([z.literal("me"), z.literal("none"), z.uuid()], {
              error: "Use me, none or a person's id.",
            })
            .optional(),
          organisationId: z.uuid().optional(),
          q: z.string().trim().max(200).optional(),
        }),
        response: { 200: z.object({ tickets: z.array(ticketSummarySchema) }) },
      },
    },
    async (request) => ({ tickets: await listTickets(deps.db, requireActor(request), request.query) }),
  );

  app.post(
    "/api/desk/tickets",
    {
      schema: {
        tags,
        body: z.object({
          type: typeField,
          subject: z.string().trim().min(3, "Write a subject of at least 3 characters.").max(200),
          description: z.string().trim().min(1, "Describe what you need.").max(50_000),
          sharedWithOrganisation: z.boolean().optional(),
        }),
        response: { 201: ticketSchema },
      },
    },
    async (request, reply) => {
      const ticket = await openTicket(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(ticket);
    },
  );

  app.get(
    "/api/desk/tickets/:id",
    { schema: { tags, params: idParam, response: { 200: ticketSchema } } },
    async (request) => getTicketView(deps.db, requireActor(request), request.params.id),
  );

  app.patch(
    "/api/desk/tickets/:id",
    {
      schema: {
        tags,
        params: idParam,
        body: z
          .object({
            status: statusField.optional(),
            assigneeId: z.uuid("Choose a member of the product team.").nullable().optional(),
            sharedWithOrganisation: z.boolean().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "Say what to change."),
        response: { 200: ticketSchema },
      },
    },
    async (request) =>
      updateTicket(contextOf(request, deps), requireActor(request), request.params.id, request.body),
  );

  app.post(
    "/api/desk/tickets/:id/comments",
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({
          body: z.string().trim().min(1, "Write a reply.").max(50_000),
          internal: z.boolean().optional(),
        }),
        response: { 201: commentSchema },
      },
    },
    async (request, reply) => {
      const comment = await addComment(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(comment);
    },
  );

  app.post(
    "/api/desk/tickets/:id/attachments",
    {
      schema: {
        tags,
        params: idParam,
        consumes: ["multipart/form-data"],
        response: { 201: attachmentSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const upload = await readUpload(request);
      const attachment = await attachToTicket(contextOf(request, deps), actor, request.params.id, upload);
      return reply.status(201).send(attachment);
    },
  );

  app.get("/api/desk/attachments/:id", { schema: { tags, params: idParam } }, async (request, reply) => {
    const file = await loadAttachment(deps.db, requireActor(request), request.params.id);
    return sendStoredFile(reply, deps.config.dataDir, file);
  });

  app.post(
    "/api/desk/tickets/:id/watch",
    { schema: { tags, params: idParam, response: { 200: ticketSchema } } },
    async (request) => setWatching(contextOf(request, deps), requireActor(request), request.params.id, true),
  );

  app.delete(
    "/api/desk/tickets/:id/watch",
    { schema: { tags, params: idParam, response: { 200: ticketSchema } } },
    async (request) => setWatching(contextOf(request, deps), requireActor(request), request.params.id, false),
  );

  app.post(
    "/api/desk/tickets/:id/approve",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        // One object with an "exactly one of" rule, so a bad new organisation names its own fields.
        body: z
          .object({
            organisationId: z.uuid("Choose an organisation.").optional(),
            newOrganisation: organisationInput.optional(),
          })
          .refine((body) => (body.organisationId === undefined) !== (body.newOrganisation === undefined), {
            message: "Choose an existing organisation or describe a new one, not both.",
            path: ["organisationId"],
          }),
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const actor = requireStaff(request);
      return approveAccessRequest(contextOf(request, deps), actor, request.params.id, request.body);
    },
  );

  app.post(
    "/api/desk/tickets/:id/decline",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        body: z.object({ reason: z.string().trim().min(5, "Give the requester a reason.").max(4000) }),
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const actor = requireStaff(request);
      return declineAccessRequest(contextOf(request, deps), actor, request.params.id, request.body.reason);
    },
  );

  app.get(
    "/api/desk/staff",
    { config: staffAccess, schema: { tags, response: { 200: z.object({ users: z.array(person) }) } } },
    async (request) => {
      requireStaff(request);
      return { users: (await listActiveStaff(deps.db)).map(({ id, name }) => ({ id, name })) };
    },
  );
}
