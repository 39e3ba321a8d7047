import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { pushEndpoint } from "../../../../shared/contracts/notifications.js";
import { emailField, passwordField, tokenParam } from "../../../../shared/fields.js";
import { me, totpCodeField } from "./me.js";
import { authenticationResponse } from "./passkeys.js";

const tag = "accounts";

export const signInInput = z
  .object({
    email: emailField,
    password: z.string().min(1, "Enter your password.").max(200),
    totpCode: totpCodeField.optional(),
    /** In place of totpCode when the authenticator app is not at hand; dashes, spaces and case do not matter. */
    recoveryCode: z
      .string()
      .max(40, "That is not a recovery code.")
      .regex(/^[0-9A-Za-z -]+$/, "A recovery code has letters, digits and dashes.")
      .optional(),
    /** The passkey's answer to the `passkeyOptions` of the `second_factor_required` refusal. */
    passkey: authenticationResponse.optional(),
  })
  .refine((body) => [body.totpCode, body.recoveryCode, body.passkey].filter(Boolean).length <= 1, {
    path: ["recoveryCode"],
    message: "Use one second factor: the code from your app, a recovery code or a passkey.",
  });
export type SignInInput = z.output<typeof signInInput>;

export const signIn = operation({
  operationId: "signIn",
  summary:
    "Sign in with e-mail, password and, when the account has a second factor, a code, a recovery code or a passkey",
  description:
    "Sets the session cookie. Failures count towards the account's lockout; a locked account is refused with the same 401 as a wrong password or an unknown address, and its owner is e-mailed. " +
    "After the right password, an account with two-factor sign-in or a passkey is answered 401 `second_factor_required`, whose `details` list the account's second factors (`methods`) and, when it has passkeys, the `passkeyOptions` to hand navigator.credentials.get; send the same e-mail and password again with `totpCode`, `recoveryCode` or `passkey`.",
  method: "POST",
  path: "/api/auth/login",
  access: "public",
  tag,
  body: signInInput,
  response: z.object({ user: me }),
  errors: ["unauthenticated", "second_factor_required", "rate_limited", "organisation_sign_in_required"],
});

export const getSession = operation({
  operationId: "getSession",
  summary: "Who is signed in on this browser, if anyone",
  description: "Answers 200 either way, so a page asks without an error for a visitor who is signed out.",
  method: "GET",
  path: "/api/auth/session",
  access: "public",
  tag,
  response: z.object({ user: me.nullable() }),
});

export const signOut = operation({
  operationId: "signOut",
  summary: "Sign out of this session",
  description:
    "With `pushEndpoint`, this browser's push subscription, the server stops pushing to it as the session " +
    "ends, so whoever uses the browser next never gets the last person's notifications. An endpoint that " +
    "is not one of the person's is left alone.",
  method: "POST",
  path: "/api/auth/logout",
  access: "member",
  tag,
  body: z.object({ pushEndpoint: pushEndpoint.optional() }).nullish(),
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
  errors: ["rate_limited", "organisation_sign_in_required"],
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
  errors: ["gone", "rate_limited", "organisation_sign_in_required"],
});
