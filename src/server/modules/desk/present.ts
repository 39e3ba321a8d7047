import type { UserSummary } from "../accounts/index.js";
import type { AccessRequestDetails, TicketStatus, TicketType, tickets } from "./schema.js";

export type { TicketStatus, TicketType };

export const ticketStatusLabels: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};

type TicketRow = typeof tickets.$inferSelect;

export type TicketSummaryView = {
  id: string;
  number: number;
  type: TicketType;
  subject: string;
  status: TicketStatus;
  requester: { id: string | null; name: string; email: string };
  organisation: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  sharedWithOrganisation: boolean;
  createdAt: string;
  updatedAt: string;
};

export type AttachmentView = {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
};
export type CommentView = {
  id: string;
  author: { id: string | null; name: string; isStaff: boolean };
  bodyHtml: string;
  internal: boolean;
  createdAt: string;
};

export type TicketView = TicketSummaryView & {
  description: string;
  descriptionHtml: string;
  attachments: AttachmentView[];
  comments: CommentView[];
  watchers: { id: string; name: string }[];
  watching: boolean;
  canManage: boolean;
  accessRequest: AccessRequestDetails | null;
};

export function presentTicketSummary(
  row: TicketRow,
  people: Map<string, UserSummary>,
  organisations: Map<string, { id: string; name: string }>,
): TicketSummaryView {
  const assignee = row.assigneeId ? people.get(row.assigneeId) : undefined;
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    subject: row.subject,
    status: row.status,
    requester: { id: row.requesterId, name: row.requesterName, email: row.requesterEmail },
    organisation: row.organisationId ? (organisations.get(row.organisationId) ?? null) : null,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    sharedWithOrganisation: row.sharedWithOrganisation,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
