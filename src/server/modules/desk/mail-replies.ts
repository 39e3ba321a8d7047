import { defineReplyTarget } from "../../platform/notifications/replies.js";
import { commentInput } from "./contracts/comments.js";
import { addComment } from "./tickets.js";

/** An answer to a ticket's e-mail is a public reply on it, as if written on the ticket's page. */
defineReplyTarget({
  type: "desk_ticket",
  code: "t",
  body: commentInput.shape.body,
  post: async (ctx, ticketId, text) => {
    await addComment(ctx, ticketId, { body: text, internal: false });
  },
});
