import { defineReplyTarget } from "../../platform/notifications/replies.js";
import { addComment } from "./tickets.js";

/** An answer to a ticket's e-mail is a public reply on it, as if written on the ticket's page. */
defineReplyTarget({
  type: "desk_ticket",
  code: "t",
  post: async (ctx, ticketId, text) => {
    await addComment(ctx, ticketId, { body: text, internal: false });
  },
});
