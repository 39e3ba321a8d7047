// The clinical records of the development environment: studies, volunteers, enrolments and their audit trail.
export {
  assignCohort,
  type DosingSubject,
  decideEligibility,
  dosingSubjects,
  screenVolunteer,
  withdrawEnrolment,
} from "./enrolments.js";
export {
  createdFields,
  diffFields,
  listSandboxAudit,
  recordSandboxChange,
  recordSandboxChanges,
  type SandboxChange,
  type SandboxRecordType,
  sandboxAuditCsv,
} from "./sandbox-audit.js";
export {
  addCohort,
  addEpoch,
  addEvent,
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
  createVolunteer,
  displayIdOf,
  ENROLLED_ONLY_BY_ENROLMENT,
  getVolunteer,
  guardKinds,
  highestDisplayNumber,
  listVolunteers,
  MAX_VOLUNTEER_PAGE,
  newValues,
  removeVolunteer,
  settableRecruitmentStatuses,
  todayIso,
  updateVolunteer,
  type VolunteerInput,
} from "./volunteers.js";
