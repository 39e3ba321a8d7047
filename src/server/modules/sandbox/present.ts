import { renderMarkdown } from "../../platform/markdown.js";
import type { ReleaseRef } from "../releases/index.js";
import { ageOn } from "./data/index.js";
import type {
  FlagChange,
  FlagState,
  sandboxDeployments,
  sandboxFlags,
  sandboxWipes,
  WipeStatus,
} from "./operations/schema.js";
import type { VolunteerDisplay } from "./policy.js";
import type {
  AgreementStatus,
  EnrolmentStatus,
  EpochKind,
  enrolments,
  ImportStatus,
  RecruitmentStatus,
  SandboxRole,
  Sex,
  StudyPhase,
  StudyStatus,
  sandboxAgreements,
  studies,
  studyCohorts,
  studyEpochs,
  studyEvents,
  volunteerImports,
  volunteers,
} from "./schema.js";

export type AgreementRow = typeof sandboxAgreements.$inferSelect;

/** The agreement as a reader sees it: the text, rendered by the server, and when they accepted it. */
export type AgreementView = {
  id: string;
  version: number;
  title: string;
  body: string;
  bodyHtml: string;
  publishedAt: string | null;
  acceptedAt: string | null;
};

/** The agreement as staff edit it. */
export type AgreementVersionView = {
  id: string;
  version: number;
  title: string;
  body: string;
  bodyHtml: string;
  status: AgreementStatus;
  current: boolean;
  createdAt: string;
  publishedAt: string | null;
  acceptanceCount: number;
};

export type AcceptanceView = {
  person: { id: string; name: string; email: string };
  organisation: { id: string; name: string } | null;
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
};

export type SandboxUserView = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
  role: SandboxRole;
  addedAt: string;
};

export type PersonOption = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
};

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

/** A study in lists: its own fields, the owning organisation and how far its design has come. */
export type StudySummaryView = {
  id: string;
  protocolNumber: string;
  title: string;
  sponsor: string;
  phase: StudyPhase;
  status: StudyStatus;
  organisation: { id: string; name: string };
  plannedEnrolment: number;
  cohortCount: number;
  eventCount: number;
  createdAt: string;
  updatedAt: string;
};

export type EpochView = { id: string; kind: EpochKind; startDay: number; endDay: number };
export type CohortView = { id: string; name: string; plannedSize: number; dose: string; position: number };
export type EventView = { id: string; name: string; dayOffset: number; windowDays: number };

/** One study with its design (removed epochs, cohorts and events left out) and whether the caller may change it. */
export type StudyView = StudySummaryView & {
  canEdit: boolean;
  epochs: EpochView[];
  cohorts: CohortView[];
  events: EventView[];
};

export type SandboxAuditView = {
  id: number;
  at: string;
  actor: { id: string; email: string };
  action: "create" | "update" | "remove";
  recordType: string;
  recordId: string;
  studyId: string | null;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
};

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

/**
 * A volunteer as the privacy setting allows: `id` only the display id, sex, age band and status;
 * `year` everything but the date of birth, of which only the year; `full` everything.
 */
export type VolunteerView = {
  id: string;
  displayId: string;
  display: VolunteerDisplay;
  sex: Sex;
  ageBand: string;
  recruitmentStatus: RecruitmentStatus;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  yearOfBirth?: number;
  age?: number;
  email?: string | null;
  phone?: string | null;
  region?: string;
  heightCm?: number;
  weightKg?: number;
  bmi?: number;
  smoker?: boolean;
  medicalHistory?: string;
  createdAt?: string;
  updatedAt?: string;
};

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

/**
 * A volunteer's enrolment in one study, with the names a list shows (protocol number, study title,
 * the volunteer's display id, the cohort's name) so no second request is needed; dates are YYYY-MM-DD.
 */
export type EnrolmentView = {
  id: string;
  studyId: string;
  protocolNumber: string;
  studyTitle: string;
  volunteerId: string;
  volunteerDisplayId: string;
  status: EnrolmentStatus;
  screeningDate: string;
  statusReason: string | null;
  cohortId: string | null;
  cohortName: string | null;
  subjectNumber: string | null;
  dosingStart: string | null;
  dosingEnd: string | null;
  createdAt: string;
  updatedAt: string;
};

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

/** A feature flag as every sandbox user sees it, with the release that makes it generally available. */
export type FlagView = {
  key: string;
  name: string;
  description: string;
  state: FlagState;
  release: ReleaseRef | null;
  updatedAt: string;
};

export const presentFlag = (row: FlagRow, release: ReleaseRef | null): FlagView => ({
  key: row.key,
  name: row.name,
  description: row.description,
  state: row.state,
  release,
  updatedAt: row.updatedAt.toISOString(),
});

/** A build deployed to the sandbox; the notes are rendered by the server's one sanitizer. */
export type DeploymentView = {
  id: string;
  buildId: string;
  version: string;
  deployedAt: string;
  notes: string;
  notesHtml: string;
  flagChanges: FlagChange[];
  unreleased: boolean;
  recordedBy: { id: string; name: string } | null;
  recordedAt: string;
};

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

/** Where notices go (`noticeChannelId` null: #announcements, named in `noticeChannel`) and the wipe notice. */
export type SandboxSettingsView = {
  noticeChannelId: string | null;
  noticeChannel: { id: string; name: string };
  wipeNoticeHours: number;
  updatedAt: string | null;
};

/** The banner and status page: what runs, what is in preview, the wipes, and how much is there. */
export type EnvironmentView = {
  build: { buildId: string; version: string; deployedAt: string; unreleased: boolean } | null;
  flagsInPreview: { key: string; name: string }[];
  nextWipe: { id: string; scheduledFor: string; message: string } | null;
  lastWipe: { finishedAt: string; status: "completed" | "failed" } | null;
  /** While a wipe runs: its progress (step, done, total) on the node running it, null elsewhere. */
  wipe: { status: "running"; step: string | null; done: number | null; total: number | null } | null;
  /** Studies and volunteers are null while a wipe runs: their tables are locked until it ends. */
  counts: { studies: number | null; volunteers: number | null; users: number };
};

export type VolunteerImportRow = typeof volunteerImports.$inferSelect;
export type ImportReportEntry = { line: number; field: string | null; reason: string };

/** One CSV import and its report: refused rows by line and field, never their values. */
export type VolunteerImportView = {
  id: string;
  filename: string;
  status: ImportStatus;
  skipInvalid: boolean;
  rowsRead: number;
  imported: number;
  refused: number;
  report: ImportReportEntry[];
  createdBy: { id: string; name: string };
  startedAt: string;
  finishedAt: string;
};

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

/** A wipe as staff see it in the history and the countdown banner. */
export type WipeView = {
  id: string;
  scheduledFor: string;
  message: string;
  status: WipeStatus;
  immediate: boolean;
  scheduledBy: { id: string; name: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledBy: { id: string; name: string } | null;
  error: string | null;
};

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

export const STUDY_EXPORT_FORMAT = "convene-studies/1";

/** One study's design in an export: what a customer re-imports after a wipe (no subjects, no ids). */
export type ExportedStudy = {
  protocolNumber: string;
  title: string;
  sponsor: string;
  phase: StudyPhase;
  plannedEnrolment: number;
  epochs: { kind: EpochKind; startDay: number; endDay: number }[];
  cohorts: { name: string; plannedSize: number; dose: string }[];
  events: { name: string; dayOffset: number; windowDays: number }[];
};

export type StudyExport = {
  format: typeof STUDY_EXPORT_FORMAT;
  exportedAt: string;
  organisation: { id: string; name: string };
  studies: ExportedStudy[];
};

export type StudyImportResult = {
  imported: { id: string; protocolNumber: string }[];
  skipped: string[];
};
