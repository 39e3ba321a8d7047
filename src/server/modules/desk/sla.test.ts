import { describe, expect, it } from "vitest";
import { isTimeZone, type TicketPriority } from "./contracts/sla.js";
import type { TicketStatus } from "./contracts/tickets.js";
import { defaultSlaPolicy, nextDue, type PolicyRules, slaClockOf } from "./sla.js";

/** Weekdays 9 to 5 in Berlin (UTC+1 in January), the default targets. */
const berlin: PolicyRules = { ...defaultSlaPolicy, timeZone: "Europe/Berlin" };
const at = (iso: string) => new Date(iso);
// Monday 5 January 2026, 09:00 in Berlin.
const opened = at("2026-01-05T08:00:00Z");

const ticket = (
  options: {
    priority?: TicketPriority;
    status?: TicketStatus;
    firstRespondedAt?: Date;
    changes?: { at: Date; to: TicketStatus }[];
  } = {},
) => ({
  createdAt: opened,
  status: options.status ?? options.changes?.at(-1)?.to ?? "new",
  priority: options.priority ?? "normal",
  firstRespondedAt: options.firstRespondedAt ?? null,
  changes: options.changes ?? [],
});

describe("the SLA clock", () => {
  it("runs in business hours of the organisation's zone and says when the target falls due", () => {
    const clock = slaClockOf(berlin, ticket(), at("2026-01-05T11:00:00Z"));
    expect(clock.timeZone).toBe("Europe/Berlin");
    expect(clock.firstResponse).toMatchObject({
      state: "running",
      elapsedMinutes: 180,
      targetMinutes: 480,
      // 17:00 in Berlin.
      dueAt: "2026-01-05T16:00:00.000Z",
      breached: false,
      warning: false,
    });
  });

  it("pauses while the ticket waits on the customer", () => {
    const clock = slaClockOf(
      berlin,
      ticket({ changes: [{ at: at("2026-01-05T10:00:00Z"), to: "waiting_on_customer" }] }),
      at("2026-01-06T15:00:00Z"),
    );
    expect(clock.firstResponse).toMatchObject({ state: "paused", elapsedMinutes: 120, dueAt: null });
    expect(clock.resolution).toMatchObject({ state: "paused", elapsedMinutes: 120 });
  });

  it("resumes where it paused once the customer answers", () => {
    const clock = slaClockOf(
      berlin,
      ticket({
        changes: [
          { at: at("2026-01-05T10:00:00Z"), to: "waiting_on_customer" },
          { at: at("2026-01-06T08:00:00Z"), to: "open" },
        ],
      }),
      at("2026-01-06T10:00:00Z"),
    );
    // Two hours Monday, two so far Tuesday; the remaining four run out at 15:00 in Berlin.
    expect(clock.firstResponse).toMatchObject({
      state: "running",
      elapsedMinutes: 240,
      dueAt: "2026-01-06T14:00:00.000Z",
    });
  });

  it("warns when less than a fifth of the target is left, and reports a breach after it", () => {
    const urgent = ticket({ priority: "urgent" });
    expect(slaClockOf(berlin, urgent, at("2026-01-05T08:50:00Z")).firstResponse).toMatchObject({
      warning: true,
      breached: false,
    });
    expect(slaClockOf(berlin, urgent, at("2026-01-05T09:30:00Z")).firstResponse).toMatchObject({
      warning: false,
      breached: true,
      elapsedMinutes: 90,
      dueAt: "2026-01-05T09:00:00.000Z",
    });
  });

  it("stops the first-response clock at the first public staff reply", () => {
    const clock = slaClockOf(
      berlin,
      ticket({
        firstRespondedAt: at("2026-01-05T08:30:00Z"),
        changes: [{ at: at("2026-01-05T08:30:00Z"), to: "open" }],
      }),
      at("2026-01-07T08:00:00Z"),
    );
    expect(clock.firstResponse).toMatchObject({ state: "stopped", elapsedMinutes: 30, breached: false });
    expect(clock.resolution).toMatchObject({ state: "running", elapsedMinutes: 960 });
    expect(nextDue(clock)).toBe(clock.resolution.dueAt);
  });

  it("stops both clocks at resolution and starts again if the ticket is reopened", () => {
    const resolved = ticket({ changes: [{ at: at("2026-01-05T12:00:00Z"), to: "resolved" }] });
    const clock = slaClockOf(berlin, resolved, at("2026-01-09T12:00:00Z"));
    expect(clock.resolution).toMatchObject({ state: "stopped", elapsedMinutes: 240, breached: false });
    expect(clock.firstResponse.state).toBe("stopped");
    expect(nextDue(clock)).toBeNull();
    const reopened = ticket({
      changes: [
        { at: at("2026-01-05T12:00:00Z"), to: "resolved" },
        { at: at("2026-01-06T08:00:00Z"), to: "open" },
      ],
    });
    expect(slaClockOf(berlin, reopened, at("2026-01-06T09:00:00Z")).resolution).toMatchObject({
      state: "running",
      elapsedMinutes: 300,
    });
  });
});

describe("time zone names", () => {
  it("knows IANA zones from made-up ones", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
