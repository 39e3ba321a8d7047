// The clinical records of the development environment: studies, volunteers, enrolments and their audit trail.

// A person's actions here, in their data export and erasure.
import "./personal-data.js";

export type { EpochKind, StudyPhase, StudyStatus } from "./contracts/studies.js";
export type { RecruitmentStatus, Sex, VolunteerInput } from "./contracts/volunteers.js";
export {
  assignCohort,
  type DosingSubject,
  decideEligibility,
  dosingSubjects,
  screenVolunteer,
  withdrawEnrolment,
} from "./enrolments.js";
export { sandboxAuditRoutes } from "./routes/audit.js";
export { enrolmentRoutes } from "./routes/enrolments.js";
export { studyRoutes } from "./routes/studies.js";
export { studyTransferRoutes } from "./routes/transfer.js";
export { volunteerRoutes } from "./routes/volunteers.js";
export {
  announceSandboxChanges,
  createdFields,
  diffFields,
  listSandboxAudit,
  recordSandboxChange,
  recordSandboxChanges,
  type SandboxChange,
  type SandboxRecordType,
  sandboxAuditCsv,
} from "./sandbox-audit.js";
export { findStudies, findVolunteers } from "./search.js";
export {
  addCohort,
  addEpoch,
  addEvent,
  countStudies,
  createStudy,
  getStudy,
  listStudies,
  removeCohort,
  removeEpoch,
  removeEvent,
  updateCohort,
  updateEpoch,
  updateEvent,
  updateStudy,
} from "./studies.js";
export { exportStudies, importStudies, MAX_IMPORTED_STUDIES } from "./study-transfer.js";
export {
  assertWriter,
  countActiveVolunteers,
  createVolunteer,
  displayIdOf,
  getVolunteer,
  guardKinds,
  highestDisplayNumber,
  listVolunteers,
  newValues,
  removeVolunteer,
  todayIso,
  updateVolunteer,
} from "./volunteers.js";
