import { useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  CohortView,
  EnrolmentView,
  EpochView,
  EventView,
  SandboxAuditView,
  StudySummaryView,
  StudyView,
  VolunteerView,
} from "../../../server/modules/sandbox/present.js";
import type {
  EnrolmentStatus,
  EpochKind,
  SandboxRole,
  StudyPhase,
  StudyStatus,
} from "../../../server/modules/sandbox/schema.js";
import { api } from "../../app/api.js";

export type { EnrolmentStatus, EpochKind, StudyPhase, StudyStatus };
export type StudySummary = StudySummaryView;
export type Study = StudyView;
export type Epoch = EpochView;
export type Cohort = CohortView;
export type StudyEvent = EventView;
export type AuditEntry = SandboxAuditView;
export type Volunteer = VolunteerView;

export type Enrolment = EnrolmentView;

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

/** Every filter is a string; "" means any. */
export type StudyFilters = { status: string; phase: string; q: string };

export type StudyInput = {
  protocolNumber: string;
  title: string;
  sponsor: string;
  phase: StudyPhase;
  plannedEnrolment: number;
};
export type StudyChanges = Partial<StudyInput> & { status?: StudyStatus; reason?: string };

export type StudyItems = "epochs" | "cohorts" | "events";
/** An epoch's, cohort's or event's fields (the design form is shared by all three), plus a reason. */
type ItemBody = Record<string, string | number>;

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

const path = (id: string) => encodeURIComponent(id);
const studyPath = (id: string, rest = "") => `/api/sandbox/studies/${path(id)}${rest}`;
const enrolmentPath = (id: string, action: string) => `/api/sandbox/enrolments/${path(id)}/${action}`;

/** The audit trail's query string, shared by the JSON list and the CSV download link. */
export function auditQuery(scope: AuditScope): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(scope)) if (value) params.set(name, value);
  return params.toString();
}

export const studiesApi = {
  create: (body: StudyInput) => api.post<Study>("/api/sandbox/studies", body),
  update: (id: string, body: StudyChanges) => api.patch<Study>(studyPath(id), body),
  addItem: (studyId: string, items: StudyItems, body: ItemBody) =>
    api.post<Study>(studyPath(studyId, `/${items}`), body),
  changeItem: (studyId: string, items: StudyItems, itemId: string, body: ItemBody) =>
    api.patch<Study>(studyPath(studyId, `/${items}/${path(itemId)}`), body),
  removeItem: (studyId: string, items: StudyItems, itemId: string, reason?: string) => {
    const query = reason ? `?${new URLSearchParams({ reason })}` : "";
    return api.delete<Study>(studyPath(studyId, `/${items}/${path(itemId)}${query}`));
  },
  screen: (studyId: string, body: { volunteerId: string; screeningDate: string }) =>
    api.post<Enrolment>(studyPath(studyId, "/enrolments"), body),
  decideEligibility: (id: string, body: { eligible: boolean; reason?: string }) =>
    api.post<Enrolment>(enrolmentPath(id, "eligibility"), body),
  assign: (id: string, body: { cohortId: string; dosingStart: string }) =>
    api.post<Enrolment>(enrolmentPath(id, "assign"), body),
  withdraw: (id: string, body: { reason: string }) =>
    api.post<Enrolment>(enrolmentPath(id, "withdraw"), body),
  complete: (id: string, body: { reason: string }) =>
    api.post<Enrolment>(enrolmentPath(id, "complete"), body),
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
    queryFn: () => api.get<{ studies: StudySummary[] }>("/api/sandbox/studies", filters),
    select: (data) => data.studies,
    placeholderData: (previous) => previous,
  });

export const useStudy = (id: string) =>
  useQuery({ queryKey: studyKeys.study(id), queryFn: () => api.get<Study>(studyPath(id)) });

export const useEnrolments = (studyId: string) =>
  useQuery({
    queryKey: studyKeys.enrolments(studyId),
    queryFn: () => api.get<{ enrolments: Enrolment[] }>(studyPath(studyId, "/enrolments")),
    select: (data) => data.enrolments,
  });

export const useAuditTrail = (scope: AuditScope) =>
  useQuery({
    queryKey: studyKeys.audit(scope),
    queryFn: () => api.get<{ entries: AuditEntry[] }>(`/api/sandbox/audit?${auditQuery(scope)}`),
    select: (data) => data.entries,
  });

/** Volunteers matching what was typed, by display id or name, for the screening picker. */
export const useVolunteerSearch = (q: string) =>
  useQuery({
    queryKey: studyKeys.volunteerSearch(q),
    queryFn: () =>
      api.get<{ volunteers: Volunteer[]; total: number }>("/api/sandbox/volunteers", { q, limit: 20 }),
    select: (data) => data.volunteers,
    placeholderData: (previous) => previous,
  });
