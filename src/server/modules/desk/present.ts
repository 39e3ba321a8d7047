import type { StoredFile } from "../../platform/files/store.js";
import { renderMarkdown } from "../../platform/markdown.js";
import type { UserSummary } from "../accounts/index.js";
import type { Attachment } from "./contracts/attachments.js";
import type { Comment } from "./contracts/comments.js";
import type { Rating } from "./contracts/rating.js";
import type { TicketStatus, TicketSummary } from "./contracts/tickets.js";
import type { ticketComments, tickets } from "./schema.js";

export const ticketStatusLabels: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};

type TicketRow = typeof tickets.$inferSelect;
type CommentRow = typeof ticketComments.$inferSelect;

export function presentTicketSummary(
  row: TicketRow,
  people: Map<string, UserSummary>,
  organisations: Map<string, { id: string; name: string }>,
  dueAt: string | null,
  ratings: Map<string, Rating> = new Map(),
): TicketSummary {
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
    impact: row.impact,
    priority: row.priority,
    dueAt,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    rating: ratings.get(row.id) ?? null,
  };
}

export function presentAttachment(file: StoredFile, attachmentId: string, createdAt: Date): Attachment {
  return {
    id: attachmentId,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    url: `/api/desk/attachments/${attachmentId}`,
    createdAt: createdAt.toISOString(),
  };
}

/** A comment by its author as they are now; one without an account keeps the name it was written under. */
export function presentComment(
  row: CommentRow,
  author: { name: string; isStaff: boolean } | undefined,
): Comment {
  return {
    id: row.id,
    author: {
      id: row.authorId,
      name: author?.name ?? row.authorName,
      isStaff: author?.isStaff ?? false,
    },
    bodyHtml: renderMarkdown(row.body),
    internal: row.internal,
    createdAt: row.createdAt.toISOString(),
  };
}
