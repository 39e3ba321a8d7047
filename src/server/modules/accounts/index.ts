// What other modules may use of accounts: service functions only, never its tables.

export { organisationInput } from "./contracts/organisations.js";
export { issueInvitation } from "./invitations.js";
export {
  createOrganisation,
  emailBelongsTo,
  getOrganisation,
  listOrganisations,
  type OrganisationInput,
} from "./organisations.js";
export { resolveSession, startSession } from "./sessions.js";
export {
  activeMembersOf,
  activeUsersByEmail,
  actorOf,
  createUser,
  findUserByEmail,
  listActiveStaff,
  type PersonView,
  peopleByIds,
  releaseEmailRecipients,
  searchPeople,
  type UserSummary,
  userSummaries,
} from "./users.js";
