import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { idParam } from "../../../../../shared/fields.js";
import { gatedErrors } from "../../access/contracts/gate.js";
import { reasonField, removalQuery, text } from "./studies.js";

export const recruitmentStatuses = [
  "prospect",
  "screening",
  "eligible",
  "enrolled",
  "ineligible",
  "withdrawn",
] as const;
export type RecruitmentStatus = (typeof recruitmentStatuses)[number];
export const sexes = ["female", "male"] as const;
export type Sex = (typeof sexes)[number];
/** How much of a volunteer a reader sees: everything, the year of birth only, or the display id only. */
export const volunteerDisplays = ["full", "year", "id"] as const;
export type VolunteerDisplay = (typeof volunteerDisplays)[number];

/**
 * The statuses a person sets by hand. `enrolled` is not one: only an enrolment assigned to a cohort
 * makes a volunteer enrolled, so the status always has an enrolment behind it.
 */
export const settableRecruitmentStatuses = recruitmentStatuses.filter(
  (status): status is Exclude<RecruitmentStatus, "enrolled"> => status !== "enrolled",
);
export type SettableRecruitmentStatus = (typeof settableRecruitmentStatuses)[number];
export const ENROLLED_ONLY_BY_ENROLMENT =
  "A volunteer becomes enrolled by being assigned to a study cohort (Studies → Subjects).";
export const MAX_VOLUNTEER_PAGE = 200;
export const MAX_REGION_LENGTH = 120;
export const MAX_MEDICAL_HISTORY_LENGTH = 5000;

const tag = "sandbox";

// --- input (ranges and dates are checked by the service, after the PHI guard, naming the field) ---

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
const nullableText = (maxLength: number) =>
  z.string().trim().max(maxLength, `Use at most ${maxLength} characters.`).nullable().optional();
/** The volunteer form's labels, which refusals use too, so they name a field as people see it. */
export const volunteerFieldLabels = {
  displayId: "Volunteer ID",
  firstName: "First name",
  lastName: "Last name",
  sex: "Sex",
  dateOfBirth: "Date of birth",
  email: "E-mail",
  phone: "Phone",
  region: "Region",
  heightCm: "Height (cm)",
  weightKg: "Weight (kg)",
  smoker: "Smoker",
  recruitmentStatus: "Recruitment status",
  medicalHistory: "Medical history notes",
} as const;

const volunteerFields = {
  firstName: text("a first name", 100),
  lastName: text("a last name", 100),
  sex: sexField,
  dateOfBirth: dateOfBirthField,
  email: nullableText(200),
  phone: nullableText(50),
  region: text("a region", MAX_REGION_LENGTH),
  heightCm: heightField,
  weightKg: weightField,
  smoker: z.boolean({ error: "Say yes or no." }).optional(),
  recruitmentStatus: settableStatusField.optional(),
  medicalHistory: z
    .string()
    .trim()
    .max(
      MAX_MEDICAL_HISTORY_LENGTH,
      `Use at most ${MAX_MEDICAL_HISTORY_LENGTH.toLocaleString("en")} characters.`,
    )
    .optional(),
};
export const volunteerInput = z.object({
  displayId: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^V\d{6}$/, "Use V and six digits, or leave it empty to have one generated.")
    .optional(),
  ...volunteerFields,
});
export const volunteerChanges = z
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
/** What the web sends to add and to change a volunteer. */
export type VolunteerBody = z.input<typeof volunteerInput>;
export type VolunteerChangesBody = z.input<typeof volunteerChanges>;
/** What the service takes, from the API or the CSV import (which builds it from a row). */
export type VolunteerInput = z.output<typeof volunteerInput>;
export type VolunteerChanges = Omit<z.output<typeof volunteerChanges>, "reason">;
const displayField = z.enum(volunteerDisplays, { error: "Choose a display: full, year or id." }).optional();
const displayQuery = z.object({ display: displayField });
const measure = (message: string) => z.coerce.number({ error: message }).min(0, message).max(1000, message);
export const volunteerFilters = z.object({
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
/** The list's filters; the display is an option of the read, not a filter. */
export type VolunteerFilters = Omit<z.output<typeof volunteerFilters>, "display">;

// --- output ---

/**
 * A volunteer as the privacy setting allows: `id` only the display id, sex, age band and status;
 * `year` everything but the date of birth, of which only the year; `full` everything.
 */
export const volunteer = z.object({
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
export type Volunteer = z.infer<typeof volunteer>;
export const volunteerPage = z.object({
  volunteers: z.array(volunteer),
  total: z.number(),
  nextCursor: z.string().nullable(),
});
export type VolunteerPage = z.infer<typeof volunteerPage>;

// --- operations ---

export const listVolunteers = operation({
  operationId: "listVolunteers",
  summary: "Search the volunteer database",
  method: "GET",
  path: "/api/sandbox/volunteers",
  access: "member",
  tag,
  query: volunteerFilters,
  response: volunteerPage,
  errors: gatedErrors,
});

export const createVolunteer = operation({
  operationId: "createVolunteer",
  summary: "Add a volunteer",
  method: "POST",
  path: "/api/sandbox/volunteers",
  access: "member",
  tag,
  query: displayQuery,
  body: volunteerInput,
  response: volunteer,
  status: 201,
  errors: gatedErrors,
});

export const getVolunteer = operation({
  operationId: "getVolunteer",
  summary: "Read a volunteer",
  method: "GET",
  path: "/api/sandbox/volunteers/:id",
  access: "member",
  tag,
  params: idParam,
  query: displayQuery,
  response: volunteer,
  errors: gatedErrors,
});

export const updateVolunteer = operation({
  operationId: "updateVolunteer",
  summary: "Change a volunteer",
  method: "PATCH",
  path: "/api/sandbox/volunteers/:id",
  access: "member",
  tag,
  params: idParam,
  query: displayQuery,
  body: volunteerChanges,
  response: volunteer,
  errors: gatedErrors,
});

export const removeVolunteer = operation({
  operationId: "removeVolunteer",
  summary: "Remove a volunteer",
  method: "DELETE",
  path: "/api/sandbox/volunteers/:id",
  access: "member",
  tag,
  params: idParam,
  query: removalQuery,
  errors: gatedErrors,
});
