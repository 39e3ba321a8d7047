// What other modules may use of the sandbox: service functions only, never its tables.

export { asSeeder, gate, passesGate, requireSandboxAccess, type SandboxRole } from "./access/index.js";
export {
  assignCohort,
  createdFields,
  type DosingSubject,
  decideEligibility,
  diffFields,
  dosingSubjects,
  getStudy,
  getVolunteer,
  listStudies,
  recordSandboxChange,
  recordSandboxChanges,
  type SandboxChange,
  screenVolunteer,
  withdrawEnrolment,
} from "./clinical/index.js";
export {
  allFlagRefs,
  currentBuild,
  type FlagRef,
  type FlagState,
  flagRefs,
  loadSandboxSettings,
  noticeChannel,
  requireFeature,
} from "./operations/index.js";
