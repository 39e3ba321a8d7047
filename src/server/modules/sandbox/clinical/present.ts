import { ageOn } from "../shared/volunteer-measures.js";
import type { Enrolment as EnrolmentView } from "./contracts/enrolments.js";
import type {
  Cohort as CohortView,
  Epoch as EpochView,
  StudyEvent as EventView,
  StudySummary as StudySummaryView,
} from "./contracts/studies.js";
import type { VolunteerDisplay, Volunteer as VolunteerView } from "./contracts/volunteers.js";
import { displayShowsNames } from "./policy.js";
import type { enrolments, studies, studyCohorts, studyEpochs, studyEvents, volunteers } from "./schema.js";

export type StudyRow = typeof studies.$inferSelect;
export type EpochRow = typeof studyEpochs.$inferSelect;
export type CohortRow = typeof studyCohorts.$inferSelect;
export type EventRow = typeof studyEvents.$inferSelect;

export function presentStudySummary(
  row: StudyRow,
  organisation: { id: string; name: string },
  counts: { cohortCount: number; eventCount: number },
): StudySummaryView {
  return {
    id: row.id,
    protocolNumber: row.protocolNumber,
    title: row.title,
    sponsor: row.sponsor,
    phase: row.phase,
    status: row.status,
    organisation,
    plannedEnrolment: row.plannedEnrolment,
    cohortCount: counts.cohortCount,
    eventCount: counts.eventCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const presentEpoch = (row: EpochRow): EpochView => ({
  id: row.id,
  kind: row.kind,
  startDay: row.startDay,
  endDay: row.endDay,
});
export const presentCohort = (row: CohortRow): CohortView => ({
  id: row.id,
  name: row.name,
  plannedSize: row.plannedSize,
  dose: row.dose,
  position: row.position,
});
export const presentEvent = (row: EventRow): EventView => ({
  id: row.id,
  name: row.name,
  dayOffset: row.dayOffset,
  windowDays: row.windowDays,
});

export type VolunteerRow = typeof volunteers.$inferSelect;

/** Ten-year bands from 18, so an id-only view still says roughly how old. */
export function ageBand(age: number): string {
  if (age < 25) return "18-24";
  if (age >= 75) return "75+";
  const low = Math.floor((age - 25) / 10) * 10 + 25;
  return `${low}-${low + 9}`;
}

export function presentVolunteer(row: VolunteerRow, display: VolunteerDisplay, today: string): VolunteerView {
  const age = ageOn(row.dateOfBirth, today);
  const base: VolunteerView = {
    id: row.id,
    displayId: row.displayId,
    display,
    sex: row.sex,
    ageBand: ageBand(age),
    recruitmentStatus: row.recruitmentStatus,
  };
  if (!displayShowsNames(display)) return base;
  return {
    ...base,
    firstName: row.firstName,
    lastName: row.lastName,
    ...(display === "full" ? { dateOfBirth: row.dateOfBirth } : {}),
    yearOfBirth: Number(row.dateOfBirth.slice(0, 4)),
    age,
    email: row.email,
    phone: row.phone,
    region: row.region,
    heightCm: row.heightCm,
    weightKg: row.weightKg,
    bmi: row.bmi,
    smoker: row.smoker,
    medicalHistory: row.medicalHistory,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type EnrolmentRow = typeof enrolments.$inferSelect;

export function presentEnrolment(
  row: EnrolmentRow,
  names: {
    protocolNumber: string;
    studyTitle: string;
    volunteerDisplayId: string;
    cohortName: string | null;
  },
): EnrolmentView {
  return {
    id: row.id,
    studyId: row.studyId,
    protocolNumber: names.protocolNumber,
    studyTitle: names.studyTitle,
    volunteerId: row.volunteerId,
    volunteerDisplayId: names.volunteerDisplayId,
    status: row.status,
    screeningDate: row.screeningDate,
    statusReason: row.statusReason,
    cohortId: row.cohortId,
    cohortName: names.cohortName,
    subjectNumber: row.subjectNumber,
    dosingStart: row.dosingStart,
    dosingEnd: row.dosingEnd,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type { AuditEntry as SandboxAuditView } from "./contracts/audit.js";
export type { Enrolment as EnrolmentView } from "./contracts/enrolments.js";
export type {
  Cohort as CohortView,
  Epoch as EpochView,
  Study as StudyView,
  StudyEvent as EventView,
  StudySummary as StudySummaryView,
} from "./contracts/studies.js";
export type { ExportedStudy, StudyExport, StudyImportResult } from "./contracts/transfer.js";
export { STUDY_EXPORT_FORMAT } from "./contracts/transfer.js";
export type { Volunteer as VolunteerView } from "./contracts/volunteers.js";
