import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/ideas.js";
import { linkOptions, linkTicket, mergeIdea, setIdeaStatus, unlinkTicket } from "../decisions.js";
import { ideasOfTicket, linkMessage } from "../evidence.js";
import { commentOnIdea, createIdea, getIdea, listIdeas, voteForIdea, withdrawVote } from "../ideas.js";

export function ideaRoutes(route: Route): void {
  route(contract.listIdeas, async ({ ctx, query }) => ({ ideas: await listIdeas(ctx, query) }));
  route(contract.createIdea, ({ ctx, body }) => createIdea(ctx, body));
  route(contract.getIdea, ({ ctx, params }) => getIdea(ctx, params.id));
  route(contract.voteForIdea, ({ ctx, params }) => voteForIdea(ctx, params.id));
  route(contract.withdrawVote, ({ ctx, params }) => withdrawVote(ctx, params.id));
  route(contract.commentOnIdea, ({ ctx, params, body }) => commentOnIdea(ctx, params.id, body));
  route(contract.linkMessageToIdea, ({ ctx, params, body }) => linkMessage(ctx, params.id, body.messageId));
  route(contract.listTicketIdeas, async ({ ctx, params }) => ({
    ideas: await ideasOfTicket(ctx, params.id),
  }));

  route(contract.ideaLinkOptions, ({ ctx }) => linkOptions(ctx));
  route(contract.setIdeaStatus, ({ ctx, params, body }) => setIdeaStatus(ctx, params.id, body));
  route(contract.mergeIdea, ({ ctx, params, body }) => mergeIdea(ctx, params.id, body.targetId));
  route(contract.linkTicketToIdea, ({ ctx, params, body }) => linkTicket(ctx, params.id, body.ticketNumber));
  route(contract.unlinkTicketFromIdea, ({ ctx, params }) => unlinkTicket(ctx, params.id, params.ticketId));
}
