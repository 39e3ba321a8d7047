import type { Actor, ActorCtx, Ctx } from "../../platform/context.js";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  instantOf,
  localDateOf,
} from "./business-time.js";
import type { SlaPolicyInput, TicketImpact, TicketPriority } from "./contracts/sla.js";
import type { TicketStatus, TicketType } from "./contracts/tickets.js";
import { addFormField } from "./forms.js";
import { createMacro } from "./macros.js";
import { slaPolicies, ticketComments, ticketStatusChanges, tickets } from "./schema.js";
import { calendarOf, defaultSlaPolicy } from "./sla.js";

export type DemoDeskPeople = { staff: Actor; northwindMember: Actor; contosoMember: Actor };

const weekday = (start: string, end: string) => [null, ...Array(5).fill({ start, end }), null];

/** Northwind works in Berlin with German public holidays; Contoso in New York, with a faster urgent promise. */
const demoPolicies = {
  northwind: {
    timeZone: "Europe/Berlin",
    week: weekday("08:00", "17:00"),
    holidays: [
      "2026-10-03",
      "2026-12-24",
      "2026-12-25",
      "2026-12-26",
      "2027-01-01",
      "2027-04-02",
      "2027-04-05",
    ],
    targets: defaultSlaPolicy.targets,
  },
  contoso: {
    timeZone: "America/New_York",
    week: weekday("09:00", "18:00"),
    holidays: ["2026-11-26", "2026-12-25", "2027-01-01", "2027-01-18", "2027-05-31", "2027-07-05"],
    targets: { ...defaultSlaPolicy.targets, urgent: { firstResponse: 30, resolution: 240 } },
  },
} satisfies Record<string, SlaPolicyInput>;

const subjects: [TicketType, string][] = [
  ["support_question", "Query export leaves out the last visit's lab values"],
  ["support_question", "Site user cannot see the allocation module"],
  ["dev_environment_question", "Sandbox study build stuck in 'publishing'"],
  ["support_question", "Audit trail PDF is missing the signature page"],
  ["support_question", "Edit check fires on a blank optional field"],
  ["dev_environment_question", "API token for the test environment expired early"],
  ["support_question", "Subject casebook print times out for long studies"],
  ["product_feedback", "Let coordinators bulk-close queries"],
  ["support_question", "Visit schedule shows the wrong window after a protocol amendment"],
  ["support_question", "Drug accountability report totals do not match the shipment"],
  ["dev_environment_question", "Imported test data lost its site codes"],
  ["support_question", "SSO sign-in loops back to the start page"],
];

/** A deterministic sequence, so every demo has the same history and the README's figures hold. */
function randomSequence(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const priorities: [TicketPriority, TicketImpact, number][] = [
  ["urgent", "blocks_work", 0.1],
  ["high", "blocks_work", 0.3],
  ["normal", "degrades_work", 0.75],
  ["low", "question", 1],
];

type Event = { at: Date; to?: TicketStatus; comment?: { body: string; byStaff: boolean } };

const hours = (count: number) => count * 3_600_000;

/**
 * One ticket's life on the policy's business clock: a first reply after a share of its target
 * (some past it), sometimes a wait on the customer, and resolution after a share of the resolution
 * target; whatever would happen after `now` has not happened yet.
 */
function lifeOf(
  calendar: BusinessCalendar,
  rules: SlaPolicyInput,
  priority: TicketPriority,
  opened: Date,
  random: () => number,
) {
  const targets = rules.targets[priority];
  const events: Event[] = [];
  const reply = addBusinessMinutes(
    calendar,
    opened,
    Math.round(targets.firstResponse * (0.15 + random() * 1.1)),
  );
  if (!reply) return events;
  const waits = random() < 0.4;
  events.push({
    at: reply,
    to: waits ? "waiting_on_customer" : "open",
    comment: {
      body: waits
        ? "Thanks for the report. Could you send the study id and a screenshot of what you see?"
        : "Thanks, we can reproduce this and are looking into it.",
      byStaff: true,
    },
  });
  let resumed = reply;
  if (waits) {
    resumed = new Date(reply.getTime() + hours(3 + random() * 60));
    events.push({
      at: resumed,
      to: "open",
      comment: { body: "Here are the study id and the screenshot.", byStaff: false },
    });
  }
  // The clock ran until the reply and stood still while the customer was asked.
  const used = businessMinutesBetween(calendar, opened, reply);
  const remaining = Math.max(30, Math.round(targets.resolution * (0.2 + random() * 1.05)) - used);
  const resolved = addBusinessMinutes(calendar, resumed, remaining);
  if (resolved) {
    events.push({
      at: resolved,
      to: "resolved",
      comment: { body: "Fixed in today's maintenance release; please confirm on your side.", byStaff: true },
    });
    events.push({ at: new Date(resolved.getTime() + hours(24 * 7)), to: "closed" });
  }
  return events;
}

/** The instant from which `minutes` business minutes have passed by `now`: a search back over a month. */
function businessMinutesAgo(calendar: BusinessCalendar, minutes: number, now: Date): Date {
  let earliest = now.getTime() - hours(24 * 31);
  let latest = now.getTime();
  while (latest - earliest > 1000) {
    const middle = Math.floor((earliest + latest) / 2);
    if (businessMinutesBetween(calendar, new Date(middle), now) > minutes) earliest = middle;
    else latest = middle;
  }
  return new Date(latest);
}

/** A fifth of a low-priority ticket's first-response target is left: the clock warns on the demo's ticket page. */
const NEAR_BREACH_SHARE = 5 / 6;

/**
 * Service levels with a history to report on: both customers' policies, and about four months of
 * tickets with first replies, waits on the customer, resolutions and some missed targets. Written as
 * rows with their past times (no one is notified of the past), so reports and clocks have figures.
 */
export async function seedDemoServiceLevels(
  ctx: Ctx,
  people: DemoDeskPeople,
  organisations: { northwind: string; contoso: string },
  now = new Date(),
): Promise<void> {
  const random = randomSequence(20_260_101);
  for (const [key, policy] of Object.entries(demoPolicies) as [keyof typeof demoPolicies, SlaPolicyInput][]) {
    await ctx.db.insert(slaPolicies).values({ organisationId: organisations[key], ...policy });
  }
  const northwindRules: SlaPolicyInput = demoPolicies.northwind;
  const nearBreach = businessMinutesAgo(
    calendarOf(northwindRules),
    Math.round(northwindRules.targets.low.firstResponse * NEAR_BREACH_SHARE),
    now,
  );
  await ctx.db.insert(tickets).values({
    type: "support_question",
    subject: "Coding dictionary update: which MedDRA version is next?",
    description:
      "We plan our recoding for next quarter and need to know the MedDRA version of the next release.",
    requesterId: people.northwindMember.id,
    requesterName: people.northwindMember.name,
    requesterEmail: people.northwindMember.email,
    organisationId: organisations.northwind,
    sharedWithOrganisation: true,
    impact: "question",
    priority: "low",
    createdAt: nearBreach,
    updatedAt: nearBreach,
  });
  for (let index = 0; index < 48; index++) {
    const key = index % 3 === 2 ? "contoso" : "northwind";
    const rules: SlaPolicyInput = demoPolicies[key];
    const calendar = calendarOf(rules);
    const requester = key === "northwind" ? people.northwindMember : people.contosoMember;
    // Opened at a random business minute of the last 120 days, the newest ones still in progress.
    const day = localDateOf(now.getTime() - hours(24) * Math.floor(random() * 120 + 1), rules.timeZone);
    const opened = addBusinessMinutes(
      calendar,
      new Date(instantOf(day, 0, rules.timeZone)),
      Math.floor(random() * 480),
    );
    if (!opened || opened >= now) continue;
    const roll = random();
    const [priority, impact] = priorities.find(([, , share]) => roll < share) ?? ["normal", "degrades_work"];
    const [type, subject] = subjects[index % subjects.length] ?? ["support_question", "A question"];
    const events = lifeOf(calendar, rules, priority, opened, random).filter((event) => event.at < now);
    const status = events.findLast((event) => event.to)?.to ?? "new";
    const firstReply = events.find((event) => event.comment?.byStaff);
    const [row] = await ctx.db
      .insert(tickets)
      .values({
        type,
        subject,
        description: `${subject}. It started after this week's changes; steps and the study id are below.`,
        status,
        requesterId: requester.id,
        requesterName: requester.name,
        requesterEmail: requester.email,
        organisationId: organisations[key],
        assigneeId: people.staff.id,
        sharedWithOrganisation: true,
        impact,
        priority,
        firstRespondedAt: firstReply?.at ?? null,
        createdAt: opened,
        updatedAt: events.at(-1)?.at ?? opened,
      })
      .returning({ id: tickets.id });
    if (!row) throw new Error("demo ticket was not written");
    let from: TicketStatus = "new";
    for (const event of events) {
      if (event.comment) {
        const author = event.comment.byStaff ? people.staff : requester;
        await ctx.db.insert(ticketComments).values({
          ticketId: row.id,
          authorId: author.id,
          authorName: author.name,
          body: event.comment.body,
          createdAt: event.at,
        });
      }
      if (event.to && event.to !== from) {
        await ctx.db
          .insert(ticketStatusChanges)
          .values({ ticketId: row.id, from, to: event.to, at: event.at });
        from = event.to;
      }
    }
  }
}

/** The canned replies the product team reaches for most, so the demo's reply box has some to pick. */
export async function seedDemoMacros(ctx: ActorCtx): Promise<void> {
  await createMacro(ctx, {
    name: "Resolve: fixed in the development environment",
    body: "Hi {{requester.firstName}},\n\nThe fix for #{{ticket.number}} is in the latest development environment build. Please try again; if it still happens, reply here and the ticket reopens.\n\nBest regards,\n{{agent.name}}",
    status: "resolved",
    assignee: "me",
  });
  await createMacro(ctx, {
    name: "Ask for steps to reproduce",
    body: "Hi {{requester.firstName}},\n\nThanks for reporting this. Could you tell us the steps that lead to it, and the study and subject you were on?\n\n{{agent.firstName}}",
    status: "waiting_on_customer",
    assignee: "me",
  });
  await createMacro(ctx, {
    name: "Take it: looking into it",
    body: 'Hi {{requester.firstName}}, I am looking into "{{ticket.subject}}" and will get back to you shortly.',
    status: "open",
    assignee: "me",
  });
}

/**
 * The development-environment question's form: which study (optional, since not everyone asking may
 * enter the sandbox) and the steps that lead to the problem.
 */
export async function seedDemoTicketForms(ctx: ActorCtx): Promise<void> {
  await addFormField(ctx, "dev_environment_question", {
    key: "studyId",
    label: "Study",
    help: "The development environment study the question is about, if any.",
    kind: "study",
    options: [],
    required: false,
    position: 1,
  });
  await addFormField(ctx, "dev_environment_question", {
    key: "stepsToReproduce",
    label: "Steps to reproduce",
    help: "What you did, in order, and what happened instead of what you expected.",
    kind: "text",
    options: [],
    required: false,
    position: 2,
  });
}
