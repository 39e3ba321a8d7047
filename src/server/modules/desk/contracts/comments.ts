import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText } from "../../../../shared/fields.js";

const tag = "desk";

export const commentInput = z.object({
  body: requiredText("Write a reply.", 50_000),
  internal: z.boolean().optional(),
});
export type CommentInput = z.output<typeof commentInput>;

export const comment = z.object({
  id: z.string(),
  author: z.object({ id: z.string().nullable(), name: z.string(), isStaff: z.boolean() }),
  bodyHtml: z.string(),
  internal: z.boolean(),
  createdAt: z.string(),
});
export type Comment = z.infer<typeof comment>;

export const addTicketComment = operation({
  operationId: "addTicketComment",
  summary: "Reply on a ticket, or write an internal note (staff)",
  method: "POST",
  path: "/api/desk/tickets/:id/comments",
  access: "member",
  tag,
  params: idParam,
  body: commentInput,
  response: comment,
  status: 201,
});
