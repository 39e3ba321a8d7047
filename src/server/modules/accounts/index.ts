// What other modules may use of accounts: service functions only, never its tables.

import type { Db } from "../../db/client.js";
import type { Actor } from "../../platform/context.js";
import { actorOf, findUserByEmail } from "./users.js";

export { resolveApiToken } from "./api-tokens.js";
export { organisationInput } from "./contracts/organisations.js";
export { erasedAddresses } from "./erasure.js";
export { issueInvitation } from "./invitations.js";
export {
  createOrganisation,
  emailBelongsTo,
  getOrganisation,
  listOrganisations,
  type OrganisationInput,
} from "./organisations.js";
export {
  type AccountOfAddress,
  accountsOfAddresses,
  createPlaceholders,
  formerMemberAccount,
  organisationsOfDomains,
} from "./placeholders.js";
export { resolveSession, startSession } from "./sessions.js";
export {
  activeMembersOf,
  activeUserIds,
  activeUsersByEmail,
  actorOf,
  authorsMatching,
  createUser,
  findUserByEmail,
  listActiveStaff,
  mentionedPeople,
  operatorStaff,
  organisationNameValue,
  type PersonView,
  peopleByIds,
  releaseEmailRecipients,
  searchPeople,
  type UserSummary,
  userSummaries,
} from "./users.js";

/** The person who uses this address, as they would act, and whether their account is active (mail in). */
export async function personByEmail(
  db: Db,
  email: string,
): Promise<{ actor: Actor; active: boolean } | null> {
  const user = await findUserByEmail(db, email);
  return user ? { actor: actorOf(user), active: user.status === "active" } : null;
}
