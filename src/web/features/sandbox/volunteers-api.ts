import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as enrolments from "../../../server/modules/sandbox/clinical/contracts/enrolments.js";
import type {
  RecruitmentStatus,
  Sex,
  VolunteerBody,
  VolunteerChangesBody,
  VolunteerDisplay,
} from "../../../server/modules/sandbox/clinical/contracts/volunteers.js";
import * as volunteers from "../../../server/modules/sandbox/clinical/contracts/volunteers.js";
import type { ImportLine, VolunteerImport } from "../../../server/modules/sandbox/data/contracts/imports.js";
import * as imports from "../../../server/modules/sandbox/data/contracts/imports.js";
import type { Request } from "../../../shared/contract.js";
import { ApiError, callApi } from "../../app/api.js";
import type { SandboxStatus } from "./api.js";

export {
  type RecruitmentStatus,
  type Sex,
  type Volunteer,
  type VolunteerDisplay,
  volunteerFieldLabels,
} from "../../../server/modules/sandbox/clinical/contracts/volunteers.js";
export type {
  ImportReportEntry as ImportProblem,
  VolunteerImport,
} from "../../../server/modules/sandbox/data/contracts/imports.js";

export type ImportProgress = { phase: "checking" | "writing"; done: number; total: number };

export const recruitmentStatusLabels: Record<RecruitmentStatus, string> = {
  prospect: "Prospect",
  screening: "Screening",
  eligible: "Eligible",
  enrolled: "Enrolled",
  ineligible: "Ineligible",
  withdrawn: "Withdrawn",
};
export const recruitmentStatusColors: Record<RecruitmentStatus, string> = {
  prospect: "gray",
  screening: "blue",
  eligible: "teal",
  enrolled: "green",
  ineligible: "orange",
  withdrawn: "red",
};
export const sexLabels: Record<Sex, string> = { female: "Female", male: "Male" };
export const displayLabels: Record<VolunteerDisplay, string> = {
  full: "Full date of birth",
  year: "Year of birth only",
  id: "Display id only",
};
const optionsOf = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as [K, string][]).map(([value, label]) => ({ value, label }));
export const recruitmentStatusOptions = optionsOf(recruitmentStatusLabels);
/** The statuses set by hand: `enrolled` comes only from assigning a study cohort (Studies → Subjects). */
export const settableStatusOptions = recruitmentStatusOptions.filter((option) => option.value !== "enrolled");
export const sexOptions = optionsOf(sexLabels);
export const displayOptions = optionsOf(displayLabels);

/** Mirrors the server's rule (sandbox/clinical/policy.ts `canWriteVolunteers`) to decide which buttons to show. */
export const canWriteVolunteers = (role: SandboxStatus["role"]) =>
  role === "staff" || role === "study_coordinator" || role === "recruiter";

type VolunteerQuery = NonNullable<Request<typeof volunteers.listVolunteers>["query"]>;
/** The list's filters as the address holds them: text, empty when not set; paging is the list's own. */
export type VolunteerFilters = {
  [K in Exclude<keyof VolunteerQuery, "limit" | "offset" | "cursor">]-?: string;
};

export type VolunteerInput = VolunteerBody;
export type VolunteerChanges = VolunteerChangesBody;

export const volunteerKeys = {
  all: ["sandbox", "volunteers"] as const,
  list: (filters: VolunteerFilters, cursor: string | null) =>
    ["sandbox", "volunteers", "list", filters, cursor] as const,
  one: (id: string, display: string) => ["sandbox", "volunteers", id, display] as const,
  enrolments: (id: string) => ["sandbox", "volunteers", id, "enrolments"] as const,
  imports: ["sandbox", "imports"] as const,
};

export const VOLUNTEER_PAGE_SIZE = 50;

export const volunteersApi = {
  create: (input: VolunteerInput) =>
    callApi(volunteers.createVolunteer, { query: { display: "full" }, body: input }),
  update: (id: string, changes: VolunteerChanges) =>
    callApi(volunteers.updateVolunteer, { params: { id }, query: { display: "full" }, body: changes }),
  remove: (id: string, reason: string) =>
    callApi(volunteers.removeVolunteer, { params: { id }, query: { reason } }),
};

export const useVolunteers = (filters: VolunteerFilters, cursor: string | null) =>
  useQuery({
    queryKey: volunteerKeys.list(filters, cursor),
    // "" means any: callApi leaves empty filters out of the query.
    queryFn: () =>
      callApi(volunteers.listVolunteers, {
        query: { ...filters, cursor: cursor ?? undefined, limit: VOLUNTEER_PAGE_SIZE } as VolunteerQuery,
      }),
    // The table keeps the previous page while the next loads, so paging does not flash a loader.
    placeholderData: keepPreviousData,
  });

/** One volunteer; without a display, the reader's default (the server's choice). */
export const useVolunteer = (id: string, display: VolunteerDisplay | undefined, enabled = true) =>
  useQuery({
    queryKey: volunteerKeys.one(id, display ?? "default"),
    queryFn: () => callApi(volunteers.getVolunteer, { params: { id }, query: { display } }),
    enabled,
  });

export const useVolunteerEnrolments = (id: string) =>
  useQuery({
    queryKey: volunteerKeys.enrolments(id),
    queryFn: () => callApi(enrolments.listVolunteerEnrolments, { params: { id } }),
    select: (data) => data.enrolments,
  });

export const useImports = () =>
  useQuery({
    queryKey: volunteerKeys.imports,
    queryFn: () => callApi(imports.listVolunteerImports, {}),
    select: (data) => data.imports,
  });

/**
 * Uploads a CSV and follows the import on its own response: NDJSON lines of progress, then the
 * report. Refusals before the import starts (no file, unknown column) arrive as an `ApiError`.
 */
export async function runImport(
  file: File,
  skipInvalid: boolean,
  onProgress: (progress: ImportProgress) => void,
): Promise<VolunteerImport> {
  const form = new FormData();
  // Fields before the file, so the server knows the option before it reads the upload.
  if (skipInvalid) form.append("skipInvalid", "true");
  form.append("file", file);
  const response = await callApi(imports.importVolunteers, { form });
  if (!response.body) throw new ApiError(0, "stream", "The browser could not read the import's progress.");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) pending += value;
    // Every complete line is one message; the rest waits for the next chunk.
    const lines = pending.split("\n");
    pending = done ? "" : (lines.pop() ?? "");
    for (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line) as ImportLine;
      if (message.type === "progress") onProgress(message);
      else if (message.type === "report") return message.import;
      // The run broke off after the answer had started, so the failure comes as a line, not a status.
      else if (message.type === "error") throw new ApiError(500, message.error.code, message.error.message);
    }
    if (done) break;
  }
  throw new ApiError(
    0,
    "stream",
    "The connection ended before the import's report arrived. Check the import history below before trying again.",
  );
}
