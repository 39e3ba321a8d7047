import { renderMarkdown } from "../../platform/markdown.js";
import type { ReleaseRef } from "../releases/index.js";
import type {
  AgreementVersion as AgreementVersionView,
  Agreement as AgreementView,
} from "./access/contracts/agreement.js";
import type { Enrolment as EnrolmentView } from "./clinical/contracts/enrolments.js";
import type {
  Cohort as CohortView,
  Epoch as EpochView,
  StudyEvent as EventView,
  StudySummary as StudySummaryView,
} from "./clinical/contracts/studies.js";
import type { Volunteer as VolunteerView } from "./clinical/contracts/volunteers.js";
import type { VolunteerImport as VolunteerImportView } from "./data/contracts/imports.js";
import { ageOn } from "./data/index.js";
import type { Deployment as DeploymentView } from "./operations/contracts/deployments.js";
import type { Flag as FlagView } from "./operations/contracts/flags.js";
import type { Wipe as WipeView } from "./operations/contracts/wipes.js";
import type { sandboxDeployments, sandboxFlags, sandboxWipes } from "./operations/schema.js";
import type { VolunteerDisplay } from "./policy.js";
import type {
  enrolments,
  sandboxAgreements,
  studies,
  studyCohorts,
  studyEpochs,
  studyEvents,
  volunteerImports,
  volunteers,
} from "./schema.js";

export type AgreementRow = typeof sandboxAgreements.$inferSelect;

export function presentAgreement(row: AgreementRow, acceptedAt: Date | null): AgreementView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    acceptedAt: acceptedAt?.toISOString() ?? null,
  };
}

export function presentAgreementVersion(
  row: AgreementRow,
  currentId: string | null,
  acceptanceCount: number,
): AgreementVersionView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    status: row.status,
    current: row.id === currentId,
    createdAt: row.createdAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    acceptanceCount,
  };
}

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
  if (display === "id") return base;
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

// --- operations: feature flags, deployments, settings and the environment status ---

export type FlagRow = typeof sandboxFlags.$inferSelect;
export type DeploymentRow = typeof sandboxDeployments.$inferSelect;

export const presentFlag = (row: FlagRow, release: ReleaseRef | null): FlagView => ({
  key: row.key,
  name: row.name,
  description: row.description,
  state: row.state,
  release,
  updatedAt: row.updatedAt.toISOString(),
});

export const presentDeployment = (
  row: DeploymentRow,
  recordedBy: { id: string; name: string } | null,
): DeploymentView => ({
  id: row.id,
  buildId: row.buildId,
  version: row.version,
  deployedAt: row.deployedAt.toISOString(),
  notes: row.notes,
  notesHtml: renderMarkdown(row.notes),
  flagChanges: row.flagChanges,
  unreleased: row.unreleased,
  recordedBy,
  recordedAt: row.recordedAt.toISOString(),
});

export type VolunteerImportRow = typeof volunteerImports.$inferSelect;

export const presentVolunteerImport = (
  row: VolunteerImportRow,
  createdBy: { id: string; name: string },
): VolunteerImportView => ({
  id: row.id,
  filename: row.filename,
  status: row.status,
  skipInvalid: row.skipInvalid,
  rowsRead: row.rowsRead,
  imported: row.imported,
  refused: row.refused,
  report: row.report,
  createdBy,
  startedAt: row.startedAt.toISOString(),
  finishedAt: row.finishedAt.toISOString(),
});

export type WipeRow = typeof sandboxWipes.$inferSelect;

export const presentWipe = (row: WipeRow, people: Map<string, { id: string; name: string }>): WipeView => ({
  id: row.id,
  scheduledFor: row.scheduledFor.toISOString(),
  message: row.message,
  status: row.status,
  immediate: row.immediate,
  scheduledBy: people.get(row.scheduledBy) ?? null,
  createdAt: row.createdAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  cancelledBy: row.cancelledBy ? (people.get(row.cancelledBy) ?? null) : null,
  error: row.error,
});

export type {
  Acceptance as AcceptanceView,
  Agreement as AgreementView,
  AgreementVersion as AgreementVersionView,
} from "./access/contracts/agreement.js";
export type { PersonOption, SandboxUser as SandboxUserView } from "./access/contracts/users.js";
export type { AuditEntry as SandboxAuditView } from "./clinical/contracts/audit.js";
export type { Enrolment as EnrolmentView } from "./clinical/contracts/enrolments.js";
export type {
  Cohort as CohortView,
  Epoch as EpochView,
  Study as StudyView,
  StudyEvent as EventView,
  StudySummary as StudySummaryView,
} from "./clinical/contracts/studies.js";
export type { ExportedStudy, StudyExport, StudyImportResult } from "./clinical/contracts/transfer.js";
export { STUDY_EXPORT_FORMAT } from "./clinical/contracts/transfer.js";
export type { Volunteer as VolunteerView } from "./clinical/contracts/volunteers.js";
export type { ImportReportEntry, VolunteerImport as VolunteerImportView } from "./data/contracts/imports.js";
export type { Deployment as DeploymentView } from "./operations/contracts/deployments.js";
export type { Environment as EnvironmentView } from "./operations/contracts/environment.js";
export type { Flag as FlagView } from "./operations/contracts/flags.js";
export type { SandboxSettings as SandboxSettingsView } from "./operations/contracts/settings.js";
export type { Wipe as WipeView } from "./operations/contracts/wipes.js";
