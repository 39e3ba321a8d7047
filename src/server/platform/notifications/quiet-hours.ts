/**
 * A person's quiet hours: minutes after midnight in their time zone (null while they never chose one:
 * UTC), either end null when they have none.
 */
export type QuietHours = { timeZone: string | null; quietFrom: number | null; quietTo: number | null };

const MINUTES_PER_DAY = 24 * 60;

/** Minutes after midnight at `at` in the time zone (UTC for one the runtime does not know). */
function minuteOfDay(at: Date, timeZone: string): number {
  const format = (zone: string) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = format(timeZone);
  } catch {
    formatter = format("UTC");
  }
  const parts = formatter.formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

/**
 * When the quiet hours `at` falls in end (nothing is e-mailed or pushed before), or null outside them.
 * Hours may wrap midnight (22:00 to 07:00).
 */
export function quietUntil(settings: QuietHours, at: Date): Date | null {
  const { quietFrom: from, quietTo: to } = settings;
  if (from == null || to == null) return null;
  const now = minuteOfDay(at, settings.timeZone ?? "UTC");
  const quiet = from < to ? now >= from && now < to : now >= from || now < to;
  if (!quiet) return null;
  const minutesLeft = (to - now + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const end = new Date(at.getTime() + minutesLeft * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}
