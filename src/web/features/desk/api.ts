import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AttachmentView,
  CommentView,
  TicketStatus,
  TicketSummaryView,
  TicketType,
  TicketView,
} from "../../../server/modules/desk/present.js";
import type { AccessRequestDetails } from "../../../server/modules/desk/schema.js";
import { api } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";
import type { OrganisationInput } from "../admin/api.js";

export type { TicketStatus, TicketType };
export type TicketSummary = TicketSummaryView;
export type Attachment = AttachmentView;
export type Comment = CommentView;

/** As the API sends it: the response leaves out the organisation and invitation ids an approval records. */
export type AccessRequest = Omit<AccessRequestDetails, "organisationId" | "invitationId">;

export type Ticket = Omit<TicketView, "accessRequest"> & { accessRequest: AccessRequest | null };

/** Every filter is a string; "" means any. `assigneeId` is a person's id, "me" or "none". */
export type TicketFilters = {
  type: string;
  status: string;
  assigneeId: string;
  organisationId: string;
  q: string;
};

export type TicketChange = {
  status?: TicketStatus;
  assigneeId?: string | null;
  sharedWithOrganisation?: boolean;
};
export type Approval = { organisationId: string } | { newOrganisation: OrganisationInput };

export const deskKeys = {
  tickets: ["desk", "tickets"] as const,
  list: (filters: Partial<TicketFilters>) => ["desk", "tickets", "list", filters] as const,
  ticket: (id: string) => ["desk", "tickets", "one", id] as const,
  staff: ["desk", "staff"] as const,
};

const ticketPath = (id: string, rest = "") => `/api/desk/tickets/${encodeURIComponent(id)}${rest}`;

export const deskApi = {
  open: (body: { type: TicketType; subject: string; description: string; sharedWithOrganisation: boolean }) =>
    api.post<Ticket>("/api/desk/tickets", body),
  attach: (ticketId: string, file: File) =>
    api.upload<Attachment>(ticketPath(ticketId, "/attachments"), file),
  reply: (ticketId: string, body: { body: string; internal: boolean }) =>
    api.post<Comment>(ticketPath(ticketId, "/comments"), body),
  approve: (ticketId: string, body: Approval) => api.post<Ticket>(ticketPath(ticketId, "/approve"), body),
  decline: (ticketId: string, body: { reason: string }) =>
    api.post<Ticket>(ticketPath(ticketId, "/decline"), body),
};

export const useTickets = (filters: Partial<TicketFilters>) =>
  useQuery({
    queryKey: deskKeys.list(filters),
    queryFn: () => api.get<{ tickets: TicketSummary[] }>("/api/desk/tickets", filters),
    select: (data) => data.tickets,
    placeholderData: (previous) => previous,
  });

export const useTicket = (id: string) =>
  useQuery({ queryKey: deskKeys.ticket(id), queryFn: () => api.get<Ticket>(ticketPath(id)) });

export const useStaff = () =>
  useQuery({
    queryKey: deskKeys.staff,
    queryFn: () => api.get<{ users: { id: string; name: string }[] }>("/api/desk/staff"),
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
  useTicketMutation(ticketId, (change: TicketChange) => api.patch<Ticket>(ticketPath(ticketId), change));

export const useWatching = (ticketId: string) =>
  useTicketMutation(ticketId, (watch: boolean) =>
    watch
      ? api.post<Ticket>(ticketPath(ticketId, "/watch"))
      : api.delete<Ticket>(ticketPath(ticketId, "/watch")),
  );
