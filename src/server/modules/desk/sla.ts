import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { listOrganisations } from "../accounts/index.js";
import { addBusinessMinutes, type BusinessCalendar, businessMinutesBetween } from "./business-time.js";
import type {
  SlaClock,
  SlaClockView,
  SlaPolicy,
  SlaPolicyInput,
  TicketImpact,
  TicketPriority,
} from "./contracts/sla.js";
import type { TicketStatus } from "./contracts/tickets.js";
import { slaPolicies, ticketStatusChanges, tickets } from "./schema.js";

type TicketRow = typeof tickets.$inferSelect;
type StatusChange = { at: Date; to: TicketStatus };
export type PolicyRules = SlaPolicyInput;

const hour = 60;
const nineToFive = { start: "09:00", end: "17:00" };

/** The desk's service levels for an organisation without its own: weekdays 9 to 5 UTC, in business minutes. */
export const defaultSlaPolicy: PolicyRules = {
  timeZone: "UTC",
  week: [null, nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, null],
  holidays: [],
  targets: {
    urgent: { firstResponse: 1 * hour, resolution: 8 * hour },
    high: { firstResponse: 4 * hour, resolution: 24 * hour },
    normal: { firstResponse: 8 * hour, resolution: 40 * hour },
    low: { firstResponse: 16 * hour, resolution: 80 * hour },
  },
};

/** The priority a ticket starts with: work that has stopped comes first, a question last. */
export const priorityForImpact: Record<TicketImpact, TicketPriority> = {
  blocks_work: "high",
  degrades_work: "normal",
  question: "low",
};

/** A fifth of the target or less left: time to warn before it is missed. */
const WARNING_SHARE = 0.2;

const minutesOfDay = (time: string) => {
  const [hours, minutes] = time.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
};

export function calendarOf(rules: PolicyRules): BusinessCalendar {
  return {
    timeZone: rules.timeZone,
    week: rules.week.map((day) =>
      day ? { start: minutesOfDay(day.start), end: minutesOfDay(day.end) } : null,
    ),
    holidays: rules.holidays,
  };
}

/** Statuses in which the desk owes the next step, so the clocks run. */
const running = (status: TicketStatus) => status === "new" || status === "open";
const finished = (status: TicketStatus) => status === "resolved" || status === "closed";

type ClockInput = {
  createdAt: Date;
  status: TicketStatus;
  priority: TicketPriority;
  firstRespondedAt: Date | null;
  /** Oldest first. */
  changes: StatusChange[];
};

/**
 * One clock: the business minutes the ticket spent in a running status from opening until `stopAt`
 * (or now), and the instant those minutes reached the target (or will, if it keeps running).
 */
function measure(
  calendar: BusinessCalendar,
  ticket: ClockInput,
  targetMinutes: number,
  stopAt: Date | null,
  now: Date,
): SlaClockView {
  const end = stopAt ?? now;
  let status: TicketStatus = "new";
  let from = ticket.createdAt;
  let elapsed = 0;
  let dueAt: Date | null = null;
  const spans: { from: Date; to: Date | null; status: TicketStatus }[] = [];
  for (const change of ticket.changes) {
    spans.push({ from, to: change.at, status });
    status = change.to;
    from = change.at;
  }
  spans.push({ from, to: null, status });
  for (const span of spans) {
    if (!running(span.status) || span.from >= end) continue;
    const open = span.to === null && stopAt === null;
    const to = span.to && span.to < end ? span.to : end;
    const minutes = businessMinutesBetween(calendar, span.from, to);
    if (dueAt === null && (open || elapsed + minutes >= targetMinutes)) {
      dueAt = addBusinessMinutes(calendar, span.from, targetMinutes - elapsed);
    }
    elapsed += minutes;
  }
  const state = stopAt ? "stopped" : running(ticket.status) ? "running" : "paused";
  const breached = elapsed > targetMinutes;
  return {
    targetMinutes,
    elapsedMinutes: Math.round(elapsed),
    state,
    dueAt: dueAt?.toISOString() ?? null,
    breached,
    warning: state === "running" && !breached && targetMinutes - elapsed <= targetMinutes * WARNING_SHARE,
  };
}

/** When the ticket was last resolved or closed, unless it was reopened since. */
function resolvedAt(ticket: ClockInput): Date | null {
  if (!finished(ticket.status)) return null;
  const last = ticket.changes.findLast((change) => finished(change.to));
  return last?.at ?? ticket.createdAt;
}

/**
 * A ticket's two clocks under a policy. The first response stops at the first public staff reply
 * (or when the ticket is resolved without one); the resolution clock at resolution. Both pause
 * while the ticket waits on the customer, and count business time in the policy's time zone only.
 */
export function slaClockOf(rules: PolicyRules, ticket: ClockInput, now: Date): SlaClock {
  const calendar = calendarOf(rules);
  const targets = rules.targets[ticket.priority];
  const resolved = resolvedAt(ticket);
  const responded =
    ticket.firstRespondedAt && resolved
      ? new Date(Math.min(ticket.firstRespondedAt.getTime(), resolved.getTime()))
      : (ticket.firstRespondedAt ?? resolved);
  return {
    timeZone: rules.timeZone,
    firstResponse: measure(calendar, ticket, targets.firstResponse, responded, now),
    resolution: measure(calendar, ticket, targets.resolution, resolved, now),
  };
}

/** The next target to fall due: what "due soonest" sorts by. */
export function nextDue(clock: SlaClock): string | null {
  const due = [clock.firstResponse, clock.resolution]
    .filter((view) => view.state !== "stopped" && view.dueAt !== null)
    .map((view) => view.dueAt as string)
    .sort();
  return due[0] ?? null;
}

export async function policyRulesFor(db: Db, organisationIds: (string | null)[]) {
  const wanted = [...new Set(organisationIds.filter((id): id is string => id !== null))];
  const rows =
    wanted.length > 0
      ? await db.select().from(slaPolicies).where(inArray(slaPolicies.organisationId, wanted))
      : [];
  const byOrganisation = new Map<string, PolicyRules>(rows.map((row) => [row.organisationId, rulesOf(row)]));
  return (organisationId: string | null) =>
    (organisationId && byOrganisation.get(organisationId)) || defaultSlaPolicy;
}

const rulesOf = (row: typeof slaPolicies.$inferSelect): PolicyRules => ({
  timeZone: row.timeZone,
  week: row.week,
  holidays: row.holidays,
  targets: row.targets,
});

/** The status histories of tickets, oldest change first. */
export async function statusHistories(db: Db, ticketIds: string[]): Promise<Map<string, StatusChange[]>> {
  const histories = new Map<string, StatusChange[]>(ticketIds.map((id) => [id, []]));
  if (ticketIds.length === 0) return histories;
  const rows = await db
    .select()
    .from(ticketStatusChanges)
    .where(inArray(ticketStatusChanges.ticketId, ticketIds))
    .orderBy(asc(ticketStatusChanges.at));
  for (const row of rows) histories.get(row.ticketId)?.push({ at: row.at, to: row.to });
  return histories;
}

/** The clocks of many tickets as they stand at `now`. */
export async function slaClocksFor(
  db: Db,
  rows: TicketRow[],
  now = new Date(),
): Promise<Map<string, SlaClock>> {
  const rulesFor = await policyRulesFor(
    db,
    rows.map((row) => row.organisationId),
  );
  const histories = await statusHistories(
    db,
    rows.map((row) => row.id),
  );
  return new Map(
    rows.map((row) => [
      row.id,
      slaClockOf(rulesFor(row.organisationId), { ...row, changes: histories.get(row.id) ?? [] }, now),
    ]),
  );
}

/** Keeps the history the clocks are measured from; called wherever a ticket's status changes. */
export async function recordStatusChange(
  ctx: Ctx,
  ticketId: string,
  from: TicketStatus,
  to: TicketStatus,
): Promise<void> {
  await ctx.db.insert(ticketStatusChanges).values({ ticketId, from, to });
}

/** A public reply by staff stops the first-response clock, once. */
export async function recordFirstResponse(ctx: Ctx, ticket: TicketRow): Promise<void> {
  if (ticket.firstRespondedAt) return;
  await ctx.db.update(tickets).set({ firstRespondedAt: new Date() }).where(eq(tickets.id, ticket.id));
}

export async function listSlaPolicies(ctx: ActorCtx): Promise<SlaPolicy[]> {
  const organisations = await listOrganisations(ctx.db);
  const rows = await ctx.db.select().from(slaPolicies);
  const byOrganisation = new Map(rows.map((row) => [row.organisationId, rulesOf(row)]));
  return organisations
    .filter((organisation) => organisation.kind !== "vendor")
    .map((organisation) => {
      const own = byOrganisation.get(organisation.id);
      return {
        organisation: { id: organisation.id, name: organisation.name },
        custom: own !== undefined,
        ...(own ?? defaultSlaPolicy),
      };
    });
}

export async function updateSlaPolicy(
  ctx: ActorCtx,
  organisationId: string,
  input: SlaPolicyInput,
): Promise<SlaPolicy> {
  const [organisation] = await listOrganisations(ctx.db, [organisationId]);
  if (!organisation) throw notFound("The organisation");
  const holidays = [...new Set(input.holidays)].sort();
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .insert(slaPolicies)
      .values({ organisationId, ...input, holidays })
      .onConflictDoUpdate({
        target: slaPolicies.organisationId,
        set: { ...input, holidays, updatedAt: new Date() },
      });
    await recordAudit(tx, {
      action: "desk.sla_policy_changed",
      targetType: "organisation",
      targetId: organisationId,
      details: { timeZone: input.timeZone },
    });
  });
  return {
    organisation: { id: organisation.id, name: organisation.name },
    custom: true,
    ...input,
    holidays,
  };
}
