// What other modules may use of accounts: service functions only, never its tables.

export { issueInvitation } from "./invitations.js";
export {
  createOrganisation,
  emailBelongsTo,
  getOrganisation,
  listOrganisations,
  type OrganisationInput,
} from "./organisations.js";
export {
  activeMembersOf,
  activeUsersByEmail,
  actorOf,
  findUserByEmail,
  listActiveStaff,
  type PersonView,
  peopleByIds,
  releaseEmailRecipients,
  searchPeople,
  type UserSummary,
  userSummaries,
} from "./users.js";
