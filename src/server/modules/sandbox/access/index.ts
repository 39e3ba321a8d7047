// Who may use the development environment: the agreement, its users, and the gate every route passes.
export {
  acceptedAt,
  asSeeder,
  currentAgreement,
  gate,
  requireSandboxAccess,
  type SandboxStatus,
  sandboxRoleOf,
  sandboxStatus,
} from "./access.js";
export {
  acceptAgreement,
  createAgreementDraft,
  getAgreementVersion,
  getCurrentAgreement,
  listAcceptances,
  listAgreementVersions,
  publishAgreement,
  updateAgreementDraft,
} from "./agreement.js";
export { addSandboxUser, changeSandboxRole, listSandboxUsers, removeSandboxUser } from "./users.js";
