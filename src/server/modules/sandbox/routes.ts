import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor, requireStaff, staffAccess } from "../../platform/auth/http.js";
import type { Actor, Ctx } from "../../platform/context.js";
import { idParam, typed } from "../../platform/http.js";
import {
  acceptAgreement,
  addSandboxUser,
  changeSandboxRole,
  createAgreementDraft,
  getAgreementVersion,
  getCurrentAgreement,
  listAcceptances,
  listAgreementVersions,
  listSandboxUsers,
  publishAgreement,
  removeSandboxUser,
  sandboxStatus,
  updateAgreementDraft,
} from "./access/index.js";
import {
  addCohort,
  addEpoch,
  addEvent,
  createStudy,
  createVolunteer,
  ENROLLED_ONLY_BY_ENROLMENT,
  getStudy,
  getVolunteer,
  listSandboxAudit,
  listStudies,
  listVolunteers,
  MAX_VOLUNTEER_PAGE,
  removeCohort,
  removeEpoch,
  removeEvent,
  removeVolunteer,
  sandboxAuditCsv,
  settableRecruitmentStatuses,
  updateCohort,
  updateEpoch,
  updateEvent,
  updateStudy,
  updateVolunteer,
} from "./clinical/index.js";
import { registerEnrolmentRoutes } from "./clinical/routes-enrolments.js";
import { registerSandboxImportRoutes } from "./data/routes-imports.js";
import { registerSandboxOperationsRoutes } from "./operations/routes-operations.js";
import { registerSandboxWipeRoutes } from "./operations/routes-wipes.js";
import { volunteerDisplays } from "./policy.js";
import type { StudyView } from "./present.js";
import {
  agreementStatuses,
  epochKinds,
  recruitmentStatuses,
  sandboxRoles,
  sexes,
  studyPhases,
  studyStatuses,
} from "./schema.js";

// --- input ---

const titleField = z
  .string({ error: "Give the agreement a title." })
  .trim()
  .min(1, "Give the agreement a title.")
  .max(200, "Use at most 200 characters.");
const bodyField = z
  .string({ error: "Write the agreement." })
  .trim()
  .min(1, "Write the agreement.")
  .max(50_000, "Use at most 50,000 characters.");
const agreementInput = z.object({ title: titleField, body: bodyField });
const agreementChanges = z
  .object({ title: titleField.optional(), body: bodyField.optional() })
  .refine((body) => body.title !== undefined || body.body !== undefined, "Say what to change.");
const roleField = z.enum(sandboxRoles, {
  error: "Choose a role: study coordinator, investigator, pharmacist, recruiter or read-only.",
});
const userIdField = z.uuid({ error: "Choose a person." });
const userIdParam = z.object({ userId: z.uuid({ error: "Not a valid id." }) });

// studies

const text = (what: string, maxLength: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(maxLength, `Use at most ${maxLength} characters.`);
const wholeNumber = (message: string, min: number, maxValue: number) =>
  z
    .number({ error: message })
    .int(message)
    .min(min, message)
    .max(maxValue, `Use at most ${maxValue.toLocaleString("en")}.`);
const protocolNumberField = text("the protocol number", 40)
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._/-]*$/, "Use letters, digits, dots, dashes, slashes or underscores.");
const phaseField = z.enum(studyPhases, { error: "Choose a phase: I, Ia, Ib, I/II or IIa." });
const statusField = z.enum(studyStatuses, { error: "Choose a status: design, active or closed." });
const plannedEnrolmentField = wholeNumber("Plan at least 1 participant (a whole number).", 1, 100_000);
const reasonField = z
  .string({ error: "Give a reason." })
  .trim()
  .max(1000, "Use at most 1,000 characters.")
  .optional();
const studyInput = z.object({
  protocolNumber: protocolNumberField,
  title: text("a title", 300),
  sponsor: text("the sponsor", 200),
  phase: phaseField,
  plannedEnrolment: plannedEnrolmentField,
  organisationId: z.uuid({ error: "Choose an organisation." }).optional(),
});
const studyChanges = z
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
const dayField = (what: string) => wholeNumber(`Enter the ${what} as a whole study day.`, -10_000, 10_000);
const epochKindField = z.enum(epochKinds, { error: "Choose an epoch: screening, treatment or follow-up." });
const epochInput = z
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
const epochChanges = z
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
const plannedSizeField = wholeNumber("Plan at least 1 participant (a whole number).", 1, 10_000);
const cohortInput = z.object({
  name: text("a name", 120),
  plannedSize: plannedSizeField,
  dose: text("the dose", 120),
  reason: reasonField,
});
const cohortChanges = z
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
const windowField = wholeNumber("Enter a window of 0 or more whole days.", 0, 365);
const eventInput = z.object({
  name: text("a name", 120),
  dayOffset: dayField("day"),
  windowDays: windowField.default(0),
  reason: reasonField,
});
const eventChanges = z
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
const studyFilters = z.object({
  status: statusField.optional(),
  phase: phaseField.optional(),
  organisationId: z.uuid({ error: "Not a valid organisation id." }).optional(),
  q: z.string().trim().max(200, "Use at most 200 characters.").optional(),
});
const studyItemParams = z.object({
  id: z.uuid({ error: "Not a valid id." }),
  itemId: z.uuid({ error: "Not a valid id." }),
});
const removalQuery = z.object({ reason: reasonField });
const auditQuery = z.object({
  recordType: z.string().trim().max(40, "Use at most 40 characters.").optional(),
  recordId: z.uuid({ error: "Not a valid record id." }).optional(),
  studyId: z.uuid({ error: "Not a valid study id." }).optional(),
});

// volunteers (ranges and dates are checked by the service, after the PHI guard, naming the field)

const sexField = z.enum(sexes, { error: "Choose female or male." });
const recruitmentStatusField = z.enum(recruitmentStatuses, {
  error: "Choose a status: prospect, screening, eligible, enrolled, ineligible or withdrawn.",
});
/** What a volunteer write may set: `enrolled` is refused, saying where it comes from. */
const settableStatusField = z.enum(settableRecruitmentStatuses, {
  error: (issue) =>
    issue.input === "enrolled"
      ? ENROLLED_ONLY_BY_ENROLMENT
      : "Choose a status: prospect, screening, eligible, ineligible or withdrawn.",
});
const dateOfBirthField = z.iso.date({ error: "Enter the date of birth as YYYY-MM-DD." });
const heightField = z
  .number({ error: "Enter the height in whole centimetres." })
  .int("Use whole centimetres.");
const weightField = z.number({ error: "Enter the weight in kg." });
const optionalText = (maxLength: number) =>
  z.string().trim().max(maxLength, `Use at most ${maxLength} characters.`).nullable().optional();
const volunteerFields = {
  firstName: text("a first name", 100),
  lastName: text("a last name", 100),
  sex: sexField,
  dateOfBirth: dateOfBirthField,
  email: optionalText(200),
  phone: optionalText(50),
  region: text("a region", 120),
  heightCm: heightField,
  weightKg: weightField,
  smoker: z.boolean({ error: "Say yes or no." }).optional(),
  recruitmentStatus: settableStatusField.optional(),
  medicalHistory: z.string().trim().max(5000, "Use at most 5,000 characters.").optional(),
};
const volunteerInput = z.object({
  displayId: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^V\d{6}$/, "Use V and six digits, or leave it empty to have one generated.")
    .optional(),
  ...volunteerFields,
});
const volunteerChanges = z
  .object({
    firstName: volunteerFields.firstName.optional(),
    lastName: volunteerFields.lastName.optional(),
    sex: sexField.optional(),
    dateOfBirth: dateOfBirthField.optional(),
    email: volunteerFields.email,
    phone: volunteerFields.phone,
    region: volunteerFields.region.optional(),
    heightCm: heightField.optional(),
    weightKg: weightField.optional(),
    smoker: volunteerFields.smoker,
    recruitmentStatus: volunteerFields.recruitmentStatus,
    medicalHistory: volunteerFields.medicalHistory,
    reason: reasonField,
  })
  .refine(
    ({ reason: _reason, ...changes }) => Object.values(changes).some((value) => value !== undefined),
    "Say what to change.",
  );
const displayField = z.enum(volunteerDisplays, { error: "Choose a display: full, year or id." }).optional();
const displayQuery = z.object({ display: displayField });
const measure = (message: string) => z.coerce.number({ error: message }).min(0, message).max(1000, message);
const volunteerFilters = z.object({
  status: recruitmentStatusField.optional(),
  sex: sexField.optional(),
  ageMin: z.coerce.number().int("Use whole years.").min(0).max(150).optional(),
  ageMax: z.coerce.number().int("Use whole years.").min(0).max(150).optional(),
  bmiMin: measure("Enter a BMI.").optional(),
  bmiMax: measure("Enter a BMI.").optional(),
  q: z.string().trim().max(100, "Use at most 100 characters.").optional(),
  studyId: z.uuid({ error: "Not a valid study id." }).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, "Ask for at least 1.")
    .max(MAX_VOLUNTEER_PAGE, `Ask for at most ${MAX_VOLUNTEER_PAGE}.`)
    .optional(),
  offset: z.coerce.number().int().min(0, "Start at 0 or later.").optional(),
  cursor: z.string().max(500).optional(),
  display: displayField,
});

/** The body without its reason, which is recorded with the change but is not a field of the record. */
function split<T extends { reason?: string | undefined }>(body: T): [Omit<T, "reason">, string | undefined] {
  const { reason, ...rest } = body;
  return [rest, reason];
}

// --- output ---

const agreementSchema = z.object({
  id: z.string(),
  version: z.number(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  publishedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
});
const versionSchema = z.object({
  id: z.string(),
  version: z.number(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  status: z.enum(agreementStatuses),
  current: z.boolean(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  acceptanceCount: z.number(),
});
const organisationRef = z.object({ id: z.string(), name: z.string() });
const acceptanceSchema = z.object({
  person: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  organisation: organisationRef.nullable(),
  acceptedAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
const sandboxUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
  role: z.enum(sandboxRoles),
  addedAt: z.string(),
});
const personOption = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
});
const statusSchema = z.object({
  isSandboxUser: z.boolean(),
  role: z.enum([...sandboxRoles, "staff"]).nullable(),
  agreement: z.object({ id: z.string(), version: z.number() }).nullable(),
  accepted: z.boolean(),
  canManageUsers: z.boolean(),
});

const organisationRefOut = z.object({ id: z.string(), name: z.string() });
const studySummarySchema = z.object({
  id: z.string(),
  protocolNumber: z.string(),
  title: z.string(),
  sponsor: z.string(),
  phase: z.enum(studyPhases),
  status: z.enum(studyStatuses),
  organisation: organisationRefOut,
  plannedEnrolment: z.number(),
  cohortCount: z.number(),
  eventCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const studySchema = studySummarySchema.extend({
  canEdit: z.boolean(),
  epochs: z.array(
    z.object({ id: z.string(), kind: z.enum(epochKinds), startDay: z.number(), endDay: z.number() }),
  ),
  cohorts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      plannedSize: z.number(),
      dose: z.string(),
      position: z.number(),
    }),
  ),
  events: z.array(
    z.object({ id: z.string(), name: z.string(), dayOffset: z.number(), windowDays: z.number() }),
  ),
});
const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ id: z.string(), email: z.string() }),
  action: z.enum(["create", "update", "remove"]),
  recordType: z.string(),
  recordId: z.string(),
  studyId: z.string().nullable(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  reason: z.string().nullable(),
});

const volunteerSchema = z.object({
  id: z.string(),
  displayId: z.string(),
  display: z.enum(volunteerDisplays),
  sex: z.enum(sexes),
  ageBand: z.string(),
  recruitmentStatus: z.enum(recruitmentStatuses),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  dateOfBirth: z.string().optional(),
  yearOfBirth: z.number().optional(),
  age: z.number().optional(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  region: z.string().optional(),
  heightCm: z.number().optional(),
  weightKg: z.number().optional(),
  bmi: z.number().optional(),
  smoker: z.boolean().optional(),
  medicalHistory: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** The community development environment: its agreement, its users and the status the web app reads. */
export function registerSandboxRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];

  app.get("/api/sandbox/status", { schema: { tags, response: { 200: statusSchema } } }, async (request) =>
    sandboxStatus(deps.db, requireActor(request)),
  );

  // --- the agreement ---

  app.get(
    "/api/sandbox/agreement",
    { schema: { tags, response: { 200: agreementSchema } } },
    async (request) => getCurrentAgreement(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    "/api/sandbox/agreement/accept",
    {
      schema: {
        tags,
        body: z.object({ agreementId: z.uuid({ error: "Name the agreement version you accept." }) }),
        response: { 200: agreementSchema },
      },
    },
    async (request) =>
      acceptAgreement(
        contextOf(request, deps),
        requireActor(request),
        request.body.agreementId,
        request.headers["user-agent"] ?? null,
      ),
  );

  app.get(
    "/api/admin/sandbox/agreements",
    {
      config: staffAccess,
      schema: { tags, response: { 200: z.object({ versions: z.array(versionSchema) }) } },
    },
    async (request) => ({ versions: await listAgreementVersions(contextOf(request, deps)) }),
  );

  app.post(
    "/api/admin/sandbox/agreements",
    { config: staffAccess, schema: { tags, body: agreementInput, response: { 201: versionSchema } } },
    async (request, reply) => {
      const draft = await createAgreementDraft(contextOf(request, deps), requireStaff(request), request.body);
      return reply.status(201).send(draft);
    },
  );

  app.get(
    "/api/admin/sandbox/agreements/:id",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: versionSchema } } },
    async (request) => getAgreementVersion(contextOf(request, deps), request.params.id),
  );

  app.patch(
    "/api/admin/sandbox/agreements/:id",
    {
      config: staffAccess,
      schema: { tags, params: idParam, body: agreementChanges, response: { 200: versionSchema } },
    },
    async (request) => updateAgreementDraft(contextOf(request, deps), request.params.id, request.body),
  );

  app.post(
    "/api/admin/sandbox/agreements/:id/publish",
    { config: staffAccess, schema: { tags, params: idParam, response: { 200: versionSchema } } },
    async (request) => publishAgreement(contextOf(request, deps), requireStaff(request), request.params.id),
  );

  app.get(
    "/api/admin/sandbox/agreements/:id/acceptances",
    {
      config: staffAccess,
      schema: {
        tags,
        params: idParam,
        response: { 200: z.object({ acceptances: z.array(acceptanceSchema) }) },
      },
    },
    async (request) => ({ acceptances: await listAcceptances(contextOf(request, deps), request.params.id) }),
  );

  // --- sandbox users ---

  app.get(
    "/api/sandbox/users",
    {
      schema: {
        tags,
        response: { 200: z.object({ users: z.array(sandboxUserSchema), candidates: z.array(personOption) }) },
      },
    },
    async (request) => listSandboxUsers(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    "/api/sandbox/users",
    {
      schema: {
        tags,
        body: z.object({ userId: userIdField, role: roleField }),
        response: { 201: sandboxUserSchema },
      },
    },
    async (request, reply) => {
      const user = await addSandboxUser(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(user);
    },
  );

  app.patch(
    "/api/sandbox/users/:userId",
    {
      schema: {
        tags,
        params: userIdParam,
        body: z.object({ role: roleField }),
        response: { 200: sandboxUserSchema },
      },
    },
    async (request) =>
      changeSandboxRole(
        contextOf(request, deps),
        requireActor(request),
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    "/api/sandbox/users/:userId",
    { schema: { tags, params: userIdParam } },
    async (request, reply) => {
      await removeSandboxUser(contextOf(request, deps), requireActor(request), request.params.userId);
      return reply.status(204).send();
    },
  );

  // --- studies ---

  app.get(
    "/api/sandbox/studies",
    {
      schema: {
        tags,
        querystring: studyFilters,
        response: { 200: z.object({ studies: z.array(studySummarySchema) }) },
      },
    },
    async (request) => ({
      studies: await listStudies(contextOf(request, deps), requireActor(request), request.query),
    }),
  );

  app.post(
    "/api/sandbox/studies",
    { schema: { tags, body: studyInput, response: { 201: studySchema } } },
    async (request, reply) => {
      const study = await createStudy(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(study);
    },
  );

  app.get(
    "/api/sandbox/studies/:id",
    { schema: { tags, params: idParam, response: { 200: studySchema } } },
    async (request) => getStudy(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.patch(
    "/api/sandbox/studies/:id",
    { schema: { tags, params: idParam, body: studyChanges, response: { 200: studySchema } } },
    async (request) => {
      const [changes, reason] = split(request.body);
      return updateStudy(contextOf(request, deps), requireActor(request), request.params.id, changes, reason);
    },
  );

  /** Epochs, cohorts and events each get the same three routes: add, change, and soft removal. */
  function studyItemRoutes<Input extends { reason?: string }, Changes extends { reason?: string }>(
    items: "epochs" | "cohorts" | "events",
    schemas: { input: z.ZodType<Input>; changes: z.ZodType<Changes> },
    service: {
      add: (
        ctx: Ctx,
        actor: Actor,
        studyId: string,
        input: Omit<Input, "reason">,
        reason?: string,
      ) => Promise<StudyView>;
      update: (
        ctx: Ctx,
        actor: Actor,
        studyId: string,
        itemId: string,
        changes: Omit<Changes, "reason">,
        reason?: string,
      ) => Promise<StudyView>;
      remove: (
        ctx: Ctx,
        actor: Actor,
        studyId: string,
        itemId: string,
        reason?: string,
      ) => Promise<StudyView>;
    },
  ): void {
    app.post(
      `/api/sandbox/studies/:id/${items}`,
      { schema: { tags, params: idParam, body: schemas.input, response: { 201: studySchema } } },
      async (request, reply) => {
        // The type provider cannot see through a generic schema; zod has validated the body as Input.
        const [input, reason] = split(request.body as Input);
        const ctx = contextOf(request, deps);
        return reply
          .status(201)
          .send(await service.add(ctx, requireActor(request), request.params.id, input, reason));
      },
    );
    app.patch(
      `/api/sandbox/studies/:id/${items}/:itemId`,
      { schema: { tags, params: studyItemParams, body: schemas.changes, response: { 200: studySchema } } },
      async (request) => {
        const [changes, reason] = split(request.body as Changes);
        const { id, itemId } = request.params;
        return service.update(contextOf(request, deps), requireActor(request), id, itemId, changes, reason);
      },
    );
    app.delete(
      `/api/sandbox/studies/:id/${items}/:itemId`,
      {
        schema: { tags, params: studyItemParams, querystring: removalQuery, response: { 200: studySchema } },
      },
      async (request) => {
        const { id, itemId } = request.params;
        return service.remove(
          contextOf(request, deps),
          requireActor(request),
          id,
          itemId,
          request.query.reason,
        );
      },
    );
  }
  studyItemRoutes(
    "epochs",
    { input: epochInput, changes: epochChanges },
    {
      add: addEpoch,
      update: updateEpoch,
      remove: removeEpoch,
    },
  );
  studyItemRoutes(
    "cohorts",
    { input: cohortInput, changes: cohortChanges },
    {
      add: addCohort,
      update: updateCohort,
      remove: removeCohort,
    },
  );
  studyItemRoutes(
    "events",
    { input: eventInput, changes: eventChanges },
    {
      add: addEvent,
      update: updateEvent,
      remove: removeEvent,
    },
  );

  // --- volunteers ---

  app.get(
    "/api/sandbox/volunteers",
    {
      schema: {
        tags,
        querystring: volunteerFilters,
        response: {
          200: z.object({
            volunteers: z.array(volunteerSchema),
            total: z.number(),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { display, ...filters } = request.query;
      return listVolunteers(contextOf(request, deps), requireActor(request), filters, { display });
    },
  );

  app.post(
    "/api/sandbox/volunteers",
    { schema: { tags, querystring: displayQuery, body: volunteerInput, response: { 201: volunteerSchema } } },
    async (request, reply) => {
      const volunteer = await createVolunteer(contextOf(request, deps), requireActor(request), request.body, {
        display: request.query.display,
      });
      return reply.status(201).send(volunteer);
    },
  );

  app.get(
    "/api/sandbox/volunteers/:id",
    { schema: { tags, params: idParam, querystring: displayQuery, response: { 200: volunteerSchema } } },
    async (request) =>
      getVolunteer(contextOf(request, deps), requireActor(request), request.params.id, {
        display: request.query.display,
      }),
  );

  app.patch(
    "/api/sandbox/volunteers/:id",
    {
      schema: {
        tags,
        params: idParam,
        querystring: displayQuery,
        body: volunteerChanges,
        response: { 200: volunteerSchema },
      },
    },
    async (request) => {
      const [changes, reason] = split(request.body);
      return updateVolunteer(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        changes,
        reason,
        {
          display: request.query.display,
        },
      );
    },
  );

  app.delete(
    "/api/sandbox/volunteers/:id",
    { schema: { tags, params: idParam, querystring: removalQuery } },
    async (request, reply) => {
      await removeVolunteer(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.query.reason,
      );
      return reply.status(204).send();
    },
  );

  registerEnrolmentRoutes(scope, deps);
  registerSandboxOperationsRoutes(scope, deps);
  registerSandboxImportRoutes(scope, deps);
  registerSandboxWipeRoutes(scope, deps);

  // --- the sandbox audit trail ---

  app.get(
    "/api/sandbox/audit",
    {
      schema: {
        tags,
        querystring: auditQuery,
        response: { 200: z.object({ entries: z.array(auditEntrySchema) }) },
      },
    },
    async (request) => ({
      entries: await listSandboxAudit(contextOf(request, deps), requireActor(request), request.query),
    }),
  );

  app.get("/api/sandbox/audit.csv", { schema: { tags, querystring: auditQuery } }, async (request, reply) => {
    const entries = await listSandboxAudit(contextOf(request, deps), requireActor(request), request.query);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="sandbox-audit.csv"')
      .send(sandboxAuditCsv(entries));
  });
}
