import { sendStoredFile } from "../../../platform/files/download.js";
import { filesOf } from "../../../platform/files/upload.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/messages.js";
import { loadAttachment, messagesWithHashtag, replyIn } from "../topics.js";

export function messageRoutes(route: Route): void {
  route(contract.replyToGroupTopic, ({ ctx, params, body, request }) =>
    replyIn(ctx, params.handle, params.topicId, body, filesOf(request)),
  );
  route(contract.getGroupAttachment, async ({ ctx, params, reply }) => {
    const file = await loadAttachment(ctx, params.handle, params.messageId, params.fileId);
    return sendStoredFile(reply, ctx.config, file);
  });
  route(contract.listGroupHashtagMessages, async ({ ctx, params }) => ({
    messages: await messagesWithHashtag(ctx, params.handle, params.tag),
  }));
}
