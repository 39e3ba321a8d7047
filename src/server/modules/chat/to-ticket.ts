import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden } from "../../platform/errors.js";
import { openTicket } from "../desk/index.js";
import type { TicketLink } from "./contracts/messages.js";
import { linkTicket, loadReadableMessage } from "./messages.js";

/**
 * Chat is not support: the author turns their message into a desk ticket in one click. The ticket
 * quotes the message and links back to it; the message links to the ticket.
 */
export async function openTicketFromMessage(ctx: ActorCtx, messageId: string): Promise<TicketLink> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const { message, channel } = await loadReadableMessage(tx, messageId, true);
    if (message.authorId !== actor.id) throw forbidden("Only the author turns a message into a ticket.");
    if (message.deletedAt) throw new AppError("conflict", "This message was deleted.");
    if (message.ticketId) throw new AppError("conflict", "A ticket was already opened from this message.");
    const firstLine = message.body.split("\n").find((line) => line.trim()) ?? "Support request from chat";
    const subject =
      firstLine
        .replace(/[#*_`>]/g, "")
        .trim()
        .slice(0, 120) || "Support request from chat";
    const link = `${ctx.config.publicUrl}/chat/${channel.id}?message=${message.id}`;
    const ticket = await openTicket(tx, {
      type: "support_question",
      subject: subject.length >= 3 ? subject : `Chat: ${subject}`,
      description: `${message.body}\n\n---\nOpened from [a chat message](${link}).`,
    });
    await linkTicket(tx, message.id, ticket.id);
    return { ticketId: ticket.id, ticketNumber: ticket.number };
  });
}
