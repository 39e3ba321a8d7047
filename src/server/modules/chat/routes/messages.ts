import type { Route } from "../../../platform/routes.js";
import type { TokenBuckets } from "../../../platform/throttle.js";
import * as contract from "../contracts/messages.js";
import { deleteMessage, editMessage, getThread, listMessages, postMessage } from "../messages.js";
import { openTicketFromMessage } from "../to-ticket.js";

/** `posting` is each person's posting allowance; a retried post answers 200 with the first one. */
export function messageRoutes(route: Route, posting: TokenBuckets): void {
  route(contract.listMessages, ({ ctx, params, query }) => listMessages(ctx, params.id, query));
  route(contract.postMessage, async ({ ctx, params, body, reply }) => {
    const { message, created } = await postMessage(ctx, params.id, body, () => posting.take(ctx.actor.id));
    return created ? message : reply.status(200).send(message);
  });
  route(contract.getThread, ({ ctx, params }) => getThread(ctx, params.id));
  route(contract.editMessage, ({ ctx, params, body }) => editMessage(ctx, params.id, body.body));
  route(contract.deleteMessage, ({ ctx, params }) => deleteMessage(ctx, params.id));
  route(contract.openTicketFromMessage, ({ ctx, params }) => openTicketFromMessage(ctx, params.id));
}
