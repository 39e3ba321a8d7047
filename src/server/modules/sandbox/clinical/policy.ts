import type { Actor } from "../../../platform/context.js";
import type { SandboxRole } from "../access/index.js";
import type { VolunteerDisplay } from "./contracts/volunteers.js";

/**
 * Who changes a study: staff, and the owning organisation's study coordinators. Everyone else in the
 * sandbox reads it. Returns null when allowed, else the reason to give.
 */
export function studyChangeRefusal(
  actor: Actor,
  role: SandboxRole | "staff",
  study: { organisationId: string },
  organisationName: string,
): string | null {
  if (role === "staff" || actor.isStaff) return null;
  if (role !== "study_coordinator")
    return "Your development environment role can only read studies; study coordinators and the product team change them.";
  if (study.organisationId !== actor.organisationId)
    return `This study belongs to ${organisationName}: only its study coordinators and the product team change it. Ask the service desk about configurations you did not make.`;
  return null;
}

/** The roles that screen and enrol volunteers in their own organisation's studies. */
const enrolmentWriterRoles: readonly (SandboxRole | "staff")[] = [
  "study_coordinator",
  "investigator",
  "recruiter",
];

/**
 * Who screens, enrols, withdraws and completes volunteers in a study: staff, and the owning
 * organisation's study coordinators, investigators and recruiters (the site team). Everyone else in
 * the sandbox reads enrolments. Returns null when allowed, else the reason to give.
 */
export function enrolmentChangeRefusal(
  actor: Actor,
  role: SandboxRole | "staff",
  study: { organisationId: string },
  organisationName: string,
): string | null {
  if (role === "staff" || actor.isStaff) return null;
  if (!enrolmentWriterRoles.includes(role))
    return "Your development environment role can only read enrolments; study coordinators, investigators, recruiters and the product team change them.";
  if (study.organisationId !== actor.organisationId)
    return `This study belongs to ${organisationName}: only its study coordinators, investigators, recruiters and the product team enrol volunteers in it. Ask the service desk about configurations you did not make.`;
  return null;
}

/** Who adds a study: staff (for any organisation) and study coordinators (for their own). */
export const canCreateStudy = (role: SandboxRole | "staff") =>
  role === "staff" || role === "study_coordinator";

/** Who adds, changes and removes volunteers: staff, study coordinators and recruiters. */
export const canWriteVolunteers = (role: SandboxRole | "staff") =>
  role === "staff" || role === "study_coordinator" || role === "recruiter";

/** How much of a volunteer a reader sees unless they ask: staff everything, customers the year of birth. */
export const defaultVolunteerDisplay = (actor: Actor): VolunteerDisplay => (actor.isStaff ? "full" : "year");

/** Whether a display shows names (and the rest of the record): every display but the id-only one. */
export const displayShowsNames = (display: VolunteerDisplay) => display !== "id";
