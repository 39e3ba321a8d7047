import { inArray } from "drizzle-orm";
import type { Ctx } from "../../platform/context.js";
import { notify } from "../../platform/notifications/service.js";
import { listActiveStaff } from "../accounts/index.js";
import type { SlaClockName, SlaClockView } from "./contracts/sla.js";
import { ticketItem } from "./notifications.js";
import { slaWarnings, tickets } from "./schema.js";
import { slaClocksFor } from "./sla.js";

/** How often the desk looks for clocks close to or past their target. */
export const SLA_CHECK_INTERVAL_MS = 5 * 60_000;

const clockLabels: Record<SlaClockName, string> = {
  first_response: "First response",
  resolution: "Resolution",
};

const levelOf = (view: SlaClockView) =>
  view.state === "running" && view.breached ? "breached" : view.warning ? "approaching" : null;

/**
 * Tells the assignee and the product team about every running clock that came within a fifth of
 * its target or passed it, once per ticket, clock and level: the table of sent warnings makes a
 * repeated check (or two servers checking) send nothing twice. Returns how many warnings it sent.
 */
export async function warnOfBreaches(ctx: Ctx, now = new Date()): Promise<number> {
  const open = await ctx.db
    .select()
    .from(tickets)
    .where(inArray(tickets.status, ["new", "open"]));
  if (open.length === 0) return 0;
  const clocks = await slaClocksFor(ctx.db, open, now);
  const staff = (await listActiveStaff(ctx.db)).map((person) => person.id);
  let sent = 0;
  for (const ticket of open) {
    const clock = clocks.get(ticket.id);
    if (!clock) continue;
    const views: [SlaClockName, SlaClockView][] = [
      ["first_response", clock.firstResponse],
      ["resolution", clock.resolution],
    ];
    for (const [name, view] of views) {
      const level = levelOf(view);
      if (!level) continue;
      const [fresh] = await ctx.db
        .insert(slaWarnings)
        .values({ ticketId: ticket.id, clock: name, level })
        .onConflictDoNothing()
        .returning();
      if (!fresh) continue;
      const due = view.dueAt ? new Date(view.dueAt) : now;
      const minutes = Math.max(1, Math.round(Math.abs(due.getTime() - now.getTime()) / 60_000));
      await notify(ctx, {
        kind: "desk.sla_warning",
        recipients: new Set([...(ticket.assigneeId ? [ticket.assigneeId] : []), ...staff]),
        item: {
          type: ticketItem.type,
          id: ticket.id,
          title: `#${ticket.number} ${ticket.subject}`,
          url: `/desk/tickets/${ticket.id}`,
        },
        excerpt:
          level === "breached"
            ? `${clockLabels[name]} target missed (${ticket.priority} priority).`
            : `${clockLabels[name]} due in ${minutes} min (${ticket.priority} priority).`,
      });
      sent++;
    }
  }
  return sent;
}
