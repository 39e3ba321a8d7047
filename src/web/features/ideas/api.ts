import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Idea } from "../../../server/modules/ideas/contracts/ideas.js";
import * as ideas from "../../../server/modules/ideas/contracts/ideas.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";
import { type LiveRule, useLiveQueries, whenEvent } from "../../app/live.js";
import { notifyFailure } from "../../app/notify.js";

export type {
  Idea,
  IdeaComment,
  IdeaModule,
  IdeaStatus,
  IdeaSummary,
  LinkOptions,
} from "../../../server/modules/ideas/contracts/ideas.js";

export type IdeaFilters = NonNullable<Request<typeof ideas.listIdeas>["query"]>;
export type StatusChange = Request<typeof ideas.setIdeaStatus>["body"];

export const ideaKeys = {
  all: ["ideas"] as const,
  lists: ["ideas", "list"] as const,
  list: (filters: IdeaFilters) => ["ideas", "list", filters] as const,
  idea: (id: string) => ["ideas", "one", id] as const,
  linkOptions: ["ideas", "link-options"] as const,
};

/**
 * What an idea's change makes stale on open pages: the idea and every list (the ideas, the roadmap).
 * A merge changes two ideas; the server names each.
 */
export const ideasLive: LiveRule[] = [
  whenEvent(ideas.ideaChanged, ({ ideaId }) => [ideaKeys.idea(ideaId), ideaKeys.lists]),
];

/** Keeps open idea pages current (see `ideasLive`). */
export function useIdeaEvents(): void {
  useLiveQueries(ideasLive);
}

export const useIdeas = (filters: IdeaFilters) =>
  useQuery({
    queryKey: ideaKeys.list(filters),
    queryFn: () => callApi(ideas.listIdeas, { query: filters }),
    select: (data) => data.ideas,
    placeholderData: (previous) => previous,
  });

export const useIdea = (id: string) =>
  useQuery({ queryKey: ideaKeys.idea(id), queryFn: () => callApi(ideas.getIdea, { params: { id } }) });

export const useLinkOptions = (enabled: boolean) =>
  useQuery({
    queryKey: ideaKeys.linkOptions,
    queryFn: () => callApi(ideas.ideaLinkOptions, {}),
    enabled,
    staleTime: 60_000,
  });

export const ideasApi = {
  create: (body: Request<typeof ideas.createIdea>["body"]) => callApi(ideas.createIdea, { body }),
  comment: (id: string, body: Request<typeof ideas.commentOnIdea>["body"]) =>
    callApi(ideas.commentOnIdea, { params: { id }, body }),
  setStatus: (id: string, body: StatusChange) => callApi(ideas.setIdeaStatus, { params: { id }, body }),
  merge: (id: string, targetId: string) => callApi(ideas.mergeIdea, { params: { id }, body: { targetId } }),
  linkTicket: (id: string, ticketNumber: number) =>
    callApi(ideas.linkTicketToIdea, { params: { id }, body: { ticketNumber } }),
  unlinkTicket: (id: string, ticketId: string) =>
    callApi(ideas.unlinkTicketFromIdea, { params: { id, ticketId } }),
  linkMessage: (id: string, messageId: string) =>
    callApi(ideas.linkMessageToIdea, { params: { id }, body: { messageId } }),
};

/** The ideas a ticket is linked to, for its page; they change with any idea. */
export const useTicketIdeas = (ticketId: string) =>
  useQuery({
    queryKey: [...ideaKeys.lists, "ticket", ticketId] as const,
    queryFn: () => callApi(ideas.listTicketIdeas, { params: { id: ticketId } }),
    select: (data) => data.ideas,
  });

/**
 * After a change: an idea the server answered goes into the cache and every list fetches again;
 * without one (a comment, a merge), every idea query fetches again.
 */
export function useIdeaRefresh() {
  const queryClient = useQueryClient();
  return (idea?: Idea) => {
    if (idea) queryClient.setQueryData(ideaKeys.idea(idea.id), idea);
    return queryClient.invalidateQueries({ queryKey: idea ? ideaKeys.lists : ideaKeys.all });
  };
}

/** Votes for an idea or withdraws the vote, from a list or the idea's page. */
export function useVote() {
  const refresh = useIdeaRefresh();
  return useMutation({
    mutationFn: ({ id, vote }: { id: string; vote: boolean }) =>
      callApi(vote ? ideas.voteForIdea : ideas.withdrawVote, { params: { id } }),
    onSuccess: (idea) => refresh(idea),
    onError: (error) => notifyFailure(error.message),
  });
}
