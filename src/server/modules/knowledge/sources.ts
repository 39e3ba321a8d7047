import { asc } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { readChatMessage } from "../chat/index.js";
import { readTicketComment } from "../desk/index.js";
import { readGroupMessage } from "../groups/index.js";
import { type ArticleOrigin, createArticle } from "./articles.js";
import type { Article, ArticleSource } from "./contracts/articles.js";
import { knowledgeCategories } from "./schema.js";

/** A title is one line; a message's first line, cut at a word, starts a draft's. */
export function titleFrom(text: string, max = 120): string {
  const line = (text.split("\n").find((part) => part.trim() !== "") ?? "").replace(/[#*_`>]/g, "").trim();
  if (line.length <= max) return line || "Untitled answer";
  const cut = line.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  return `${lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut}…`;
}

/** The answer's text, a title for it, and the link back, each read under its own module's rule. */
async function readSource(
  ctx: ActorCtx,
  source: ArticleSource,
): Promise<{ title: string; body: string; origin: ArticleOrigin }> {
  switch (source.kind) {
    case "ticket_comment": {
      const comment = await readTicketComment(ctx, source.id);
      return {
        title: comment.ticketSubject,
        body: comment.body,
        origin: {
          kind: source.kind,
          id: source.id,
          label: `From ticket #${comment.ticketNumber}`,
          path: `/desk/tickets/${comment.ticketId}`,
        },
      };
    }
    case "chat_message": {
      const message = await readChatMessage(ctx, source.id);
      return {
        title: titleFrom(message.body),
        body: message.body,
        origin: {
          kind: source.kind,
          id: source.id,
          label: message.isDirect ? "From a direct message" : `From a message in #${message.channelName}`,
          path: message.path,
        },
      };
    }
    case "group_message": {
      const message = await readGroupMessage(ctx, source.id);
      return {
        title: message.topicSubject,
        body: message.body,
        origin: {
          kind: source.kind,
          id: source.id,
          label: `From the group topic “${message.topicSubject}” in ${message.groupName}`,
          path: message.path,
        },
      };
    }
  }
}

/**
 * One click from an answer to an article: a draft for members, in the first category, prefilled with
 * the answer's text and linked back to it, for staff to edit and publish.
 */
export async function draftArticleFromSource(ctx: ActorCtx, source: ArticleSource): Promise<Article> {
  const { title, body, origin } = await readSource(ctx, source);
  const [category] = await ctx.db
    .select({ id: knowledgeCategories.id })
    .from(knowledgeCategories)
    .orderBy(asc(knowledgeCategories.position))
    .limit(1);
  if (!category) throw new AppError("conflict", "Add a knowledge base category before drafting articles.");
  return createArticle(
    ctx,
    { title: titleFrom(title, 200), body, categoryId: category.id, status: "draft", audience: "members" },
    origin,
  );
}
