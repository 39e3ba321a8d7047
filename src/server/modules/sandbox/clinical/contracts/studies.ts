import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { idParam, uuidField } from "../../../../../shared/fields.js";
import { gatedErrors } from "../../access/contracts/gate.js";

export const studyPhases = ["I", "Ia", "Ib", "I/II", "IIa"] as const;
export type StudyPhase = (typeof studyPhases)[number];
export const studyStatuses = ["design", "active", "closed"] as const;
export type StudyStatus = (typeof studyStatuses)[number];
export const epochKinds = ["screening", "treatment", "follow_up"] as const;
export type EpochKind = (typeof epochKinds)[number];

const tag = "sandbox";

// --- fields shared with the study transfer, so a file is refused where a form would be ---

export const text = (what: string, maxLength: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(maxLength, `Use at most ${maxLength} characters.`);
export const wholeNumber = (message: string, min: number, maxValue: number) =>
  z
    .number({ error: message })
    .int(message)
    .min(min, message)
    .max(maxValue, `Use at most ${maxValue.toLocaleString("en")}.`);
export const protocolNumberField = text("the protocol number", 40)
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._/-]*$/, "Use letters, digits, dots, dashes, slashes or underscores.");
export const phaseField = z.enum(studyPhases, { error: "Choose a phase: I, Ia, Ib, I/II or IIa." });
const statusField = z.enum(studyStatuses, { error: "Choose a status: design, active or closed." });
export const plannedEnrolmentField = wholeNumber("Plan at least 1 participant (a whole number).", 1, 100_000);
export const dayField = (what: string) =>
  wholeNumber(`Enter the ${what} as a whole study day.`, -10_000, 10_000);
export const epochKindField = z.enum(epochKinds, {
  error: "Choose an epoch: screening, treatment or follow-up.",
});
export const plannedSizeField = wholeNumber("Plan at least 1 participant (a whole number).", 1, 10_000);
export const windowField = wholeNumber("Enter a window of 0 or more whole days.", 0, 365);
/** Why a change was made: recorded with it in the audit trail, required by the service for active studies. */
export const reasonField = z
  .string({ error: "Give a reason." })
  .trim()
  .max(1000, "Use at most 1,000 characters.")
  .optional();

// --- input ---

export const studyInput = z.object({
  protocolNumber: protocolNumberField,
  title: text("a title", 300),
  sponsor: text("the sponsor", 200),
  phase: phaseField,
  plannedEnrolment: plannedEnrolmentField,
  /** Staff choose any organisation (default their own); anyone else creates for their own. */
  organisationId: z.uuid({ error: "Choose an organisation." }).optional(),
});
export type StudyInput = z.output<typeof studyInput>;
export const studyChanges = z
  .object({
    protocolNumber: protocolNumberField.optional(),
    title: text("a title", 300).optional(),
    sponsor: text("the sponsor", 200).optional(),
    phase: phaseField.optional(),
    plannedEnrolment: plannedEnrolmentField.optional(),
    status: statusField.optional(),
    reason: reasonField,
  })
  .refine(
    ({ reason: _reason, ...changes }) => Object.values(changes).some((value) => value !== undefined),
    "Say what to change.",
  );
export type StudyChanges = Omit<z.output<typeof studyChanges>, "reason">;
export const epochInput = z
  .object({
    kind: epochKindField,
    startDay: dayField("start day"),
    endDay: dayField("end day"),
    reason: reasonField,
  })
  .refine((epoch) => epoch.startDay <= epoch.endDay, {
    message: "End on or after the start day.",
    path: ["endDay"],
  });
export type EpochInput = Omit<z.output<typeof epochInput>, "reason">;
export const epochChanges = z
  .object({
    kind: epochKindField.optional(),
    startDay: dayField("start day").optional(),
    endDay: dayField("end day").optional(),
    reason: reasonField,
  })
  .refine(
    (epoch) => epoch.kind !== undefined || epoch.startDay !== undefined || epoch.endDay !== undefined,
    "Say what to change.",
  );
export type EpochChanges = Omit<z.output<typeof epochChanges>, "reason">;
export const cohortInput = z.object({
  name: text("a name", 120),
  plannedSize: plannedSizeField,
  dose: text("the dose", 120),
  reason: reasonField,
});
export type CohortInput = Omit<z.output<typeof cohortInput>, "reason">;
export const cohortChanges = z
  .object({
    name: text("a name", 120).optional(),
    plannedSize: plannedSizeField.optional(),
    dose: text("the dose", 120).optional(),
    reason: reasonField,
  })
  .refine(
    (cohort) => cohort.name !== undefined || cohort.plannedSize !== undefined || cohort.dose !== undefined,
    "Say what to change.",
  );
export type CohortChanges = Omit<z.output<typeof cohortChanges>, "reason">;
export const eventInput = z.object({
  name: text("a name", 120),
  dayOffset: dayField("day"),
  windowDays: windowField.default(0),
  reason: reasonField,
});
export type EventInput = Omit<z.output<typeof eventInput>, "reason">;
export const eventChanges = z
  .object({
    name: text("a name", 120).optional(),
    dayOffset: dayField("day").optional(),
    windowDays: windowField.optional(),
    reason: reasonField,
  })
  .refine(
    (event) => event.name !== undefined || event.dayOffset !== undefined || event.windowDays !== undefined,
    "Say what to change.",
  );
export type EventChanges = Omit<z.output<typeof eventChanges>, "reason">;
export const studyFilters = z.object({
  status: statusField.optional(),
  phase: phaseField.optional(),
  organisationId: z.uuid({ error: "Not a valid organisation id." }).optional(),
  q: z.string().trim().max(200, "Use at most 200 characters.").optional(),
});
export type StudyFilters = z.output<typeof studyFilters>;
const studyItemParams = z.object({ id: uuidField, itemId: uuidField });
export const removalQuery = z.object({ reason: reasonField });

// --- output ---

/** A study in lists: its own fields, the owning organisation and how far its design has come. */
export const studySummary = z.object({
  id: z.string(),
  protocolNumber: z.string(),
  title: z.string(),
  sponsor: z.string(),
  phase: z.enum(studyPhases),
  status: z.enum(studyStatuses),
  organisation: z.object({ id: z.string(), name: z.string() }),
  plannedEnrolment: z.number(),
  cohortCount: z.number(),
  eventCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StudySummary = z.infer<typeof studySummary>;
export const epoch = z.object({
  id: z.string(),
  kind: z.enum(epochKinds),
  startDay: z.number(),
  endDay: z.number(),
});
export type Epoch = z.infer<typeof epoch>;
export const cohort = z.object({
  id: z.string(),
  name: z.string(),
  plannedSize: z.number(),
  dose: z.string(),
  position: z.number(),
});
export type Cohort = z.infer<typeof cohort>;
export const studyEvent = z.object({
  id: z.string(),
  name: z.string(),
  dayOffset: z.number(),
  windowDays: z.number(),
});
export type StudyEvent = z.infer<typeof studyEvent>;
/** One study with its design (removed epochs, cohorts and events left out) and whether the caller may change it. */
export const study = studySummary.extend({
  canEdit: z.boolean(),
  epochs: z.array(epoch),
  cohorts: z.array(cohort),
  events: z.array(studyEvent),
});
export type Study = z.infer<typeof study>;

// --- operations ---

export const listStudies = operation({
  operationId: "listStudies",
  summary: "List the studies the caller may see",
  method: "GET",
  path: "/api/sandbox/studies",
  access: "member",
  tag,
  query: studyFilters,
  response: z.object({ studies: z.array(studySummary) }),
  errors: gatedErrors,
});

export const createStudy = operation({
  operationId: "createStudy",
  summary: "Create a study",
  method: "POST",
  path: "/api/sandbox/studies",
  access: "member",
  tag,
  body: studyInput,
  response: study,
  status: 201,
  errors: gatedErrors,
});

export const getStudy = operation({
  operationId: "getStudy",
  summary: "Read a study and its design",
  method: "GET",
  path: "/api/sandbox/studies/:id",
  access: "member",
  tag,
  params: idParam,
  response: study,
  errors: gatedErrors,
});

export const updateStudy = operation({
  operationId: "updateStudy",
  summary: "Change a study",
  method: "PATCH",
  path: "/api/sandbox/studies/:id",
  access: "member",
  tag,
  params: idParam,
  body: studyChanges,
  response: study,
  errors: gatedErrors,
});

/** Epochs, cohorts and events each get the same three operations: add, change, and soft removal. */
function itemOperations<const Items extends string, const Name extends string>(
  items: Items,
  name: Name,
  what: string,
) {
  return {
    add: operation({
      operationId: `add${name}`,
      summary: `Add ${what} to a study's design`,
      method: "POST",
      path: `/api/sandbox/studies/:id/${items}`,
      access: "member",
      tag,
      params: idParam,
      response: study,
      status: 201,
      errors: gatedErrors,
    }),
    update: operation({
      operationId: `update${name}`,
      summary: `Change ${what} of a study's design`,
      method: "PATCH",
      path: `/api/sandbox/studies/:id/${items}/:itemId`,
      access: "member",
      tag,
      params: studyItemParams,
      response: study,
      errors: gatedErrors,
    }),
    remove: operation({
      operationId: `remove${name}`,
      summary: `Remove ${what} from a study's design`,
      method: "DELETE",
      path: `/api/sandbox/studies/:id/${items}/:itemId`,
      access: "member",
      tag,
      params: studyItemParams,
      query: removalQuery,
      response: study,
      errors: gatedErrors,
    }),
  };
}

const epochOps = itemOperations("epochs", "Epoch", "an epoch");
const cohortOps = itemOperations("cohorts", "Cohort", "a cohort");
const eventOps = itemOperations("events", "Event", "an event");

export const addEpoch = operation({ ...epochOps.add, body: epochInput });
export const updateEpoch = operation({ ...epochOps.update, body: epochChanges });
export const removeEpoch = epochOps.remove;
export const addCohort = operation({ ...cohortOps.add, body: cohortInput });
export const updateCohort = operation({ ...cohortOps.update, body: cohortChanges });
export const removeCohort = cohortOps.remove;
export const addEvent = operation({ ...eventOps.add, body: eventInput });
export const updateEvent = operation({ ...eventOps.update, body: eventChanges });
export const removeEvent = eventOps.remove;
