import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { isEmptySearch, parseSearch } from "../../../shared/search-query.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Actor, type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { forbidden, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { files } from "../../platform/files/schema.js";
import { type FileUpload, type StoredFile, storeFile } from "../../platform/files/store.js";
import { queueMail } from "../../platform/mail/service.js";
import { renderMarkdown } from "../../platform/markdown.js";
import { compileTextQuery, containing } from "../../platform/search/text-query.js";
import {
  activeMembersOf,
  authorsMatching,
  listActiveStaff,
  listOrganisations,
  userSummaries,
} from "../accounts/index.js";
import type { Attachment } from "./contracts/attachments.js";
import type { Comment, CommentInput } from "./contracts/comments.js";
import {
  type Ticket,
  type TicketChanges,
  type TicketFilter,
  type TicketInput,
  type TicketStatus,
  type TicketSummary,
  ticketChanged,
} from "./contracts/tickets.js";
import { checkContextPage, snapshotEnvironment } from "./environment-context.js";
import { checkTicketFields } from "./forms.js";
import { publicReplyMail, statusChangeMail } from "./mail.js";
import { markTicketSeen, notifyComment, notifyNewTicket, notifyStatusChange } from "./notifications.js";
import { canChangeSharing, canSeeTicket, canWorkTicket } from "./policy.js";
import { presentAttachment, presentComment, presentTicketSummary } from "./present.js";
import { askForRating, isRateable, ratingsOf, satisfactionOf } from "./satisfaction.js";
import { ticketAttachments, ticketComments, tickets, ticketWatchers } from "./schema.js";
import { nextDue, priorityForImpact, recordFirstResponse, recordStatusChange, slaClocksFor } from "./sla.js";

type TicketRow = typeof tickets.$inferSelect;

/** The SQL form of `canSeeTicket`, for lists and the one search. */
export function visibleTo(actor: Actor): SQL | undefined {
  if (actor.isStaff) return undefined;
  return or(
    eq(tickets.requesterId, actor.id),
    and(eq(tickets.sharedWithOrganisation, true), eq(tickets.organisationId, actor.organisationId)),
  );
}

async function organisationNames(db: Db, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const rows = wanted.length > 0 ? await listOrganisations(db, wanted) : [];
  return new Map(rows.map((o) => [o.id, { id: o.id, name: o.name }]));
}

async function summarise(db: Db, rows: TicketRow[]): Promise<TicketSummary[]> {
  const people = await userSummaries(
    db,
    rows.flatMap((r) => (r.assigneeId ? [r.assigneeId] : [])),
  );
  const organisations = await organisationNames(
    db,
    rows.map((r) => r.organisationId),
  );
  const clocks = await slaClocksFor(db, rows);
  const ratings = await ratingsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const clock = clocks.get(row.id);
    return presentTicketSummary(row, people, organisations, clock ? nextDue(clock) : null, ratings);
  });
}

/**
 * Tells everyone who may see the change, live, that the ticket changed: the people `canSeeTicket` lets
 * in, or staff alone for a change only staff see (an internal note).
 */
export async function announceTicketChange(
  ctx: Ctx,
  ticketId: string,
  options: { staffOnly: boolean } = { staffOnly: false },
): Promise<void> {
  const [row] = await ctx.db.select().from(tickets).where(eq(tickets.id, ticketId));
  if (!row) return;
  const staff = await listActiveStaff(ctx.db);
  const customers = options.staffOnly
    ? []
    : [
        ...(row.requesterId ? [row.requesterId] : []),
        ...(row.sharedWithOrganisation && row.organisationId
          ? (await activeMembersOf(ctx.db, [row.organisationId])).map((person) => person.id)
          : []),
      ];
  const userIds = new Set([...staff.map((person) => person.id), ...customers]);
  await publishEvent(ctx, ticketChanged, { userIds: [...userIds] }, { ticketId: row.id });
}

/** Loads a ticket the actor may see; one they may not see is reported as missing, not forbidden. */
export async function loadVisibleTicket(ctx: ActorCtx, id: string, lock = false): Promise<TicketRow> {
  const query = ctx.db.select().from(tickets).where(eq(tickets.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row || !canSeeTicket(ctx.actor, row)) throw notFound("The ticket");
  return row;
}

/** Ticket numbers are a PostgreSQL integer: a longer run of digits can name no ticket. */
function ticketNumber(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  const number = Number(digits);
  return number <= 2_147_483_647 ? number : undefined;
}

export async function listTickets(ctx: ActorCtx, filter: TicketFilter): Promise<TicketSummary[]> {
  const { db, actor } = ctx;
  const conditions: (SQL | undefined)[] = [visibleTo(actor)];
  if (filter.type) conditions.push(eq(tickets.type, filter.type));
  if (filter.status) conditions.push(eq(tickets.status, filter.status));
  if (filter.assigneeId === "none") conditions.push(isNull(tickets.assigneeId));
  else if (filter.assigneeId === "me") conditions.push(eq(tickets.assigneeId, actor.id));
  else if (filter.assigneeId) conditions.push(eq(tickets.assigneeId, filter.assigneeId));
  if (filter.organisationId) conditions.push(eq(tickets.organisationId, filter.organisationId));
  if (filter.priority) conditions.push(eq(tickets.priority, filter.priority));
  if (filter.q) {
    const hashed = /^#(\d+)$/.exec(filter.q)?.[1];
    if (hashed !== undefined) {
      // "#123" means the ticket numbered 123, not every ticket that mentions 123.
      const number = ticketNumber(hashed);
      conditions.push(number === undefined ? sql`false` : eq(tickets.number, number));
    } else {
      const number = ticketNumber(/^\d+$/.exec(filter.q)?.[0]);
      // The one search syntax: prefix words, "phrases", -exclusions, from: the requester, before:/after:.
      // An address, and a search with no word at all ("_"), also match as substrings.
      const { query, problems } = parseSearch(filter.q);
      if (problems.length > 0) throw invalid({ q: problems.map((problem) => problem.message).join(" ") });
      const text = compileTextQuery(query);
      const contains = containing(filter.q);
      const requesters = query.from ? await authorsMatching(db, query.from) : null;
      conditions.push(
        requesters ? inArray(tickets.requesterId, requesters) : undefined,
        text.inDays(tickets.createdAt),
      );
      const matches = or(
        text.hasText || query.excluded.length > 0
          ? text.matches(tickets.search)
          : isEmptySearch(query)
            ? sql`${tickets.subject} ilike ${contains}`
            : sql`true`,
        filter.q.includes("@") && !query.from ? sql`${tickets.requesterEmail} ilike ${contains}` : undefined,
        number === undefined ? undefined : eq(tickets.number, number),
      );
      conditions.push(matches ?? sql`false`);
    }
  }
  const rows = await db
    .select()
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.updatedAt))
    .limit(200);
  const summaries = await summarise(db, rows);
  // Due soonest first; tickets with nothing due (met, or paused in time) keep their order after them.
  if (filter.sort === "due") {
    summaries.sort((a, b) => (a.dueAt ?? "\uffff").localeCompare(b.dueAt ?? "\uffff"));
  }
  return summaries;
}

/** The ticket as its page opens it: what the person was notified of about it counts as seen. */
export async function viewTicket(ctx: ActorCtx, id: string): Promise<Ticket> {
  const ticket = await getTicket(ctx, id);
  await markTicketSeen(ctx, ctx.actor.id, id);
  return ticket;
}

export async function getTicket(ctx: ActorCtx, id: string): Promise<Ticket> {
  const { db, actor } = ctx;
  const row = await loadVisibleTicket(ctx, id);
  const [summary] = await summarise(db, [row]);
  const sla = (await slaClocksFor(db, [row])).get(row.id);
  if (!summary || !sla) throw notFound("The ticket");
  const comments = await db
    .select()
    .from(ticketComments)
    .where(
      and(eq(ticketComments.ticketId, id), actor.isStaff ? undefined : eq(ticketComments.internal, false)),
    )
    .orderBy(asc(ticketComments.createdAt));
  const attachments = await db
    .select({ attachment: ticketAttachments, file: files })
    .from(ticketAttachments)
    .innerJoin(files, eq(files.id, ticketAttachments.fileId))
    .where(eq(ticketAttachments.ticketId, id))
    .orderBy(asc(ticketAttachments.createdAt));
  const watcherIds = (
    await db
      .select({ userId: ticketWatchers.userId })
      .from(ticketWatchers)
      .where(eq(ticketWatchers.ticketId, id))
  ).map((w) => w.userId);
  const people = await userSummaries(db, [
    ...watcherIds,
    ...comments.flatMap((c) => (c.authorId ? [c.authorId] : [])),
  ]);
  return {
    ...summary,
    description: row.description,
    descriptionHtml: renderMarkdown(row.description),
    attachments: attachments.map(({ attachment, file }) =>
      presentAttachment(file, attachment.id, attachment.createdAt),
    ),
    comments: comments.map((c) => presentComment(c, c.authorId ? people.get(c.authorId) : undefined)),
    watchers: watcherIds.flatMap((wid) => {
      const person = people.get(wid);
      return person ? [{ id: person.id, name: person.name }] : [];
    }),
    watching: watcherIds.includes(actor.id),
    canManage: canWorkTicket(actor),
    accessRequest: row.accessRequest ?? null,
    sla,
    satisfaction: await satisfactionOf(db, id),
    canRate: isRateable(row),
    fields: row.fields,
    environment: row.environment ?? null,
  };
}

/**
 * People with an account hear about a ticket through their inbox, whose e-mail honours their
 * preferences and is not sent once they read it; only the address of a requester without an
 * account (an access request) still gets the desk's e-mail directly.
 */
function accountlessRequester(ticket: TicketRow, exceptEmail: string | null): string | null {
  return ticket.requesterId === null && ticket.requesterEmail !== exceptEmail ? ticket.requesterEmail : null;
}

export async function openTicket(ctx: ActorCtx, input: TicketInput): Promise<Ticket> {
  const { actor } = ctx;
  if (input.type === "access_request") {
    throw invalid({ type: "Access requests come from the Request access form; choose another type." });
  }
  checkContextPage(input.context?.page);
  const fields = await checkTicketFields(ctx, input.type, input.fields ?? {});
  // Taken before the transaction, as the person's page showed it; other types carry no environment.
  const environment =
    input.type === "dev_environment_question" ? await snapshotEnvironment(ctx, input.context?.page) : null;
  const id = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(tickets)
      .values({
        fields,
        environment,
        type: input.type,
        subject: input.subject,
        description: input.description,
        requesterId: actor.id,
        requesterName: actor.name,
        requesterEmail: actor.email,
        organisationId: actor.organisationId,
        sharedWithOrganisation: input.sharedWithOrganisation ?? false,
        impact: input.impact ?? null,
        priority: input.impact ? priorityForImpact[input.impact] : "normal",
      })
      .returning();
    if (!row) throw new Error("ticket row was not written");
    await recordAudit(tx, {
      action: "ticket.opened",
      targetType: "ticket",
      targetId: row.id,
      details: { number: row.number, type: row.type },
    });
    await notifyNewTicket(tx, row);
    await announceTicketChange(tx, row.id);
    return row.id;
  });
  return getTicket(ctx, id);
}

/**
 * Records a status change with its audit row and tells the requester and watchers, unless the
 * caller sends them a message of its own about the same decision.
 */
export async function changeTicketStatus(
  ctx: Ctx,
  ticket: TicketRow,
  status: TicketStatus,
  options: { notify: boolean } = { notify: true },
): Promise<void> {
  if (ticket.status === status) return;
  await ctx.db.update(tickets).set({ status }).where(eq(tickets.id, ticket.id));
  await recordStatusChange(ctx, ticket.id, ticket.status, status);
  await recordAudit(ctx, {
    action: "ticket.status_changed",
    targetType: "ticket",
    targetId: ticket.id,
    details: { number: ticket.number, from: ticket.status, to: status },
  });
  if (status === "resolved") await askForRating(ctx, ticket);
  if (!options.notify) return;
  await notifyStatusChange(ctx, ticket, status);
  const to = accountlessRequester(ticket, ctx.actor?.email ?? null);
  if (to) await queueMail(ctx, statusChangeMail(ctx.config, { to, ticket, from: ticket.status, status }));
}

export async function updateTicket(ctx: ActorCtx, id: string, changes: TicketChanges): Promise<Ticket> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const ticket = await loadVisibleTicket(tx, id, true);
    const staffChange = [changes.status, changes.assigneeId, changes.priority].some((c) => c !== undefined);
    if (staffChange && !canWorkTicket(actor)) {
      throw forbidden("Only the product team changes a ticket's status, assignee or priority.");
    }
    if (changes.priority !== undefined && changes.priority !== ticket.priority) {
      await tx.db.update(tickets).set({ priority: changes.priority }).where(eq(tickets.id, id));
      await recordAudit(tx, {
        action: "ticket.prioritised",
        targetType: "ticket",
        targetId: id,
        details: { number: ticket.number, from: ticket.priority, to: changes.priority },
      });
    }
    if (changes.sharedWithOrganisation !== undefined) {
      if (!canChangeSharing(actor, ticket))
        throw forbidden("Only the requester decides who else sees this ticket.");
      await tx.db
        .update(tickets)
        .set({ sharedWithOrganisation: changes.sharedWithOrganisation })
        .where(eq(tickets.id, id));
    }
    if (changes.assigneeId !== undefined && changes.assigneeId !== ticket.assigneeId) {
      if (changes.assigneeId) {
        // The same people the assignee picker offers: active staff only.
        const staff = await listActiveStaff(tx.db);
        if (!staff.some((person) => person.id === changes.assigneeId)) {
          throw invalid({ assigneeId: "Choose a member of the product team." });
        }
      }
      await tx.db.update(tickets).set({ assigneeId: changes.assigneeId }).where(eq(tickets.id, id));
      await recordAudit(tx, {
        action: "ticket.assigned",
        targetType: "ticket",
        targetId: id,
        details: { number: ticket.number, from: ticket.assigneeId, to: changes.assigneeId },
      });
    }
    if (changes.status !== undefined) await changeTicketStatus(tx, ticket, changes.status);
    await announceTicketChange(tx, ticket.id);
  });
  return getTicket(ctx, id);
}

/**
 * A public reply (told to the requester and watchers) or, for staff, an internal note that no
 * customer ever sees. A customer's reply reopens a ticket that waited on them or was resolved.
 */
export async function addComment(ctx: ActorCtx, id: string, input: CommentInput): Promise<Comment> {
  const { actor } = ctx;
  const internal = input.internal ?? false;
  return inTransaction(ctx, async (tx) => {
    // A ticket the actor may not see is missing, whatever they tried to write on it.
    const ticket = await loadVisibleTicket(tx, id, true);
    if (internal && !actor.isStaff) throw forbidden("Only the product team writes internal notes.");
    const [comment] = await tx.db
      .insert(ticketComments)
      .values({ ticketId: id, authorId: actor.id, authorName: actor.name, body: input.body, internal })
      .returning();
    if (!comment) throw new Error("comment row was not written");
    await tx.db.update(tickets).set({ updatedAt: new Date() }).where(eq(tickets.id, id));
    await notifyComment(tx, ticket, comment);
    if (!internal && actor.isStaff) await recordFirstResponse(tx, ticket);
    if (!internal) {
      const to = accountlessRequester(ticket, actor.email);
      if (to) {
        await queueMail(
          tx,
          publicReplyMail(ctx.config, { to, ticket, authorName: actor.name, body: input.body }),
        );
      }
      if (!actor.isStaff && (ticket.status === "waiting_on_customer" || ticket.status === "resolved")) {
        await changeTicketStatus(tx, ticket, "open");
      }
    }
    await announceTicketChange(tx, ticket.id, { staffOnly: internal });
    return presentComment(comment, actor);
  });
}

export async function setWatching(ctx: ActorCtx, id: string, watching: boolean): Promise<Ticket> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    await loadVisibleTicket(tx, id);
    if (watching) {
      await tx.db.insert(ticketWatchers).values({ ticketId: id, userId: actor.id }).onConflictDoNothing();
    } else {
      await tx.db
        .delete(ticketWatchers)
        .where(and(eq(ticketWatchers.ticketId, id), eq(ticketWatchers.userId, actor.id)));
    }
    // The ticket page lists its watchers.
    await announceTicketChange(tx, id);
  });
  return getTicket(ctx, id);
}

export async function attachToTicket(ctx: ActorCtx, id: string, upload: FileUpload): Promise<Attachment> {
  return inTransaction(ctx, async (tx) => {
    const ticket = await loadVisibleTicket(tx, id);
    const file = await storeFile(tx, { ...upload, field: "file" });
    const [attachment] = await tx.db
      .insert(ticketAttachments)
      .values({ ticketId: id, fileId: file.id })
      .returning();
    if (!attachment) throw new Error("attachment row was not written");
    await tx.db.update(tickets).set({ updatedAt: new Date() }).where(eq(tickets.id, id));
    await announceTicketChange(tx, ticket.id);
    return presentAttachment(file, attachment.id, attachment.createdAt);
  });
}

export async function loadAttachment(ctx: ActorCtx, attachmentId: string): Promise<StoredFile> {
  const [row] = await ctx.db
    .select({ attachment: ticketAttachments, file: files })
    .from(ticketAttachments)
    .innerJoin(files, eq(files.id, ticketAttachments.fileId))
    .where(eq(ticketAttachments.id, attachmentId));
  if (!row) throw notFound("The attachment");
  await loadVisibleTicket(ctx, row.attachment.ticketId);
  return row.file;
}
