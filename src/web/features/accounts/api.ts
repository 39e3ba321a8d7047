import { useQuery } from "@tanstack/react-query";
import type { InvitationStatus, InvitationView } from "../../../server/modules/accounts/present.js";
import { api } from "../../app/api.js";
import type { Me } from "../../app/session.js";

export type { InvitationStatus };
export type Invitation = InvitationView;

export type InvitationPreview = { email: string; organisation: { name: string }; expiresAt: string };

export type Session = {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
};

export type TotpSetup = { secret: string; otpauthUrl: string };

export const accountKeys = {
  sessions: ["my-sessions"] as const,
  invitations: (status: string) => ["invitations", status] as const,
  invitationPreview: (token: string) => ["invitation-preview", token] as const,
  resetPreview: (token: string) => ["password-reset-preview", token] as const,
};

export const accountsApi = {
  signIn: (body: { email: string; password: string; totpCode?: string }) =>
    api.post<{ user: Me }>("/api/auth/login", body),
  requestAccess: (body: {
    name: string;
    email: string;
    organisation: string;
    role: string;
    reason: string;
  }) => api.post<{ ticketNumber: number }>("/api/access-requests", body),
  acceptInvitation: (token: string, body: { name: string; password: string }) =>
    api.post<{ user: Me }>(`/api/invitations/${encodeURIComponent(token)}/accept`, body),
  requestPasswordReset: (body: { email: string }) => api.post("/api/auth/password-reset", body),
  resetPassword: (token: string, body: { password: string }) =>
    api.post(`/api/auth/password-reset/${encodeURIComponent(token)}`, body),
  updateName: (body: { name: string }) => api.patch<Me>("/api/me", body),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    api.post("/api/me/password", body),
  endSession: (id: string) => api.delete(`/api/me/sessions/${encodeURIComponent(id)}`),
  setUpTotp: () => api.post<TotpSetup>("/api/me/totp/setup"),
  enableTotp: (body: { code: string }) => api.post("/api/me/totp/enable", body),
  disableTotp: (body: { password: string }) => api.post("/api/me/totp/disable", body),
  invite: (body: { email: string; organisationId?: string }) =>
    api.post<Invitation>("/api/invitations", body),
  revokeInvitation: (id: string) => api.post<Invitation>(`/api/invitations/${encodeURIComponent(id)}/revoke`),
};

export const useSessions = () =>
  useQuery({
    queryKey: accountKeys.sessions,
    queryFn: () => api.get<{ sessions: Session[] }>("/api/me/sessions"),
    select: (data) => data.sessions,
  });

/** `status` is an invitation status, or "" for every invitation. */
export const useInvitations = (status: InvitationStatus | "") =>
  useQuery({
    queryKey: accountKeys.invitations(status),
    queryFn: () => api.get<{ invitations: Invitation[] }>("/api/invitations", { status }),
    select: (data) => data.invitations,
  });

export const useInvitationPreview = (token: string) =>
  useQuery({
    queryKey: accountKeys.invitationPreview(token),
    queryFn: () => api.get<InvitationPreview>(`/api/invitations/${encodeURIComponent(token)}`),
    retry: false,
  });

export const usePasswordResetPreview = (token: string) =>
  useQuery({
    queryKey: accountKeys.resetPreview(token),
    queryFn: () => api.get<{ email: string }>(`/api/auth/password-reset/${encodeURIComponent(token)}`),
    retry: false,
  });
