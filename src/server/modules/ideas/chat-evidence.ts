import { asc, eq } from "drizzle-orm";
import { readTogether } from "../../db/together.js";
import type { ActorCtx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { renderMarkdown } from "../../platform/markdown.js";
import { userSummaries } from "../accounts/index.js";
import { readChatMessage } from "../chat/index.js";
import type { IdeaEvidenceMessage } from "./contracts/ideas.js";
import { ideaMessages } from "./schema.js";

type ChatMessage = Awaited<ReturnType<typeof readChatMessage>>;

/** The message as chat lets this person read it, or null: a channel they are not in, a deleted message. */
export async function readableMessage(ctx: ActorCtx, messageId: string): Promise<ChatMessage | null> {
  try {
    return await readChatMessage(ctx, messageId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

/**
 * The idea's chat evidence as this reader may see it, oldest link first: chat's own rule decides per
 * message, so a private channel or a direct message shows only that it exists, never its words,
 * author or channel.
 */
export async function evidenceMessages(ctx: ActorCtx, ideaId: string): Promise<IdeaEvidenceMessage[]> {
  const links = await ctx.db
    .select({ messageId: ideaMessages.messageId })
    .from(ideaMessages)
    .where(eq(ideaMessages.ideaId, ideaId))
    .orderBy(asc(ideaMessages.createdAt));
  const messages = await readTogether(
    ctx.db,
    links.map((link) => () => readableMessage(ctx, link.messageId)),
  );
  const people = await userSummaries(
    ctx.db,
    messages.flatMap((message) => (message ? [message.authorId] : [])),
  );
  return messages.map((message) =>
    message
      ? {
          readable: true,
          bodyHtml: renderMarkdown(message.body),
          author: { id: message.authorId, name: people.get(message.authorId)?.name ?? "" },
          channelName: message.channelName,
          isDirect: message.isDirect,
          url: message.path,
          postedAt: message.postedAt.toISOString(),
        }
      : { readable: false },
  );
}
