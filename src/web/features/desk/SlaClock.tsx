import { Badge, Group, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import type { SlaClockView } from "../../../server/modules/desk/contracts/sla.js";
import type { Ticket } from "./api.js";
import { formatInZone, formatMinutes } from "./sla-labels.js";

/** Now, a minute at a time: enough for a countdown in minutes. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

type Props = { label: string; view: SlaClockView; timeZone: string; staffView: boolean; now: number };

/**
 * One target as both sides read it. The server measures business time on each read (and the page
 * asks again on every change); between reads the countdown runs on the wall clock to the due time.
 */
function ClockLine({ label, view, timeZone, staffView, now }: Props) {
  const untilDue = view.dueAt ? (new Date(view.dueAt).getTime() - now) / 60_000 : null;
  const breached = view.breached || (view.state === "running" && untilDue !== null && untilDue < 0);
  let status: { text: string; colour: string };
  let detail: string | null = null;
  if (view.state === "stopped") {
    status = view.breached
      ? { text: `Missed by ${formatMinutes(view.elapsedMinutes - view.targetMinutes)}`, colour: "red" }
      : { text: "Met", colour: "green" };
  } else if (view.state === "paused") {
    status = { text: staffView ? "Paused — waiting on customer" : "Paused — waiting on you", colour: "gray" };
    detail = breached
      ? `Already over the target by ${formatMinutes(view.elapsedMinutes - view.targetMinutes)} of business time.`
      : `${formatMinutes(view.targetMinutes - view.elapsedMinutes)} of business time left when it resumes.`;
  } else if (breached) {
    const over = untilDue !== null ? -untilDue : view.elapsedMinutes - view.targetMinutes;
    status = { text: `Breached by ${formatMinutes(over)}`, colour: "red" };
  } else {
    const soon = view.warning || (untilDue !== null && untilDue <= view.targetMinutes * 0.2);
    status = {
      text: `Due in ${formatMinutes(untilDue ?? view.targetMinutes - view.elapsedMinutes)}`,
      colour: soon ? "orange" : "blue",
    };
    if (soon) detail = "Due soon.";
  }
  return (
    <Stack gap={2}>
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Badge color={status.colour} variant="light" data-testid={`sla-${label}`}>
          {status.text}
        </Badge>
      </Group>
      {view.dueAt && view.state !== "stopped" && (
        <Text size="xs" c="dimmed">
          {breached ? "Was due" : "Due"} {formatInZone(view.dueAt, timeZone)} (business hours, {timeZone})
        </Text>
      )}
      {detail && (
        // "Due soon." in the text colour, bold: orange text this small is too faint to read (the badge is orange).
        <Text size="xs" {...(status.colour === "orange" ? { fw: 700 } : { c: "dimmed" })}>
          {detail}
        </Text>
      )}
    </Stack>
  );
}

/** The ticket's service levels: the first-response and resolution targets, seen by both sides. */
export function SlaClock({ ticket, staffView }: { ticket: Ticket; staffView: boolean }) {
  const now = useMinuteClock();
  const { sla } = ticket;
  return (
    <Stack gap="sm" data-testid="sla-clock">
      <ClockLine
        label="First response"
        view={sla.firstResponse}
        timeZone={sla.timeZone}
        staffView={staffView}
        now={now}
      />
      <ClockLine
        label="Resolution"
        view={sla.resolution}
        timeZone={sla.timeZone}
        staffView={staffView}
        now={now}
      />
    </Stack>
  );
}
