import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { SandboxRole } from "../../../server/modules/sandbox/access/contracts/users.js";
import * as audit from "../../../server/modules/sandbox/clinical/contracts/audit.js";
import type { EnrolmentStatus } from "../../../server/modules/sandbox/clinical/contracts/enrolments.js";
import * as enrolments from "../../../server/modules/sandbox/clinical/contracts/enrolments.js";
import type {
  EpochKind,
  Study,
  StudyPhase,
  StudyStatus,
  StudySummary,
} from "../../../server/modules/sandbox/clinical/contracts/studies.js";
import * as studies from "../../../server/modules/sandbox/clinical/contracts/studies.js";
import * as volunteers from "../../../server/modules/sandbox/clinical/contracts/volunteers.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";

export type { AuditEntry } from "../../../server/modules/sandbox/clinical/contracts/audit.js";
export type {
  Enrolment,
  EnrolmentStatus,
} from "../../../server/modules/sandbox/clinical/contracts/enrolments.js";
export type {
  Cohort,
  Epoch,
  EpochKind,
  Study,
  StudyEvent,
  StudyPhase,
  StudyStatus,
  StudySummary,
} from "../../../server/modules/sandbox/clinical/contracts/studies.js";
export type { Volunteer } from "../../../server/modules/sandbox/clinical/contracts/volunteers.js";

export const studyPhaseOptions: { value: StudyPhase; label: string }[] = [
  { value: "I", label: "Phase I" },
  { value: "Ia", label: "Phase Ia" },
  { value: "Ib", label: "Phase Ib" },
  { value: "I/II", label: "Phase I/II" },
  { value: "IIa", label: "Phase IIa" },
];

export const studyStatusLabels: Record<StudyStatus, string> = {
  design: "Design",
  active: "Active",
  closed: "Closed",
};
export const studyStatusColors: Record<StudyStatus, string> = {
  design: "gray",
  active: "green",
  closed: "dark",
};
export const studyStatusOptions = Object.entries(studyStatusLabels).map(([value, label]) => ({
  value,
  label,
}));

export const epochKindLabels: Record<EpochKind, string> = {
  screening: "Screening",
  treatment: "Treatment",
  follow_up: "Follow-up",
};
export const epochKindOptions = Object.entries(epochKindLabels).map(([value, label]) => ({ value, label }));

export const enrolmentStatusLabels: Record<EnrolmentStatus, string> = {
  screening: "Screening",
  eligible: "Eligible",
  ineligible: "Ineligible",
  enrolled: "Enrolled",
  withdrawn: "Withdrawn",
  completed: "Completed",
};
export const enrolmentStatusColors: Record<EnrolmentStatus, string> = {
  screening: "blue",
  eligible: "teal",
  ineligible: "red",
  enrolled: "green",
  withdrawn: "orange",
  completed: "gray",
};

/** Who may add a study (for their own organisation); the server says per study who may change it. */
export const mayCreateStudies = (role: SandboxRole | "staff" | null) =>
  role === "staff" || role === "study_coordinator";

const enrolmentWriterRoles: readonly (SandboxRole | "staff" | null)[] = [
  "study_coordinator",
  "investigator",
  "recruiter",
];

/**
 * Who screens and enrols volunteers in a study, as the server decides it: staff, and the owning
 * organisation's study coordinators, investigators and recruiters.
 */
export const mayEnrol = (role: SandboxRole | "staff" | null, myOrganisationId: string, study: StudySummary) =>
  role === "staff" || (enrolmentWriterRoles.includes(role) && study.organisation.id === myOrganisationId);

type StudyQuery = NonNullable<Request<typeof studies.listStudies>["query"]>;
/** The list's filters as the address keeps them: every one a string, "" meaning any. */
export type StudyFilters = { [K in keyof Pick<StudyQuery, "status" | "phase" | "q">]-?: string };

export type StudyInput = Request<typeof studies.createStudy>["body"];
export type StudyChanges = NonNullable<Request<typeof studies.updateStudy>["body"]>;

export type StudyItems = "epochs" | "cohorts" | "events";
/** An epoch's, cohort's or event's fields as the design form (shared by all three) collects them. */
type ItemValues = Record<string, string | number>;

/** Which audit entries to show: one record's, or a whole study's (its design and its enrolments). */
export type AuditScope = { recordType?: string; recordId?: string; studyId?: string };

export const studyKeys = {
  all: ["sandbox", "studies"] as const,
  list: (filters: Partial<StudyFilters>) => ["sandbox", "studies", "list", filters] as const,
  study: (id: string) => ["sandbox", "studies", "one", id] as const,
  enrolments: (id: string) => ["sandbox", "studies", "one", id, "enrolments"] as const,
  audit: (scope: AuditScope) => ["sandbox", "audit", scope] as const,
  volunteerSearch: (q: string) => ["sandbox", "volunteers", "pick", q] as const,
};

/** Each kind of design item's operations. */
const itemOps = {
  epochs: { add: studies.addEpoch, update: studies.updateEpoch, remove: studies.removeEpoch },
  cohorts: { add: studies.addCohort, update: studies.updateCohort, remove: studies.removeCohort },
  events: { add: studies.addEvent, update: studies.updateEvent, remove: studies.removeEvent },
} as const;
type ItemOps = (typeof itemOps)[StudyItems];

/** The audit trail's query string, shared by the JSON list and the CSV download link. */
export function auditQuery(scope: AuditScope): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(scope)) if (value) params.set(name, value);
  return params.toString();
}

// The design form is shared by epochs, cohorts and events, so its body is checked by the server alone.
export const studiesApi = {
  create: (body: StudyInput) => callApi(studies.createStudy, { body }),
  update: (id: string, body: StudyChanges) => callApi(studies.updateStudy, { params: { id }, body }),
  addItem: (studyId: string, items: StudyItems, values: ItemValues) =>
    callApi(itemOps[items].add, {
      params: { id: studyId },
      body: values as Request<ItemOps["add"]>["body"],
    }),
  changeItem: (studyId: string, items: StudyItems, itemId: string, values: ItemValues) =>
    callApi(itemOps[items].update, {
      params: { id: studyId, itemId },
      body: values as Request<ItemOps["update"]>["body"],
    }),
  removeItem: (studyId: string, items: StudyItems, itemId: string, reason?: string) =>
    callApi(itemOps[items].remove, { params: { id: studyId, itemId }, query: { reason } }),
  screen: (studyId: string, body: Request<typeof enrolments.screenVolunteer>["body"]) =>
    callApi(enrolments.screenVolunteer, { params: { id: studyId }, body }),
  decideEligibility: (id: string, body: Request<typeof enrolments.decideEligibility>["body"]) =>
    callApi(enrolments.decideEligibility, { params: { id }, body }),
  assign: (id: string, body: Request<typeof enrolments.assignCohort>["body"]) =>
    callApi(enrolments.assignCohort, { params: { id }, body }),
  withdraw: (id: string, body: Request<typeof enrolments.withdrawEnrolment>["body"]) =>
    callApi(enrolments.withdrawEnrolment, { params: { id }, body }),
  complete: (id: string, body: Request<typeof enrolments.completeEnrolment>["body"]) =>
    callApi(enrolments.completeEnrolment, { params: { id }, body }),
};

/** Keeps every view of a study in step after a change: the study, the lists and the audit trails. */
export function useStudySaved() {
  const queryClient = useQueryClient();
  return (saved: Study) => {
    queryClient.setQueryData(studyKeys.study(saved.id), saved);
    void queryClient.invalidateQueries({ queryKey: studyKeys.all });
    void queryClient.invalidateQueries({ queryKey: ["sandbox", "audit"] });
  };
}

export const useStudies = (filters: Partial<StudyFilters>) =>
  useQuery({
    queryKey: studyKeys.list(filters),
    // "" means any: callApi leaves empty filters out of the query.
    queryFn: () => callApi(studies.listStudies, { query: filters as StudyQuery }),
    select: (data) => data.studies,
    placeholderData: (previous) => previous,
  });

export const useStudy = (id: string) =>
  useQuery({ queryKey: studyKeys.study(id), queryFn: () => callApi(studies.getStudy, { params: { id } }) });

export const useEnrolments = (studyId: string) =>
  useQuery({
    queryKey: studyKeys.enrolments(studyId),
    queryFn: () => callApi(enrolments.listStudyEnrolments, { params: { id: studyId } }),
    select: (data) => data.enrolments,
  });

export const useAuditTrail = (scope: AuditScope) =>
  useQuery({
    queryKey: studyKeys.audit(scope),
    queryFn: () => callApi(audit.listSandboxAudit, { query: scope }),
    select: (data) => data.entries,
  });

/** Volunteers matching what was typed, by display id or name, for the screening picker. */
export const useVolunteerSearch = (q: string) =>
  useQuery({
    queryKey: studyKeys.volunteerSearch(q),
    queryFn: () => callApi(volunteers.listVolunteers, { query: { q, limit: 20 } }),
    select: (data) => data.volunteers,
    placeholderData: (previous) => previous,
  });
