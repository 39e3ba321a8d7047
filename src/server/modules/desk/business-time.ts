/**
 * Business-time arithmetic in an organisation's time zone: how many working minutes lie between two
 * instants, and which instant lies a number of working minutes after another. Pure, so the SLA
 * clock, the breach check and the reports all count the same minutes. Offsets come from Intl, which
 * knows each zone's daylight-saving rules, so no date library is needed.
 */
import { BoundedCache } from "../../platform/bounded-cache.js";

/** Opening hours of one weekday in minutes after local midnight; null when closed all day. */
export type DayHours = { start: number; end: number } | null;

export type BusinessCalendar = {
  timeZone: string;
  /** Indexed by weekday, Sunday first, as `Date.getUTCDay` counts them. */
  week: DayHours[];
  /** Local dates, YYYY-MM-DD, when nobody works. */
  holidays: string[];
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

const minute = 60_000;
const day = 24 * 60 * minute;

type LocalDate = { year: number; month: number; day: number };

function localParts(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time occurs on a local date. A time skipped by a spring-forward
 * transition lands just after the gap; a time repeated in autumn resolves to its first occurrence.
 */
export function instantOf(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  // Each costs a few time-zone conversions, and every ticket list measures the same working days again.
  return instants.get(`${timeZone} ${date.year}-${date.month}-${date.day} ${minuteOfDay}`, () =>
    findInstant(date, minuteOfDay, timeZone),
  );
}

const instants = new BoundedCache<number>(20_000);

function findInstant(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // The offsets a day either side bracket any transition on this date.
  const candidates = [wall - offsetAt(wall - day, timeZone), wall - offsetAt(wall + day, timeZone)];
  const valid = candidates.filter((instant) => offsetAt(instant, timeZone) === wall - instant);
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates);
}

export function localDateOf(instant: number, timeZone: string): LocalDate {
  const { year, month, day } = localParts(instant, timeZone);
  return { year, month, day };
}

const nextDate = (date: LocalDate): LocalDate => {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
};

export const isoDate = (date: LocalDate) =>
  `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;

/** The working window of a local date as instants, or null on a closed day or holiday. */
function windowOf(calendar: BusinessCalendar, date: LocalDate): [number, number] | null {
  const hours = calendar.week[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
  if (!hours || hours.end <= hours.start || calendar.holidays.includes(isoDate(date))) return null;
  return [instantOf(date, hours.start, calendar.timeZone), instantOf(date, hours.end, calendar.timeZone)];
}

/** A calendar open no day at all would otherwise search forever for its next working minute. */
const searchDays = 3 * 366;

/** Working minutes between two instants (zero when `to` is not after `from`). */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const end = to.getTime();
  let total = 0;
  let date = localDateOf(from.getTime(), calendar.timeZone);
  const last = isoDate(localDateOf(end, calendar.timeZone));
  while (from.getTime() < end && isoDate(date) <= last) {
    const window = windowOf(calendar, date);
    if (window) total += Math.max(0, Math.min(window[1], end) - Math.max(window[0], from.getTime()));
    date = nextDate(date);
  }
  return total / minute;
}

/**
 * The instant `minutes` working minutes after `from`; null when the calendar has no working time
 * within three years.
 */
export function addBusinessMinutes(calendar: BusinessCalendar, from: Date, minutes: number): Date | null {
  let remaining = minutes * minute;
  let date = localDateOf(from.getTime(), calendar.timeZone);
  for (let searched = 0; searched < searchDays; searched++) {
    const window = windowOf(calendar, date);
    if (window) {
      const start = Math.max(window[0], from.getTime());
      if (start < window[1]) {
        if (remaining <= window[1] - start) return new Date(start + remaining);
        remaining -= window[1] - start;
      }
    }
    date = nextDate(date);
  }
  return null;
}
