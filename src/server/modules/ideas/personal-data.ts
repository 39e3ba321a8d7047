import { asc, eq } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import { ideaComments, ideaMessages, ideas, ideaTickets, ideaVotes } from "./schema.js";

const REMOVED = "(Removed at the author's request.)";

/**
 * The ideas the person posted, their comments, their votes and the tickets and chat messages they linked
 * to ideas as evidence (the links themselves: the ticket and the message stay the desk's and chat's). Names are read from the account when
 * shown, so erasure needs to rewrite no copy; with content removed, the problems and comments they
 * wrote say so, while titles stay (others voted for them).
 */
definePersonalDataArea({
  name: "ideas",
  async collect(ctx, { id: userId }) {
    const posted = await ctx.db
      .select({
        title: ideas.title,
        problem: ideas.problem,
        module: ideas.module,
        status: ideas.status,
        createdAt: ideas.createdAt,
      })
      .from(ideas)
      .where(eq(ideas.authorId, userId))
      .orderBy(asc(ideas.createdAt));
    const comments = await ctx.db
      .select({ idea: ideas.title, body: ideaComments.body, createdAt: ideaComments.createdAt })
      .from(ideaComments)
      .innerJoin(ideas, eq(ideas.id, ideaComments.ideaId))
      .where(eq(ideaComments.authorId, userId))
      .orderBy(asc(ideaComments.createdAt));
    const votes = await ctx.db
      .select({ idea: ideas.title, createdAt: ideaVotes.createdAt })
      .from(ideaVotes)
      .innerJoin(ideas, eq(ideas.id, ideaVotes.ideaId))
      .where(eq(ideaVotes.userId, userId))
      .orderBy(asc(ideaVotes.createdAt));
    const linkedTickets = await ctx.db
      .select({ idea: ideas.title, ticketId: ideaTickets.ticketId, createdAt: ideaTickets.createdAt })
      .from(ideaTickets)
      .innerJoin(ideas, eq(ideas.id, ideaTickets.ideaId))
      .where(eq(ideaTickets.linkedBy, userId))
      .orderBy(asc(ideaTickets.createdAt));
    const linkedMessages = await ctx.db
      .select({ idea: ideas.title, messageId: ideaMessages.messageId, createdAt: ideaMessages.createdAt })
      .from(ideaMessages)
      .innerJoin(ideas, eq(ideas.id, ideaMessages.ideaId))
      .where(eq(ideaMessages.linkedBy, userId))
      .orderBy(asc(ideaMessages.createdAt));
    return { ideas: posted, comments, votes, linkedTickets, linkedMessages };
  },
  async erase(ctx, { userId, removeContent }) {
    if (!removeContent) return;
    await ctx.db.update(ideas).set({ problem: REMOVED }).where(eq(ideas.authorId, userId));
    await ctx.db.update(ideaComments).set({ body: REMOVED }).where(eq(ideaComments.authorId, userId));
  },
});
