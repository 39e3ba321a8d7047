import type { Actor } from "../../platform/context.js";
import type { InvitationStatus } from "./contracts/invitations.js";
import type { users } from "./schema.js";

/** The acting-person view of a user row. */
export const actorOf = (user: typeof users.$inferSelect): Actor => ({
  id: user.id,
  email: user.email,
  name: user.name,
  organisationId: user.organisationId,
  isStaff: user.isStaff,
  isOrgAdmin: user.isOrgAdmin,
});

export function invitationStatus(row: {
  acceptedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= Date.now()) return "expired";
  return "pending";
}
