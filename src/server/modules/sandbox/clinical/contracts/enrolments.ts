import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { idParam } from "../../../../../shared/fields.js";
import { gatedErrors } from "../../access/contracts/gate.js";

export const enrolmentStatuses = [
  "screening",
  "eligible",
  "ineligible",
  "enrolled",
  "withdrawn",
  "completed",
] as const;
export type EnrolmentStatus = (typeof enrolmentStatuses)[number];

const tag = "sandbox";

// --- input (dates against today and the screening date are checked by the service, naming the field) ---

const reasonText = z.string({ error: "Give a reason." }).trim().max(1000, "Use at most 1,000 characters.");
export const screeningInput = z.object({
  volunteerId: z.uuid({ error: "Choose a volunteer." }),
  screeningDate: z.iso.date({ error: "Enter the screening date as YYYY-MM-DD." }),
});
export type ScreeningInput = z.output<typeof screeningInput>;
export const eligibilityInput = z.object({
  eligible: z.boolean({ error: "Say whether the volunteer is eligible." }),
  reason: reasonText.optional(),
});
export type EligibilityInput = z.output<typeof eligibilityInput>;
export const assignmentInput = z.object({
  cohortId: z.uuid({ error: "Choose a cohort." }),
  dosingStart: z.iso.date({ error: "Enter the first dosing day as YYYY-MM-DD." }),
});
export type AssignmentInput = z.output<typeof assignmentInput>;
/** Withdrawal and completion: the service names `reason` when it is empty, as for ineligibility. */
const reasonInput = z.object({ reason: reasonText.optional() });

// --- output ---

/**
 * A volunteer's enrolment in one study, with the names a list shows (protocol number, study title,
 * the volunteer's display id, the cohort's name) so no second request is needed; dates are YYYY-MM-DD.
 */
export const enrolment = z.object({
  id: z.string(),
  studyId: z.string(),
  protocolNumber: z.string(),
  studyTitle: z.string(),
  volunteerId: z.string(),
  volunteerDisplayId: z.string(),
  status: z.enum(enrolmentStatuses),
  screeningDate: z.string(),
  statusReason: z.string().nullable(),
  cohortId: z.string().nullable(),
  cohortName: z.string().nullable(),
  subjectNumber: z.string().nullable(),
  dosingStart: z.string().nullable(),
  dosingEnd: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Enrolment = z.infer<typeof enrolment>;
const enrolmentList = z.object({ enrolments: z.array(enrolment) });

// --- operations ---

export const listStudyEnrolments = operation({
  operationId: "listStudyEnrolments",
  summary: "List a study's enrolments",
  method: "GET",
  path: "/api/sandbox/studies/:id/enrolments",
  access: "member",
  tag,
  params: idParam,
  response: enrolmentList,
  errors: gatedErrors,
});

export const screenVolunteer = operation({
  operationId: "screenVolunteer",
  summary: "Screen a volunteer for a study",
  method: "POST",
  path: "/api/sandbox/studies/:id/enrolments",
  access: "member",
  tag,
  params: idParam,
  body: screeningInput,
  response: enrolment,
  status: 201,
  errors: gatedErrors,
});

export const decideEligibility = operation({
  operationId: "decideEligibility",
  summary: "Record whether a screened volunteer is eligible",
  method: "POST",
  path: "/api/sandbox/enrolments/:id/eligibility",
  access: "member",
  tag,
  params: idParam,
  body: eligibilityInput,
  response: enrolment,
  errors: gatedErrors,
});

export const assignCohort = operation({
  operationId: "assignCohort",
  summary: "Assign an eligible volunteer to a cohort",
  method: "POST",
  path: "/api/sandbox/enrolments/:id/assign",
  access: "member",
  tag,
  params: idParam,
  body: assignmentInput,
  response: enrolment,
  errors: gatedErrors,
});

export const withdrawEnrolment = operation({
  operationId: "withdrawEnrolment",
  summary: "Withdraw a volunteer from a study",
  method: "POST",
  path: "/api/sandbox/enrolments/:id/withdraw",
  access: "member",
  tag,
  params: idParam,
  body: reasonInput,
  response: enrolment,
  errors: gatedErrors,
});

export const completeEnrolment = operation({
  operationId: "completeEnrolment",
  summary: "Record that a subject completed a study",
  method: "POST",
  path: "/api/sandbox/enrolments/:id/complete",
  access: "member",
  tag,
  params: idParam,
  body: reasonInput,
  response: enrolment,
  errors: gatedErrors,
});

export const listVolunteerEnrolments = operation({
  operationId: "listVolunteerEnrolments",
  summary: "List a volunteer's enrolments",
  method: "GET",
  path: "/api/sandbox/volunteers/:id/enrolments",
  access: "member",
  tag,
  params: idParam,
  response: enrolmentList,
  errors: gatedErrors,
});
