import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { uuidField } from "../../../../shared/fields.js";

const tag = "desk";

/** What the customer says the problem does to their work, when they open a ticket. */
export const ticketImpacts = ["blocks_work", "degrades_work", "question"] as const;
export type TicketImpact = (typeof ticketImpacts)[number];
/** What staff decide the ticket deserves; the targets of the organisation's policy follow from it. */
export const ticketPriorities = ["urgent", "high", "normal", "low"] as const;
export type TicketPriority = (typeof ticketPriorities)[number];
export const slaClockNames = ["first_response", "resolution"] as const;
export type SlaClockName = (typeof slaClockNames)[number];

export const impactField = z.enum(ticketImpacts, { error: `Choose one of: ${ticketImpacts.join(", ")}.` });
export const priorityField = z.enum(ticketPriorities, {
  error: `Choose one of: ${ticketPriorities.join(", ")}.`,
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "Use a time such as 09:00.");
const dayHours = z
  .object({ start: clockTime, end: clockTime })
  .refine((hours) => hours.end > hours.start, { message: "Close after opening.", path: ["end"] })
  .nullable();
/** Opening hours per weekday, Sunday first; null for a closed day. */
export const weekHours = z.array(dayHours).length(7, "Give the hours of all seven weekdays, Sunday first.");
export type WeekHours = z.output<typeof weekHours>;

const businessMinutes = z
  .number({ error: "Give a number of business minutes." })
  .int("Give whole minutes.")
  .min(1, "Give at least one minute.")
  .max(60 * 24 * 365, "Give at most a year.");
const target = z.object({ firstResponse: businessMinutes, resolution: businessMinutes });
export const slaTargets = z.object({ urgent: target, high: target, normal: target, low: target });
export type SlaTargets = z.output<typeof slaTargets>;

/** An IANA zone this runtime knows (Intl throws on any other). */
export const isTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

export const slaPolicyInput = z.object({
  timeZone: z
    .string({ error: "Choose a time zone." })
    .trim()
    .refine(isTimeZone, "Use an IANA time zone such as Europe/Berlin."),
  week: weekHours,
  holidays: z
    .array(z.iso.date({ error: "Write holidays as YYYY-MM-DD." }))
    .max(366, "List at most 366 holidays."),
  targets: slaTargets,
});
export type SlaPolicyInput = z.output<typeof slaPolicyInput>;

export const slaPolicy = slaPolicyInput.extend({
  organisation: z.object({ id: z.string(), name: z.string() }),
  /** False while the organisation follows the desk's default policy. */
  custom: z.boolean(),
});
export type SlaPolicy = z.infer<typeof slaPolicy>;

const clock = z.object({
  targetMinutes: z.number(),
  elapsedMinutes: z.number(),
  /** Running while staff owe the next step; paused while waiting on the customer; stopped once met. */
  state: z.enum(["running", "paused", "stopped"]),
  /** When the target falls (or fell) due; null while paused before the target is reached. */
  dueAt: z.string().nullable(),
  breached: z.boolean(),
  /** Running, not breached, and less than a fifth of the target left. */
  warning: z.boolean(),
});
export type SlaClockView = z.infer<typeof clock>;

export const slaClock = z.object({
  timeZone: z.string(),
  firstResponse: clock,
  resolution: clock,
});
export type SlaClock = z.infer<typeof slaClock>;

// --- operations ---

export const listSlaPolicies = operation({
  operationId: "listSlaPolicies",
  summary: "Every organisation's service levels, the desk's default where it has none of its own",
  method: "GET",
  path: "/api/desk/sla/policies",
  access: "staff",
  tag,
  response: z.object({ policies: z.array(slaPolicy) }),
});

export const updateSlaPolicy = operation({
  operationId: "updateSlaPolicy",
  summary: "Set an organisation's time zone, business hours, holidays and targets",
  method: "PUT",
  path: "/api/desk/sla/policies/:organisationId",
  access: "staff",
  tag,
  params: z.object({ organisationId: uuidField }),
  body: slaPolicyInput,
  response: slaPolicy,
});

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use a month such as 2026-03.");
export const slaReportQuery = z
  .object({ from: month.optional(), to: month.optional() })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: "Start no later than the end.",
    path: ["from"],
  });
export type SlaReportQuery = z.output<typeof slaReportQuery>;

/** Business minutes: the median and 90th percentile of the tickets that reached the step. */
const durations = z.object({ count: z.number(), median: z.number().nullable(), p90: z.number().nullable() });

export const slaReportRow = z.object({
  organisation: z.object({ id: z.string(), name: z.string() }),
  /** YYYY-MM in the organisation's time zone. */
  month: z.string(),
  opened: z.number(),
  firstResponse: durations,
  resolution: durations,
  /** Targets missed by the tickets opened that month, first response and resolution counted apart. */
  breaches: z.number(),
  /** Tickets still unresolved at the end of the month (or now, for the month under way). */
  backlog: z.number(),
});
export type SlaReportRow = z.infer<typeof slaReportRow>;

export const slaReport = z.object({ from: z.string(), to: z.string(), rows: z.array(slaReportRow) });
export type SlaReport = z.infer<typeof slaReport>;

export const getSlaReport = operation({
  operationId: "getSlaReport",
  summary: "First-response and resolution times, breaches and backlog by organisation and month",
  description: "The last six months unless `from` and `to` (YYYY-MM, at most 24 months) say otherwise.",
  method: "GET",
  path: "/api/desk/reports/sla",
  access: "staff",
  tag,
  query: slaReportQuery,
  response: slaReport,
});

export const downloadSlaReportCsv = operation({
  operationId: "downloadSlaReportCsv",
  summary: "The service-level report as CSV",
  method: "GET",
  path: "/api/desk/reports/sla.csv",
  access: "staff",
  tag,
  query: slaReportQuery,
  response: { contentType: "text/csv", description: "One row per organisation and month." },
});
