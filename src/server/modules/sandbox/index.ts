// What other modules may use of the sandbox: service functions only, never its tables.

export { asSeeder, gate, requireSandboxAccess, type SandboxRole } from "./access/index.js";
export {
  assignCohort,
  createdFields,
  type DosingSubject,
  decideEligibility,
  diffFields,
  dosingSubjects,
  recordSandboxChange,
  recordSandboxChanges,
  type SandboxChange,
  screenVolunteer,
  withdrawEnrolment,
} from "./clinical/index.js";
export {
  type FlagRef,
  type FlagState,
  flagRefs,
  loadSandboxSettings,
  noticeChannel,
  requireFeature,
} from "./operations/index.js";
