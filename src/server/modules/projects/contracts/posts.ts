import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { requiredText, someChange, uuidField } from "../../../../shared/fields.js";
import { comment } from "./comments.js";
import {
  attachment,
  itemVisibilities,
  postCategories,
  projectParams,
  projectPerson,
  storedFile,
  subscriptionStates,
  tag,
  visibilityField,
} from "./common.js";

// --- input ---

export const postParams = z.object({ id: uuidField, postId: uuidField });
const categoryField = z.enum(postCategories, { error: `Choose one of: ${postCategories.join(", ")}.` });
const postFields = {
  category: categoryField,
  title: requiredText("Enter a title.", 200),
  body: requiredText("Write the post.", 50_000),
  visibility: visibilityField.optional(),
};
export const postInput = z.object(postFields);
export type PostInput = z.output<typeof postInput>;
export const postChanges = someChange({
  category: postFields.category.optional(),
  title: postFields.title.optional(),
  body: postFields.body.optional(),
  visibility: postFields.visibility,
});
export type PostChanges = z.output<typeof postChanges>;
export const postListQuery = z.object({ category: categoryField.optional() });
export type PostListQuery = z.output<typeof postListQuery>;

// --- output ---

export const postSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  category: z.enum(postCategories),
  title: z.string(),
  visibility: z.enum(itemVisibilities),
  author: projectPerson,
  commentCount: z.number(),
  attachmentCount: z.number(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  /** The newest comment's time, or the post's. */
  lastActivityAt: z.string(),
});
export type PostSummary = z.infer<typeof postSummary>;
/** What the reader hears about a post: subscribed, muted, or nothing (never wrote on it, never chose). */
export const mySubscription = z.enum([...subscriptionStates, "none"]);
export type MySubscription = z.infer<typeof mySubscription>;
export const post = postSummary.extend({
  body: z.string(),
  bodyHtml: z.string(),
  comments: z.array(comment),
  attachments: z.array(attachment),
  mySubscription,
  canEdit: z.boolean(),
});
export type Post = z.infer<typeof post>;
const subscription = z.object({ state: z.enum(subscriptionStates) });

// --- operations ---

export const listPosts = operation({
  operationId: "listProjectPosts",
  summary: "A project's message board, newest activity first",
  method: "GET",
  path: "/api/projects/:id/posts",
  access: "member",
  tag,
  params: projectParams,
  query: postListQuery,
  response: z.object({ posts: z.array(postSummary) }),
});

export const createPost = operation({
  operationId: "createProjectPost",
  summary: "Write a post, with files if any",
  description:
    "JSON, or multipart/form-data with the same fields plus files named `file`, so the post and its files are saved together or not at all.",
  method: "POST",
  path: "/api/projects/:id/posts",
  access: "member",
  tag,
  params: projectParams,
  body: postInput,
  form: true,
  response: post,
  status: 201,
});

export const getPost = operation({
  operationId: "getProjectPost",
  summary: "One post with its comments and files",
  method: "GET",
  path: "/api/projects/:id/posts/:postId",
  access: "member",
  tag,
  params: postParams,
  response: post,
});

export const updatePost = operation({
  operationId: "updateProjectPost",
  summary: "Change a post (its author or staff)",
  method: "PATCH",
  path: "/api/projects/:id/posts/:postId",
  access: "member",
  tag,
  params: postParams,
  body: postChanges,
  response: post,
});

export const attachToPost = operation({
  operationId: "attachToProjectPost",
  summary: "Add a file to a post",
  method: "POST",
  path: "/api/projects/:id/posts/:postId/attachments",
  access: "member",
  tag,
  params: postParams,
  body: "multipart",
  response: attachment,
  status: 201,
});

export const downloadPostAttachment = operation({
  operationId: "downloadProjectPostAttachment",
  summary: "A file of a post",
  method: "GET",
  path: "/api/projects/:id/posts/:postId/attachments/:attachmentId",
  access: "member",
  tag,
  params: postParams.extend({ attachmentId: uuidField }),
  response: storedFile,
});

export const setPostSubscription = operation({
  operationId: "setProjectPostSubscription",
  summary: "Subscribe to a post's comments, or mute them",
  method: "PUT",
  path: "/api/projects/:id/posts/:postId/subscription",
  access: "member",
  tag,
  params: postParams,
  body: z.object({ state: z.enum(subscriptionStates, { error: "Choose subscribed or muted." }) }),
  response: subscription,
});
