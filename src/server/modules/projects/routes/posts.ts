import { sendStoredFile } from "../../../platform/files/download.js";
import { filesOf, readUpload } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as commentsContract from "../contracts/comments.js";
import * as contract from "../contracts/posts.js";
import * as posts from "../posts.js";

/** The message board: posts, their comments, files and subscriptions. */
export function postRoutes(route: Route): void {
  route(contract.listPosts, async ({ ctx, params, query }) => ({
    posts: await posts.listPosts(ctx, params.id, query),
  }));
  // A post with files comes as one multipart form, whose fields become the body.
  route(contract.createPost, ({ ctx, params, body, request }) =>
    posts.createPost(ctx, params.id, body, filesOf(request)),
  );
  route(contract.getPost, ({ ctx, params }) => posts.viewPost(ctx, params.id, params.postId));
  route(contract.updatePost, ({ ctx, params, body }) =>
    posts.updatePost(ctx, params.id, params.postId, body),
  );
  route(contract.attachToPost, async ({ ctx, params, request }) =>
    posts.attachToPost(ctx, params.id, params.postId, await readUpload(request, ctx.config)),
  );
  route(contract.downloadPostAttachment, async ({ ctx, params, reply }) => {
    const file = await posts.loadPostAttachment(ctx, params.id, params.postId, params.attachmentId);
    return sendStoredFile(reply, ctx.config, file);
  });
  route(contract.setPostSubscription, ({ ctx, params, body }) =>
    posts.setSubscription(ctx, params.id, params.postId, body.state),
  );
  route(commentsContract.addComment, ({ ctx, params, body }) =>
    posts.addComment(ctx, params.id, params.postId, body),
  );
}
