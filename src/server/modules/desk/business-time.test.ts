import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  instantOf,
} from "./business-time.js";

const nineToFive = { start: 9 * 60, end: 17 * 60 };
const weekdays = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  week: [null, nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, null],
  holidays,
});
const allHours = (timeZone: string): BusinessCalendar => ({
  timeZone,
  week: Array.from({ length: 7 }, () => ({ start: 0, end: 24 * 60 })),
  holidays: [],
});
const at = (iso: string) => new Date(iso);

describe("business time", () => {
  it("counts only the working hours of working days in the organisation's zone", () => {
    // Monday 08:00 to Tuesday 10:00 in Berlin (UTC+1 in January): 8 hours Monday, 1 hour Tuesday.
    const minutes = businessMinutesBetween(
      weekdays("Europe/Berlin"),
      at("2026-01-05T07:00:00Z"),
      at("2026-01-06T09:00:00Z"),
    );
    expect(minutes).toBe(9 * 60);
  });

  it("skips weekends when adding working minutes", () => {
    // Friday 16:00 Berlin plus two working hours is Monday 10:00.
    const due = addBusinessMinutes(weekdays("Europe/Berlin"), at("2026-01-09T15:00:00Z"), 120);
    expect(due?.toISOString()).toBe("2026-01-12T09:00:00.000Z");
  });

  it("skips holidays in both directions", () => {
    const calendar = weekdays("Europe/Berlin", ["2026-01-12"]);
    expect(addBusinessMinutes(calendar, at("2026-01-09T15:00:00Z"), 120)?.toISOString()).toBe(
      "2026-01-13T09:00:00.000Z",
    );
    expect(businessMinutesBetween(calendar, at("2026-01-12T00:00:00Z"), at("2026-01-13T00:00:00Z"))).toBe(0);
  });

  it("keeps local opening hours across the spring daylight-saving change", () => {
    // Berlin moves to UTC+2 on Sunday 29 March 2026: Friday 16:00 (15:00Z) plus two hours is Monday 10:00 (08:00Z).
    const due = addBusinessMinutes(weekdays("Europe/Berlin"), at("2026-03-27T15:00:00Z"), 120);
    expect(due?.toISOString()).toBe("2026-03-30T08:00:00.000Z");
  });

  it("counts the hour lost in spring and the hour gained in autumn", () => {
    const spring = businessMinutesBetween(
      allHours("America/New_York"),
      at("2026-03-08T05:00:00Z"), // midnight before the change
      at("2026-03-09T04:00:00Z"), // the next midnight
    );
    expect(spring).toBe(23 * 60);
    const autumn = businessMinutesBetween(
      allHours("America/New_York"),
      at("2026-11-01T04:00:00Z"),
      at("2026-11-02T05:00:00Z"),
    );
    expect(autumn).toBe(25 * 60);
  });

  it("places a wall-clock time skipped by spring forward just after the gap", () => {
    const instant = instantOf({ year: 2026, month: 3, day: 29 }, 2 * 60 + 30, "Europe/Berlin");
    expect(new Date(instant).toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });

  it("reads a wall-clock time repeated in autumn as its first occurrence", () => {
    const instant = instantOf({ year: 2026, month: 10, day: 25 }, 2 * 60 + 30, "Europe/Berlin");
    expect(new Date(instant).toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("starts counting at the next opening when asked outside working hours", () => {
    // Saturday in Tokyo; Monday 09:00 JST is Monday 00:00Z; thirty minutes later.
    const due = addBusinessMinutes(weekdays("Asia/Tokyo"), at("2026-01-10T03:00:00Z"), 30);
    expect(due?.toISOString()).toBe("2026-01-12T00:30:00.000Z");
  });

  it("finds no due time on a calendar that never opens", () => {
    const closed: BusinessCalendar = { timeZone: "UTC", week: Array(7).fill(null), holidays: [] };
    expect(addBusinessMinutes(closed, at("2026-01-05T00:00:00Z"), 60)).toBeNull();
  });
});
