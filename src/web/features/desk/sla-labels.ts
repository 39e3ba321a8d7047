import type { TicketImpact, TicketPriority } from "../../../server/modules/desk/contracts/sla.js";

export const impactLabels: Record<TicketImpact, string> = {
  blocks_work: "It blocks our work",
  degrades_work: "It slows or degrades our work",
  question: "A question, nothing is blocked",
};

export const priorityLabels: Record<TicketPriority, string> = {
  urgent: "Urgent",
  high: "High",
  normal: "Normal",
  low: "Low",
};

export const priorityColours: Record<TicketPriority, string> = {
  urgent: "red",
  high: "orange",
  normal: "blue",
  low: "gray",
};

const optionsOf = <Value extends string>(labels: Record<Value, string>) =>
  (Object.entries(labels) as [Value, string][]).map(([value, label]) => ({ value, label }));

export const impactOptions = optionsOf(impactLabels);
export const priorityOptions = optionsOf(priorityLabels);

/**
 * Minutes as "2h 10m", "45m" or "40h": never in days, since a business day is not 24 hours and
 * "1d" of business time would read as a calendar day.
 */
export function formatMinutes(total: number): string {
  const minutes = Math.max(0, Math.round(total));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** An instant as the organisation's wall clock shows it, e.g. "Mon 5 Jan, 17:00". */
export function formatInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
}
