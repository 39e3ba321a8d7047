import { eq } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { invalid, notFound } from "../../platform/errors.js";
import { ticketRefsVisibleTo } from "../desk/index.js";
import { readableMessage } from "./chat-evidence.js";
import type { Idea, IdeaSummary } from "./contracts/ideas.js";
import { announceIdeas, getIdea, ideaSummariesOf, loadIdea } from "./ideas.js";
import { assertNotMerged } from "./policy.js";
import { ideaMessages, ideaTickets } from "./schema.js";

/**
 * Links a chat message to an idea as evidence. Anyone who can read the message may link it (it is
 * their conversation that asks for the idea); linking it again changes nothing.
 */
export async function linkMessage(ctx: ActorCtx, id: string, messageId: string): Promise<Idea> {
  await inTransaction(ctx, async (tx) => {
    assertNotMerged(await loadIdea(tx.db, id, true));
    if (!(await readableMessage(tx, messageId)))
      throw invalid({ messageId: "There is no message you can read with this id." });
    const added = await tx.db
      .insert(ideaMessages)
      .values({ ideaId: id, messageId, linkedBy: ctx.actor.id })
      .onConflictDoNothing()
      .returning({ messageId: ideaMessages.messageId });
    if (added.length === 0) return;
    await recordAudit(tx, {
      action: "idea.message_linked",
      targetType: "idea",
      targetId: id,
      details: { messageId },
    });
    await announceIdeas(tx, id);
  });
  return getIdea(ctx, id);
}

/** The ideas a ticket is linked to, for someone who may open the ticket (anyone else: it is missing). */
export async function ideasOfTicket(ctx: ActorCtx, ticketId: string): Promise<IdeaSummary[]> {
  const [ticket] = await ticketRefsVisibleTo(ctx.db, ctx.actor, [ticketId]);
  if (!ticket) throw notFound("The ticket");
  const linked = await ctx.db
    .select({ ideaId: ideaTickets.ideaId })
    .from(ideaTickets)
    .where(eq(ideaTickets.ticketId, ticket.id));
  return ideaSummariesOf(
    ctx,
    linked.map((link) => link.ideaId),
  );
}
