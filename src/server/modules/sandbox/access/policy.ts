import type { Actor } from "../../../platform/context.js";

/** Staff manage everyone's sandbox access; an org admin manages their own organisation's. */
export const canManageSandboxUsers = (actor: Actor) => actor.isStaff || actor.isOrgAdmin;

/**
 * Whom an actor may add, change or remove: staff anyone; an org admin only people whose account is in
 * their organisation (which the invitation domain-checked).
 */
export const canManageSandboxUser = (actor: Actor, person: { organisation: { id: string } }) =>
  actor.isStaff || (actor.isOrgAdmin && person.organisation.id === actor.organisationId);
