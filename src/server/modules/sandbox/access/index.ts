// Who may use the development environment: the agreement, its users, and the gate every route passes.
export {
  acceptedAt,
  asSeeder,
  currentAgreement,
  gate,
  NOT_A_SANDBOX_USER_MESSAGE,
  passesGate,
  requireSandboxAccess,
  type SandboxStatus,
  sandboxReaderIds,
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
export type { SandboxRole } from "./contracts/users.js";
export { notifyEnvironmentPeople } from "./notifications.js";
export { type ProductPerson, type ProductRefusal, productPeople, productPerson } from "./product-people.js";
export { agreementRoutes } from "./routes/agreement.js";
export { sandboxUserRoutes } from "./routes/users.js";
export {
  activeSandboxUserIds,
  addSandboxUser,
  changeSandboxRole,
  countActiveSandboxUsers,
  listSandboxUsers,
  removeSandboxUser,
  seedSandboxUsers,
} from "./users.js";
