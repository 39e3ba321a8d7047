import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, nameField, passwordField } from "../../../../shared/fields.js";
import { organisationKinds, organisationRef } from "./organisations.js";

const tag = "accounts";

// --- input ---

export const totpCodeField = z.string().regex(/^\d{6}$/, "Enter the 6-digit code.");
export const profileChanges = z
  .object({ name: nameField.optional(), releaseEmails: z.boolean().optional() })
  .refine((body) => body.name !== undefined || body.releaseEmails !== undefined, "Say what to change.");
export type ProfileChanges = z.output<typeof profileChanges>;
export const passwordChange = z.object({
  currentPassword: z.string().min(1, "Enter your current password."),
  newPassword: passwordField,
  /** Also revoke every API token of yours (someone who had the old password may have made one). */
  revokeApiTokens: z.boolean().default(false),
});
export type PasswordChange = z.output<typeof passwordChange>;

// The operations that change sign-in credentials refuse API tokens (`bearer: false`): a leaked token
// must not be able to take the account over.

// --- output ---

export const me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation: organisationRef.extend({ kind: z.enum(organisationKinds) }),
  isStaff: z.boolean(),
  isOrgAdmin: z.boolean(),
  totpEnabled: z.boolean(),
  releaseEmails: z.boolean(),
});
export type Me = z.infer<typeof me>;
export const session = z.object({
  id: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  current: z.boolean(),
});
export type Session = z.infer<typeof session>;
export const totpSetup = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  /** The otpauth URL as a QR code (an SVG data: URL) drawn by the server, so no outside service sees the secret. */
  qrCode: z.string(),
});
export type TotpSetup = z.infer<typeof totpSetup>;
/** Shown once: only their hashes are kept. */
export const recoveryCodesIssued = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesIssued = z.infer<typeof recoveryCodesIssued>;
export const recoveryCodeList = z.object({
  generatedAt: z.string().nullable(),
  /** In the order of the list the person saved; a code's number is its place there. */
  codes: z.array(z.object({ number: z.number().int(), usedAt: z.string().nullable() })),
});
export type RecoveryCodeList = z.infer<typeof recoveryCodeList>;

export const getMe = operation({
  operationId: "getMe",
  summary: "The signed-in person",
  method: "GET",
  path: "/api/me",
  access: "member",
  tag,
  response: me,
});

export const updateMe = operation({
  operationId: "updateMe",
  summary: "Change your name or whether release announcements reach you by e-mail",
  method: "PATCH",
  path: "/api/me",
  access: "member",
  tag,
  body: profileChanges,
  response: me,
});

export const changePassword = operation({
  operationId: "changePassword",
  summary: "Change your password; your other sessions end",
  method: "POST",
  path: "/api/me/password",
  access: "member",
  tag,
  bearer: false,
  body: passwordChange,
});

export const listSessions = operation({
  operationId: "listSessions",
  summary: "Your live sessions, the current one marked",
  method: "GET",
  path: "/api/me/sessions",
  access: "member",
  tag,
  response: z.object({ sessions: z.array(session) }),
});

export const endSession = operation({
  operationId: "endSession",
  summary: "Sign one of your sessions out",
  method: "DELETE",
  path: "/api/me/sessions/:id",
  access: "member",
  tag,
  params: idParam,
});

export const setUpTotp = operation({
  operationId: "setUpTotp",
  summary: "Start two-factor set-up: a fresh secret, in force once a code from it is confirmed",
  method: "POST",
  path: "/api/me/totp/setup",
  access: "member",
  tag,
  bearer: false,
  response: totpSetup,
});

export const enableTotp = operation({
  operationId: "enableTotp",
  summary:
    "Turn two-factor sign-in on with a code from the new secret; answers ten recovery codes, shown once",
  method: "POST",
  path: "/api/me/totp/enable",
  access: "member",
  tag,
  bearer: false,
  body: z.object({ code: totpCodeField }),
  response: recoveryCodesIssued,
});

export const disableTotp = operation({
  operationId: "disableTotp",
  summary: "Turn two-factor sign-in off, confirmed with your password",
  method: "POST",
  path: "/api/me/totp/disable",
  access: "member",
  tag,
  bearer: false,
  body: z.object({ password: z.string().min(1, "Enter your password.") }),
});

export const listRecoveryCodes = operation({
  operationId: "listRecoveryCodes",
  summary: "Your recovery codes, used or not (never the codes themselves)",
  method: "GET",
  path: "/api/me/totp/recovery-codes",
  access: "member",
  tag,
  response: recoveryCodeList,
});

export const regenerateRecoveryCodes = operation({
  operationId: "regenerateRecoveryCodes",
  summary:
    "Replace your recovery codes with ten new ones, confirmed with your password; the old ones stop working",
  method: "POST",
  path: "/api/me/totp/recovery-codes",
  access: "member",
  tag,
  bearer: false,
  body: z.object({ password: z.string().min(1, "Enter your password.") }),
  response: recoveryCodesIssued,
});
