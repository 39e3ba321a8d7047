import { describe, expect, it } from "vitest";
import { quietUntil } from "./quiet-hours.js";

const at = (iso: string) => new Date(iso);
const hours = (from: string, to: string) => {
  const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
  return { quietFrom: minutes(from), quietTo: minutes(to) };
};

describe("quiet hours", () => {
  it("end later the same day when they do not wrap midnight", () => {
    const settings = { timeZone: "UTC", ...hours("12:00", "14:00") };
    expect(quietUntil(settings, at("2026-03-02T12:30:45Z"))).toEqual(at("2026-03-02T14:00:00Z"));
    expect(quietUntil(settings, at("2026-03-02T14:00:00Z"))).toBeNull();
  });

  it("run over midnight, in the person's time zone", () => {
    const settings = { timeZone: "Europe/Berlin", ...hours("22:00", "07:00") };
    // 23:30 in Berlin (UTC+1 in winter): quiet until 07:00 there, 06:00 UTC the next day.
    expect(quietUntil(settings, at("2026-01-10T22:30:00Z"))).toEqual(at("2026-01-11T06:00:00Z"));
    expect(quietUntil(settings, at("2026-01-11T05:15:00Z"))).toEqual(at("2026-01-11T06:00:00Z"));
    expect(quietUntil(settings, at("2026-01-11T12:00:00Z"))).toBeNull();
  });

  it("count in UTC for a person who never chose a time zone", () => {
    const settings = { timeZone: null, ...hours("22:00", "07:00") };
    expect(quietUntil(settings, at("2026-01-10T23:30:00Z"))).toEqual(at("2026-01-11T07:00:00Z"));
    expect(quietUntil(settings, at("2026-01-11T12:00:00Z"))).toBeNull();
  });

  it("are none when either end is unset", () => {
    expect(quietUntil({ timeZone: "UTC", quietFrom: null, quietTo: null }, new Date())).toBeNull();
  });
});
