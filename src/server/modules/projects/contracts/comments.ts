import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { requiredText, uuidField } from "../../../../shared/fields.js";
import { projectPerson, tag } from "./common.js";

export const commentInput = z.object({ body: requiredText("Write a comment.", 50_000) });
export type CommentInput = z.output<typeof commentInput>;

export const comment = z.object({
  id: z.string(),
  author: projectPerson,
  body: z.string(),
  bodyHtml: z.string(),
  createdAt: z.string(),
});
export type Comment = z.infer<typeof comment>;

export const addComment = operation({
  operationId: "addProjectPostComment",
  summary: "Comment on a post",
  method: "POST",
  path: "/api/projects/:id/posts/:postId/comments",
  access: "member",
  tag,
  params: z.object({ id: uuidField, postId: uuidField }),
  body: commentInput,
  response: comment,
  status: 201,
});
