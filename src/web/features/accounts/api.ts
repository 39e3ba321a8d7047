import { useQuery } from "@tanstack/react-query";
import type { AccessRequestInput } from "../../../server/modules/accounts/contracts/access-requests.js";
import * as accessRequests from "../../../server/modules/accounts/contracts/access-requests.js";
import type { ApiTokenInput } from "../../../server/modules/accounts/contracts/api-tokens.js";
import * as apiTokens from "../../../server/modules/accounts/contracts/api-tokens.js";
import type { SignInInput } from "../../../server/modules/accounts/contracts/auth.js";
import * as auth from "../../../server/modules/accounts/contracts/auth.js";
import type {
  Acceptance,
  InvitationInput,
  InvitationStatus,
} from "../../../server/modules/accounts/contracts/invitations.js";
import * as invitations from "../../../server/modules/accounts/contracts/invitations.js";
import type { PasswordChange, ProfileChanges } from "../../../server/modules/accounts/contracts/me.js";
import * as me from "../../../server/modules/accounts/contracts/me.js";
import * as organisationSignIn from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
import type {
  AuthenticationResponse,
  NewPasskey,
} from "../../../server/modules/accounts/contracts/passkeys.js";
import * as passkeys from "../../../server/modules/accounts/contracts/passkeys.js";
import type { MyErasureInput } from "../../../server/modules/accounts/contracts/personal-data.js";
import * as personalData from "../../../server/modules/accounts/contracts/personal-data.js";
import { callApi } from "../../app/api.js";

export type { ApiToken, CreatedApiToken } from "../../../server/modules/accounts/contracts/api-tokens.js";
export type {
  Invitation,
  InvitationPreview,
  InvitationStatus,
} from "../../../server/modules/accounts/contracts/invitations.js";
export type { RecoveryCodeList, Session, TotpSetup } from "../../../server/modules/accounts/contracts/me.js";
export type {
  AuthenticationResponse,
  Passkey,
  RequestOptions,
  SecondFactorChoices,
} from "../../../server/modules/accounts/contracts/passkeys.js";
export type {
  ErasureRequest,
  MyPersonalData,
  PersonalDataExport,
} from "../../../server/modules/accounts/contracts/personal-data.js";

export const accountKeys = {
  sessions: ["my-sessions"] as const,
  apiTokens: ["my-api-tokens"] as const,
  managedApiTokens: ["api-tokens"] as const,
  recoveryCodes: ["my-recovery-codes"] as const,
  passkeys: ["my-passkeys"] as const,
  personalData: ["my-personal-data"] as const,
  invitations: (status: string) => ["invitations", status] as const,
  invitationPreview: (token: string) => ["invitation-preview", token] as const,
  resetPreview: (token: string) => ["password-reset-preview", token] as const,
};

export const accountsApi = {
  signIn: (body: SignInInput) => callApi(auth.signIn, { body }),
  signOut: () => callApi(auth.signOut, {}),
  startOrganisationSignIn: (body: { email: string; returnTo: string }) =>
    callApi(organisationSignIn.startOrganisationSignIn, { body }),
  requestAccess: (body: AccessRequestInput) => callApi(accessRequests.requestAccess, { body }),
  acceptInvitation: (token: string, body: Acceptance) =>
    callApi(invitations.acceptInvitation, { params: { token }, body }),
  requestPasswordReset: (body: { email: string }) => callApi(auth.requestPasswordReset, { body }),
  resetPassword: (token: string, body: { password: string }) =>
    callApi(auth.completePasswordReset, { params: { token }, body }),
  updateMe: (body: ProfileChanges) => callApi(me.updateMe, { body }),
  changePassword: (body: PasswordChange) => callApi(me.changePassword, { body }),
  endSession: (id: string) => callApi(me.endSession, { params: { id } }),
  setUpTotp: () => callApi(me.setUpTotp, {}),
  enableTotp: (body: { code: string }) => callApi(me.enableTotp, { body }),
  disableTotp: (body: { password: string }) => callApi(me.disableTotp, { body }),
  regenerateRecoveryCodes: (body: { password: string }) => callApi(me.regenerateRecoveryCodes, { body }),
  passkeyRegistrationOptions: () => callApi(passkeys.passkeyRegistrationOptions, {}),
  addPasskey: (body: NewPasskey) => callApi(passkeys.addPasskey, { body }),
  renamePasskey: (id: string, body: { name: string }) =>
    callApi(passkeys.renamePasskey, { params: { id }, body }),
  removePasskey: (id: string, body: { password: string }) =>
    callApi(passkeys.removePasskey, { params: { id }, body }),
  passkeySignInOptions: () => callApi(passkeys.passkeySignInOptions, {}),
  signInWithPasskey: (response: AuthenticationResponse) =>
    callApi(passkeys.signInWithPasskey, { body: { response } }),
  invite: (body: InvitationInput) => callApi(invitations.inviteColleague, { body }),
  revokeInvitation: (id: string) => callApi(invitations.revokeInvitation, { params: { id } }),
  requestPersonalDataExport: () => callApi(personalData.requestPersonalDataExport, {}),
  requestMyErasure: (body: MyErasureInput) => callApi(personalData.requestMyErasure, { body }),
  cancelMyErasure: () => callApi(personalData.cancelMyErasure, {}),
  createApiToken: (body: ApiTokenInput) => callApi(apiTokens.createApiToken, { body }),
  revokeMyApiToken: (id: string) => callApi(apiTokens.revokeMyApiToken, { params: { id } }),
  revokeApiToken: (id: string) => callApi(apiTokens.revokeApiToken, { params: { id } }),
};

export const useMyApiTokens = () =>
  useQuery({
    queryKey: accountKeys.apiTokens,
    queryFn: () => callApi(apiTokens.listMyApiTokens, {}),
    select: (data) => data.tokens,
  });

/** The tokens an organisation admin (their organisation's) or staff (everyone's) may revoke. */
export const useManagedApiTokens = () =>
  useQuery({
    queryKey: accountKeys.managedApiTokens,
    queryFn: () => callApi(apiTokens.listApiTokens, {}),
    select: (data) => data.tokens,
  });

export const useMyPersonalData = () =>
  useQuery({
    queryKey: accountKeys.personalData,
    queryFn: () => callApi(personalData.getMyPersonalData, {}),
  });

export const useRecoveryCodes = () =>
  useQuery({ queryKey: accountKeys.recoveryCodes, queryFn: () => callApi(me.listRecoveryCodes, {}) });

export const usePasskeys = () =>
  useQuery({
    queryKey: accountKeys.passkeys,
    queryFn: () => callApi(passkeys.listPasskeys, {}),
    select: (data) => data.passkeys,
  });

export const useSessions = () =>
  useQuery({
    queryKey: accountKeys.sessions,
    queryFn: () => callApi(me.listSessions, {}),
    select: (data) => data.sessions,
  });

/** `status` is an invitation status, or "" for every invitation. */
export const useInvitations = (status: InvitationStatus | "") =>
  useQuery({
    queryKey: accountKeys.invitations(status),
    queryFn: () => callApi(invitations.listInvitations, { query: { status: status || undefined } }),
    select: (data) => data.invitations,
  });

export const useInvitationPreview = (token: string) =>
  useQuery({
    queryKey: accountKeys.invitationPreview(token),
    queryFn: () => callApi(invitations.previewInvitation, { params: { token } }),
    retry: false,
  });

export const usePasswordResetPreview = (token: string) =>
  useQuery({
    queryKey: accountKeys.resetPreview(token),
    queryFn: () => callApi(auth.previewPasswordReset, { params: { token } }),
    retry: false,
  });
