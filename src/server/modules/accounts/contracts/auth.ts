import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { emailField, passwordField, tokenParam } from "../../../../shared/fields.js";
import { me, totpCodeField } from "./me.js";

const tag = "accounts";

export const signInInput = z.object({
  email: emailField,
  password: z.string().min(1, "Enter your password.").max(200),
  totpCode: totpCodeField.optional(),
});
export type SignInInput = z.output<typeof signInInput>;

export const signIn = operation({
  operationId: "signIn",
  summary: "Sign in with e-mail, password and, when two-factor is on, a code",
  description: "Sets the session cookie. Failures count towards the account's lockout.",
  method: "POST",
  path: "/api/auth/login",
  access: "public",
  tag,
  body: signInInput,
  response: z.object({ user: me }),
  errors: ["unauthenticated", "totp_required", "locked", "rate_limited"],
});

export const signOut = operation({
  operationId: "signOut",
  summary: "Sign out of this session",
  method: "POST",
  path: "/api/auth/logout",
  access: "member",
  tag,
});

export const requestPasswordReset = operation({
  operationId: "requestPasswordReset",
  summary: "E-mail a password reset link, if the address has an active account",
  description: "Answers the same whether or not the address has an account.",
  method: "POST",
  path: "/api/auth/password-reset",
  access: "public",
  tag,
  body: z.object({ email: emailField }),
  status: 202,
  errors: ["rate_limited"],
});

export const previewPasswordReset = operation({
  operationId: "previewPasswordReset",
  summary: "The address a live reset link is for",
  method: "GET",
  path: "/api/auth/password-reset/:token",
  access: "public",
  tag,
  params: tokenParam,
  response: z.object({ email: z.string() }),
  errors: ["gone"],
});

export const completePasswordReset = operation({
  operationId: "completePasswordReset",
  summary: "Set a new password with a reset link; every session ends",
  method: "POST",
  path: "/api/auth/password-reset/:token",
  access: "public",
  tag,
  params: tokenParam,
  body: z.object({ password: passwordField }),
  errors: ["gone", "rate_limited"],
});
