import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import { channelMembers, channels, messageReactions, messageRevisions, messages } from "./schema.js";

/**
 * What the person wrote in chat (channels and direct messages), their reactions and memberships. A
 * direct message is named by its channel's name only, never the other person's address. Erasure with
 * content removed leaves each message as a deleted-message tombstone (the place in the conversation
 * stays, as for any deleted message) with its text and earlier versions gone; @mentions of the person
 * in anyone's text are rewritten to the pseudonym address, so they render as the pseudonym.
 */
definePersonalDataArea({
  name: "chat",
  async collect(ctx, { id: userId }) {
    const written = await ctx.db
      .select({
        id: messages.id,
        channel: channels.name,
        channelKind: channels.kind,
        body: messages.body,
        threadRootId: messages.threadRootId,
        createdAt: messages.createdAt,
        editedAt: messages.editedAt,
      })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(and(eq(messages.authorId, userId), isNull(messages.deletedAt)))
      .orderBy(asc(messages.seq));
    const reactions = await ctx.db
      .select({
        messageId: messageReactions.messageId,
        emoji: messageReactions.emoji,
        createdAt: messageReactions.createdAt,
      })
      .from(messageReactions)
      .where(eq(messageReactions.userId, userId));
    const memberships = await ctx.db
      .select({ channel: channels.name, kind: channels.kind, joinedAt: channelMembers.joinedAt })
      .from(channelMembers)
      .innerJoin(channels, eq(channels.id, channelMembers.channelId))
      .where(eq(channelMembers.userId, userId));
    return { messages: written, reactions, memberships };
  },
  async erase(ctx, { userId, removeContent, formerEmail, pseudonymEmail }) {
    if (removeContent) {
      const theirs = ctx.db.select({ id: messages.id }).from(messages).where(eq(messages.authorId, userId));
      await ctx.db.delete(messageRevisions).where(inArray(messageRevisions.messageId, theirs));
      await ctx.db
        .update(messages)
        .set({ body: "", deletedAt: sql`coalesce(${messages.deletedAt}, now())`, pinnedAt: null })
        .where(eq(messages.authorId, userId));
      await ctx.db.delete(messageReactions).where(eq(messageReactions.userId, userId));
    }
    const mention = `@${formerEmail}`;
    // The search column is generated from the body, so it follows the rewritten text.
    await ctx.db
      .update(messages)
      .set({ body: sql`replace(${messages.body}, ${mention}, ${`@${pseudonymEmail}`})` })
      .where(sql`strpos(${messages.body}, ${mention}) > 0`);
    await ctx.db
      .update(messageRevisions)
      .set({ body: sql`replace(${messageRevisions.body}, ${mention}, ${`@${pseudonymEmail}`})` })
      .where(sql`strpos(${messageRevisions.body}, ${mention}) > 0`);
  },
});
