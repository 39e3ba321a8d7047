// What other modules may use of the sandbox: service functions only, never its tables.

export { requireSandboxAccess } from "./access.js";
export {
  assignCohort,
  type DosingSubject,
  decideEligibility,
  dosingSubjects,
  screenVolunteer,
  withdrawEnrolment,
} from "./enrolments.js";
export { type FlagRef, flagRefs, requireFeature } from "./flags.js";
export type { FlagState } from "./operations-schema.js";
export {
  createdFields,
  diffFields,
  recordSandboxChange,
  recordSandboxChanges,
  type SandboxChange,
} from "./sandbox-audit.js";
export type { SandboxRole } from "./schema.js";
export { loadSandboxSettings, noticeChannel } from "./settings.js";
export { asSeeder, gate, isUniqueViolation } from "./studies.js";
