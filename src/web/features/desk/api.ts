import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as accessRequests from "../../../server/modules/desk/contracts/access-requests.js";
import * as attachments from "../../../server/modules/desk/contracts/attachments.js";
import * as comments from "../../../server/modules/desk/contracts/comments.js";
import type { Ticket } from "../../../server/modules/desk/contracts/tickets.js";
import * as tickets from "../../../server/modules/desk/contracts/tickets.js";
import * as watchers from "../../../server/modules/desk/contracts/watchers.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";
import { type LiveRule, useLiveQueries, whenEvent } from "../../app/live.js";
import { notifyFailure } from "../../app/notify.js";

export type { Attachment } from "../../../server/modules/desk/contracts/attachments.js";
export type { Comment } from "../../../server/modules/desk/contracts/comments.js";
export type { TicketImpact, TicketPriority } from "../../../server/modules/desk/contracts/sla.js";
export type {
  AccessRequest,
  Ticket,
  TicketStatus,
  TicketSummary,
  TicketType,
} from "../../../server/modules/desk/contracts/tickets.js";
export { sandboxPageProblem } from "../../../shared/sandbox-page.js";

type TicketQuery = NonNullable<Request<typeof tickets.listTickets>["query"]>;
/**
 * The list's filters as the address keeps them: every one a string, "" meaning any. `assigneeId` is
 * a person's id, "me" or "none".
 */
export type TicketFilters = { [K in keyof TicketQuery]-?: string };
export type Approval = Request<typeof accessRequests.approveAccessRequest>["body"];
export type TicketChange = Request<typeof tickets.updateTicket>["body"];

export const deskKeys = {
  tickets: ["desk", "tickets"] as const,
  lists: ["desk", "tickets", "list"] as const,
  list: (filters: Partial<TicketFilters>) => ["desk", "tickets", "list", filters] as const,
  ticket: (id: string) => ["desk", "tickets", "one", id] as const,
  staff: ["desk", "staff"] as const,
};

/**
 * What a ticket's change makes stale on open desk pages: the ticket and every list (the queue, a
 * customer's own tickets). The server tells only those who may see the change, an internal note staff
 * alone, and each page asks for the ticket again as its reader may see it.
 */
export const deskLive: LiveRule[] = [
  whenEvent(tickets.ticketChanged, ({ ticketId }) => [deskKeys.ticket(ticketId), deskKeys.lists]),
];

/** Keeps open desk pages current (see `deskLive`). */
export function useTicketEvents(): void {
  useLiveQueries(deskLive);
}

const upload = (file: File) => {
  const form = new FormData();
  form.append("file", file);
  return form;
};

export const deskApi = {
  open: (body: Request<typeof tickets.openTicket>["body"]) => callApi(tickets.openTicket, { body }),
  attach: (ticketId: string, file: File) =>
    callApi(attachments.uploadTicketAttachment, { params: { id: ticketId }, form: upload(file) }),
  reply: (ticketId: string, body: Request<typeof comments.addTicketComment>["body"]) =>
    callApi(comments.addTicketComment, { params: { id: ticketId }, body }),
  approve: (ticketId: string, body: Approval) =>
    callApi(accessRequests.approveAccessRequest, { params: { id: ticketId }, body }),
  decline: (ticketId: string, body: Request<typeof accessRequests.declineAccessRequest>["body"]) =>
    callApi(accessRequests.declineAccessRequest, { params: { id: ticketId }, body }),
};

export const useTickets = (filters: Partial<TicketFilters>) =>
  useQuery({
    queryKey: deskKeys.list(filters),
    // The address may hold anything; empty filters are left out and the server names a bad one.
    queryFn: () => callApi(tickets.listTickets, { query: filters as TicketQuery }),
    select: (data) => data.tickets,
    placeholderData: (previous) => previous,
  });

export const useTicket = (id: string) =>
  useQuery({ queryKey: deskKeys.ticket(id), queryFn: () => callApi(tickets.getTicket, { params: { id } }) });

export const useStaff = () =>
  useQuery({
    queryKey: deskKeys.staff,
    queryFn: () => callApi(tickets.listDeskStaff, {}),
    select: (data) => data.users,
    staleTime: 5 * 60_000,
  });

/** Keeps the open ticket and every list in step after anything that changes a ticket. */
export function useTicketRefresh(ticketId: string) {
  const queryClient = useQueryClient();
  return (ticket?: Ticket) => {
    if (ticket) queryClient.setQueryData(deskKeys.ticket(ticketId), ticket);
    return queryClient.invalidateQueries({
      queryKey: deskKeys.tickets,
      refetchType: ticket ? "inactive" : "all",
    });
  };
}

function useTicketMutation<Input>(ticketId: string, request: (input: Input) => Promise<Ticket>) {
  const refresh = useTicketRefresh(ticketId);
  return useMutation({
    mutationFn: request,
    onSuccess: (ticket) => refresh(ticket),
    onError: (error) => notifyFailure(error.message),
  });
}

/** Status, assignee and sharing. */
export const useTicketUpdate = (ticketId: string) =>
  useTicketMutation(ticketId, (body: TicketChange) =>
    callApi(tickets.updateTicket, { params: { id: ticketId }, body }),
  );

export const useWatching = (ticketId: string) =>
  useTicketMutation(ticketId, (watch: boolean) =>
    callApi(watch ? watchers.watchTicket : watchers.unwatchTicket, { params: { id: ticketId } }),
  );
