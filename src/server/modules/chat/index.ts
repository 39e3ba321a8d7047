// What other modules may use of chat: service functions only, never its tables.
import type { Actor, Ctx } from "../../platform/context.js";
import { announcementsChannel } from "./channels.js";
import { postMessage } from "./messages.js";

export { ensureAnnouncementsChannel, memberChannelIds } from "./channels.js";

/** Posts into #announcements as a member of the product team (a release being published, say). */
export async function postAnnouncement(
  ctx: Ctx,
  input: { author: Actor; clientId: string; body: string },
): Promise<{ messageId: string }> {
  const channel = await announcementsChannel(ctx.db);
  const { message } = await postMessage(ctx, input.author, channel.id, {
    clientId: input.clientId,
    body: input.body,
  });
  return { messageId: message.id };
}
