import { describe, expect, it } from "vitest";
import { flagStates } from "../../../server/modules/sandbox/operations/contracts/flags.js";
import { wipeStatuses } from "../../../server/modules/sandbox/operations/contracts/wipes.js";
import { formatRelativeTime } from "../../app/format.js";
import {
  flagStateOptions,
  formatCountdown,
  localInputAhead,
  localInputToIso,
  WIPE_STEP_COUNT,
  wipeProgressOf,
  wipeStatusLabels,
} from "./operations-api.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe("the wipe countdown", () => {
  it("counts days and hours, then hours and minutes below two days, then minutes and seconds", () => {
    expect(formatCountdown(3 * 24 * HOUR + 4 * HOUR + 59 * MINUTE)).toBe("3 d 4 h");
    expect(formatCountdown(2 * 24 * HOUR)).toBe("2 d 0 h");
    expect(formatCountdown(25 * HOUR + 59 * SECOND)).toBe("25 h 0 min");
    expect(formatCountdown(23 * HOUR + 12 * MINUTE + 59 * SECOND)).toBe("23 h 12 min");
    expect(formatCountdown(4 * MINUTE + 5 * SECOND)).toBe("4 min 05 s");
    expect(formatCountdown(42 * SECOND + 900)).toBe("42 s");
  });

  it("says less than a second once the time has come, never a negative time", () => {
    expect(formatCountdown(999)).toBe("less than a second");
    expect(formatCountdown(-5 * MINUTE)).toBe("less than a second");
  });
});

describe("when a build was deployed", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it("says it the way a person does, in the largest whole unit", () => {
    expect(formatRelativeTime(ago(20 * SECOND), now)).toBe("just now");
    expect(formatRelativeTime(ago(3 * MINUTE + 20 * SECOND), now)).toBe("3 minutes ago");
    expect(formatRelativeTime(ago(5 * HOUR), now)).toBe("5 hours ago");
    expect(formatRelativeTime(ago(26 * HOUR), now)).toBe("yesterday");
    expect(formatRelativeTime(ago(15 * 24 * HOUR), now)).toBe("2 weeks ago");
  });
});

describe("the wipe time picked in the form", () => {
  it("proposes a quarter hour at least the notice period ahead, and sends it as the same instant", () => {
    const now = new Date("2026-11-25T12:07:30Z");
    const proposed = localInputAhead(now, 25);
    expect(proposed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45)$/);
    const sent = Date.parse(localInputToIso(proposed));
    expect(sent).toBeGreaterThanOrEqual(now.getTime() + 25 * HOUR);
    expect(sent).toBeLessThan(now.getTime() + 25 * HOUR + 15 * MINUTE);
  });
});

describe("the running wipe's progress", () => {
  it("names the step out of all of them and how far the whole wipe has come", () => {
    expect(WIPE_STEP_COUNT).toBe(4);
    expect(wipeProgressOf({ status: "running", step: "clearing", done: 0, total: 0 })).toEqual({
      stepNumber: 1,
      label: "clearing the old data",
      percent: 0,
    });
    expect(wipeProgressOf({ status: "running", step: "volunteers", done: 50, total: 100 })).toEqual({
      stepNumber: 3,
      label: "restoring the baseline volunteers",
      percent: 63,
    });
  });

  it("shows no step when another node runs the wipe and its progress is unknown here", () => {
    expect(wipeProgressOf({ status: "running", step: null, done: null, total: null })).toEqual({
      stepNumber: null,
      label: null,
      percent: null,
    });
  });
});

describe("what the pages offer matches the server", () => {
  it("offers every flag state and labels every wipe status", () => {
    expect(flagStateOptions.map((option) => option.value)).toEqual([...flagStates]);
    expect(Object.keys(wipeStatusLabels).sort()).toEqual([...wipeStatuses].sort());
  });
});
