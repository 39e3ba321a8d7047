import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, removedAt, updatedAtSetByService } from "../../../db/columns.js";
import type { EnrolmentStatus } from "./contracts/enrolments.js";
import type { EpochKind, StudyPhase, StudyStatus } from "./contracts/studies.js";
import type { RecruitmentStatus, Sex } from "./contracts/volunteers.js";

/** A study in the shared sandbox: everyone there sees it, its owning organisation maintains it. */
export const studies = pgTable("studies", {
  id: id(),
  protocolNumber: text("protocol_number").notNull().unique(),
  title: text("title").notNull(),
  sponsor: text("sponsor").notNull(),
  phase: text("phase").$type<StudyPhase>().notNull(),
  status: text("status").$type<StudyStatus>().notNull().default("design"),
  organisationId: uuid("organisation_id").notNull(),
  plannedEnrolment: integer("planned_enrolment").notNull(),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAtSetByService(),
});

/** Screening, treatment and follow-up, each a span of study days. */
export const studyEpochs = pgTable(
  "study_epochs",
  {
    id: id(),
    studyId: uuid("study_id")
      .notNull()
      .references(() => studies.id),
    kind: text("kind").$type<EpochKind>().notNull(),
    startDay: integer("start_day").notNull(),
    endDay: integer("end_day").notNull(),
    removedAt: removedAt(),
  },
  (t) => [index("study_epochs_study_idx").on(t.studyId)],
);

export const studyCohorts = pgTable(
  "study_cohorts",
  {
    id: id(),
    studyId: uuid("study_id")
      .notNull()
      .references(() => studies.id),
    name: text("name").notNull(),
    plannedSize: integer("planned_size").notNull(),
    dose: text("dose").notNull(),
    position: integer("position").notNull(),
    removedAt: removedAt(),
  },
  (t) => [index("study_cohorts_study_idx").on(t.studyId, t.position)],
);

/** The schedule: a named visit on a study day, with its allowed window either side. */
export const studyEvents = pgTable(
  "study_events",
  {
    id: id(),
    studyId: uuid("study_id")
      .notNull()
      .references(() => studies.id),
    name: text("name").notNull(),
    dayOffset: integer("day_offset").notNull(),
    windowDays: integer("window_days").notNull().default(0),
    removedAt: removedAt(),
  },
  (t) => [index("study_events_study_idx").on(t.studyId, t.dayOffset)],
);

/**
 * The sandbox audit trail: every create, change and removal of sandbox clinical data, field by
 * field, with old and new value and the reason given. Rows are never updated or deleted.
 */
export const sandboxAudit = pgTable(
  "sandbox_audit",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid("actor_id").notNull(),
    actorEmail: text("actor_email").notNull(),
    action: text("action").$type<"create" | "update" | "remove">().notNull(),
    recordType: text("record_type").notNull(),
    recordId: uuid("record_id").notNull(),
    /** The study a record belongs to, so a study's whole trail reads in one query. */
    studyId: uuid("study_id"),
    field: text("field"),
    oldValue: text("old_value"),
    newValue: text("new_value"),
    reason: text("reason"),
  },
  (t) => [
    index("sandbox_audit_record_idx").on(t.recordType, t.recordId),
    index("sandbox_audit_study_idx").on(t.studyId, t.id),
  ],
);

/**
 * The Phase 1 volunteer database of the sandbox. Every row is synthetic or obfuscated: each write
 * passes the PHI guard. BMI is derived from height and weight, never typed.
 */
export const volunteers = pgTable(
  "volunteers",
  {
    id: id(),
    displayId: text("display_id").notNull().unique(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    sex: text("sex").$type<Sex>().notNull(),
    dateOfBirth: date("date_of_birth", { mode: "string" }).notNull(),
    email: text("email"),
    phone: text("phone"),
    region: text("region").notNull(),
    heightCm: integer("height_cm").notNull(),
    weightKg: real("weight_kg").notNull(),
    bmi: real("bmi").notNull(),
    smoker: boolean("smoker").notNull().default(false),
    recruitmentStatus: text("recruitment_status").$type<RecruitmentStatus>().notNull().default("prospect"),
    medicalHistory: text("medical_history").notNull().default(""),
    organisationId: uuid("organisation_id"),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
    removedAt: removedAt(),
  },
  (t) => [
    index("volunteers_status_idx").on(t.recruitmentStatus),
    index("volunteers_bmi_idx").on(t.bmi),
    index("volunteers_dob_idx").on(t.dateOfBirth),
    // The volunteer list: filtered by status (and BMI / age), newest first (read backwards), removed
    // ones left out.
    index("volunteers_status_newest_idx")
      .on(t.recruitmentStatus, t.createdAt, t.id)
      .where(sql`${t.removedAt} is null`),
    index("volunteers_status_bmi_dob_idx")
      .on(t.recruitmentStatus, t.bmi, t.dateOfBirth)
      .where(sql`${t.removedAt} is null`),
  ],
);

/** The statuses in which a volunteer still counts as taking part in the study. */
export const openEnrolmentStatuses = [
  "screening",
  "eligible",
  "enrolled",
] as const satisfies readonly EnrolmentStatus[];

/**
 * A volunteer's way through one study: screened on a date, found eligible or not (with a reason),
 * assigned to a cohort, which gives a study-unique subject number and a dosing period, then withdrawn
 * or completed. The dosing period is what the over-volunteering check compares across studies.
 */
export const enrolments = pgTable(
  "enrolments",
  {
    id: id(),
    studyId: uuid("study_id")
      .notNull()
      .references(() => studies.id),
    volunteerId: uuid("volunteer_id")
      .notNull()
      .references(() => volunteers.id),
    status: text("status").$type<EnrolmentStatus>().notNull().default("screening"),
    screeningDate: date("screening_date", { mode: "string" }).notNull(),
    /** Why the volunteer was found ineligible, withdrawn or completed early; free text. */
    statusReason: text("status_reason"),
    cohortId: uuid("cohort_id").references(() => studyCohorts.id),
    subjectNumber: text("subject_number"),
    /** First and last dosing day as dates; set on cohort assignment. */
    dosingStart: date("dosing_start", { mode: "string" }),
    dosingEnd: date("dosing_end", { mode: "string" }),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [
    uniqueIndex("enrolments_subject_number_idx").on(t.studyId, t.subjectNumber),
    uniqueIndex("enrolments_open_once_idx")
      .on(t.studyId, t.volunteerId)
      .where(sql`${t.status} in ('screening', 'eligible', 'enrolled')`),
    index("enrolments_volunteer_idx").on(t.volunteerId),
    index("enrolments_cohort_idx").on(t.cohortId),
  ],
);
