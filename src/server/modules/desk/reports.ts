import { and, lt, ne } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { csvField } from "../../platform/csv.js";
import { invalid } from "../../platform/errors.js";
import { listOrganisations } from "../accounts/index.js";
import { instantOf, localDateOf } from "./business-time.js";
import type { SlaReport, SlaReportQuery, SlaReportRow } from "./contracts/sla.js";
import type { TicketStatus } from "./contracts/tickets.js";
import { tickets } from "./schema.js";
import { policyRulesFor, slaClockOf, statusHistories } from "./sla.js";

const DEFAULT_MONTHS = 6;
const MAX_MONTHS = 24;

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}`;
const parseMonth = (key: string) => {
  const [year = 0, month = 0] = key.split("-").map(Number);
  return { year, month };
};
const nextMonth = ({ year, month }: { year: number; month: number }) =>
  month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };

function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let at = parseMonth(from); monthKey(at.year, at.month) <= to; at = nextMonth(at)) {
    months.push(monthKey(at.year, at.month));
  }
  return months;
}

/** The nearest-rank percentile: a value some ticket really had, never an average of two. */
function percentile(sorted: number[], share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? null;
}

const durationsOf = (minutes: number[]) => {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
};

const finished = (status: TicketStatus) => status === "resolved" || status === "closed";

/**
 * Per organisation and month (in the organisation's time zone): tickets opened, how long their first
 * response and resolution took in business minutes, the targets they missed, and the backlog left
 * at the month's end. Measured from the same clocks the ticket page shows, as they stand now.
 */
export async function slaReport(ctx: ActorCtx, query: SlaReportQuery, now = new Date()): Promise<SlaReport> {
  const current = localDateOf(now.getTime(), "UTC");
  const to = query.to ?? monthKey(current.year, current.month);
  let from = query.from;
  if (!from) {
    const end = parseMonth(to);
    const start = new Date(Date.UTC(end.year, end.month - DEFAULT_MONTHS, 1));
    from = monthKey(start.getUTCFullYear(), start.getUTCMonth() + 1);
  }
  const months = monthsBetween(from, to);
  if (months.length > MAX_MONTHS) throw invalid({ from: `Ask for at most ${MAX_MONTHS} months at a time.` });

  // Every customer ticket opened before the range ends: older open tickets count in the backlog.
  const end = nextMonth(parseMonth(to));
  const rangeEnd = new Date(Date.UTC(end.year, end.month - 1, 2));
  const rows = (
    await ctx.db
      .select()
      .from(tickets)
      .where(and(ne(tickets.type, "access_request"), lt(tickets.createdAt, rangeEnd)))
  ).filter((row) => row.organisationId !== null);
  const rulesFor = await policyRulesFor(
    ctx.db,
    rows.map((row) => row.organisationId),
  );
  const histories = await statusHistories(
    ctx.db,
    rows.map((row) => row.id),
  );
  const organisations = new Map(
    (await listOrganisations(ctx.db, [...new Set(rows.map((row) => row.organisationId as string))])).map(
      (organisation) => [organisation.id, organisation],
    ),
  );

  const report: SlaReportRow[] = [];
  for (const [organisationId, organisation] of [...organisations].sort((a, b) =>
    a[1].name.localeCompare(b[1].name),
  )) {
    const rules = rulesFor(organisationId);
    const own = rows
      .filter((row) => row.organisationId === organisationId)
      .map((row) => {
        const changes = histories.get(row.id) ?? [];
        const opened = localDateOf(row.createdAt.getTime(), rules.timeZone);
        return {
          row,
          changes,
          month: monthKey(opened.year, opened.month),
          clock: slaClockOf(rules, { ...row, changes }, now),
        };
      });
    for (const month of months) {
      const openedThen = own.filter((ticket) => ticket.month === month);
      const after = nextMonth(parseMonth(month));
      const monthEnd = Math.min(instantOf({ ...after, day: 1 }, 0, rules.timeZone), now.getTime());
      const backlog = own.filter(({ row, changes }) => {
        if (row.createdAt.getTime() >= monthEnd) return false;
        const status = changes.findLast((change) => change.at.getTime() < monthEnd)?.to ?? "new";
        return !finished(status);
      }).length;
      if (openedThen.length === 0 && backlog === 0) continue;
      report.push({
        organisation: { id: organisationId, name: organisation.name },
        month,
        opened: openedThen.length,
        firstResponse: durationsOf(
          // A ticket resolved without a public reply stopped its clock but was never answered.
          openedThen
            .filter(
              ({ row, clock }) => row.firstRespondedAt !== null && clock.firstResponse.state === "stopped",
            )
            .map(({ clock }) => clock.firstResponse.elapsedMinutes),
        ),
        resolution: durationsOf(
          openedThen
            .filter(({ clock }) => clock.resolution.state === "stopped")
            .map(({ clock }) => clock.resolution.elapsedMinutes),
        ),
        breaches: openedThen.reduce(
          (sum, { clock }) => sum + Number(clock.firstResponse.breached) + Number(clock.resolution.breached),
          0,
        ),
        backlog,
      });
    }
  }
  return { from, to, rows: report };
}

const csvColumns = [
  "organisation",
  "month",
  "opened",
  "first_responses",
  "first_response_median_business_minutes",
  "first_response_p90_business_minutes",
  "resolved",
  "resolution_median_business_minutes",
  "resolution_p90_business_minutes",
  "breaches",
  "backlog_at_month_end",
];

export async function slaReportCsv(ctx: ActorCtx, query: SlaReportQuery) {
  const report = await slaReport(ctx, query);
  const lines = [
    csvColumns.join(","),
    ...report.rows.map((row) =>
      [
        row.organisation.name,
        row.month,
        row.opened,
        row.firstResponse.count,
        row.firstResponse.median,
        row.firstResponse.p90,
        row.resolution.count,
        row.resolution.median,
        row.resolution.p90,
        row.breaches,
        row.backlog,
      ]
        .map(csvField)
        .join(","),
    ),
  ];
  return { filename: `service-levels-${report.from}-to-${report.to}.csv`, csv: `${lines.join("\r\n")}\r\n` };
}
