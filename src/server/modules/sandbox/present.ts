import { renderMarkdown } from "../../platform/markdown.js";
import type { VolunteerDisplay } from "./policy.js";
import type {
  AgreementStatus,
  EpochKind,
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
  volunteers,
} from "./schema.js";
import { ageOn } from "./synthetic.js";

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
