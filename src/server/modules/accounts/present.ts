import type { OrganisationKind, UserStatus } from "./schema.js";

export type MeView = {
  id: string;
  email: string;
  name: string;
  organisation: { id: string; name: string; kind: OrganisationKind };
  isStaff: boolean;
  isOrgAdmin: boolean;
  totpEnabled: boolean;
  releaseEmails: boolean;
};

export type AdminUserView = {
  id: string;
  email: string;
  name: string;
  organisation: { id: string; name: string };
  isStaff: boolean;
  isOrgAdmin: boolean;
  status: UserStatus;
  totpEnabled: boolean;
  createdAt: string;
};

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export type InvitationView = {
  id: string;
  email: string;
  organisation: { id: string; name: string };
  invitedBy: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
  status: InvitationStatus;
};

export function invitationStatus(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }) {
  if (row.acceptedAt) return "accepted" as const;
  if (row.revokedAt) return "revoked" as const;
  if (row.expiresAt.getTime() <= Date.now()) return "expired" as const;
  return "pending" as const;
}
