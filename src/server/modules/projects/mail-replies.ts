import { eq } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { defineReplyTarget } from "../../platform/notifications/replies.js";
import { requireProject } from "./access.js";
import { commentInput } from "./contracts/comments.js";
import { addComment } from "./posts.js";
import { projectPosts } from "./schema.js";

async function projectOf(ctx: ActorCtx, postId: string): Promise<string> {
  const [post] = await ctx.db
    .select({ projectId: projectPosts.projectId })
    .from(projectPosts)
    .where(eq(projectPosts.id, postId));
  if (!post) throw notFound("The post");
  return post.projectId;
}

/** An answer to a post's e-mail is a comment on it, with the rules of a comment on the web. */
defineReplyTarget({
  type: "project_post",
  code: "p",
  body: commentInput.shape.body,
  // The gate of every write decides, so an archived project is refused before the message is sent.
  refusal: async (ctx, postId) => {
    await requireProject(ctx, await projectOf(ctx, postId), "write");
    return null;
  },
  post: async (ctx, postId, text) => {
    await addComment(ctx, await projectOf(ctx, postId), postId, { body: text });
  },
});
