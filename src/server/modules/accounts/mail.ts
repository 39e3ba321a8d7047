import type { Config } from "../../config.js";
import type { OutgoingMail } from "../../platform/mail/service.js";

export function invitationMail(
  config: Config,
  input: { to: string; organisationName: string; inviterName: string | null; token: string; expiresAt: Date },
): OutgoingMail {
  const link = `${config.publicUrl}/invite/${input.token}`;
  const who = input.inviterName ? `${input.inviterName} has invited you` : "You have been invited";
  return {
    to: input.to,
    subject: `Your invitation to the Convene community (${input.organisationName})`,
    text: [
      `${who} to join the Convene community as a member of ${input.organisationName}.`,
      "",
      `Accept the invitation and choose your password: ${link}`,
      "",
      `The link works once and expires on ${input.expiresAt.toUTCString()}.`,
      "If you did not expect this, ignore this message.",
    ].join("\n"),
  };
}

export function passwordResetMail(config: Config, input: { to: string; token: string }): OutgoingMail {
  const link = `${config.publicUrl}/reset-password/${input.token}`;
  return {
    to: input.to,
    subject: "Reset your Convene password",
    text: [
      "Someone asked to reset the password of your Convene account.",
      "",
      `Choose a new password: ${link}`,
      "",
      "The link works once and expires in one hour. If it was not you, ignore this message: your password stays as it is.",
    ].join("\n"),
  };
}

/** Tells the owner their account was locked, since the sign-in form says the same to everyone. */
export function accountLockedMail(
  config: Config,
  input: { to: string; failures: number; minutes: number; ip: string | null },
): OutgoingMail {
  return {
    to: input.to,
    subject: "Your Convene account is locked for a while",
    text: [
      `After ${input.failures} failed sign-ins${input.ip ? ` (the last from ${input.ip})` : ""}, your Convene account is locked for ${input.minutes} minutes. Signing in with the right password works again after that.`,
      "",
      `If it was not you, choose a new password now: ${config.publicUrl}/forgot-password`,
    ].join("\n"),
  };
}

/**
 * A recovery code stands in for the second factor, so its owner hears of every use: a use that was not
 * theirs means both their password and their saved codes are known to someone.
 */
export function recoveryCodeUsedMail(
  config: Config,
  input: { to: string; remaining: number; ip: string | null },
): OutgoingMail {
  return {
    to: input.to,
    subject: "A recovery code was used to sign in to Convene",
    text: [
      `Someone signed in to your Convene account with one of your recovery codes${input.ip ? ` from ${input.ip}` : ""}. ${input.remaining} of your recovery codes are left; each works once.`,
      "",
      `To get a new set, open your profile: ${config.publicUrl}/profile`,
      `If it was not you, choose a new password now (${config.publicUrl}/forgot-password) and then generate new recovery codes.`,
    ].join("\n"),
  };
}

/**
 * A new passkey signs its holder in without the password, so the owner hears of every one added: one
 * that was not theirs means someone had their session.
 */
export function passkeyAddedMail(
  config: Config,
  input: { to: string; name: string; ip: string | null },
): OutgoingMail {
  return {
    to: input.to,
    subject: "A passkey was added to your Convene account",
    text: [
      `A passkey named “${input.name}” was added to your Convene account${input.ip ? ` from ${input.ip}` : ""}. It signs you in without your password.`,
      "",
      `If it was not you, remove it under Passkeys on your profile (${config.publicUrl}/profile), choose a new password and end your other sessions there.`,
    ].join("\n"),
  };
}

/** The export is ready: the link needs the person's session too, so a forwarded mail opens nothing. */
export function personalDataExportMail(
  config: Config,
  input: { to: string; exportId: string; token: string; expiresAt: Date },
): OutgoingMail {
  const link = `${config.publicUrl}/profile?export=${input.exportId}&token=${input.token}#your-data`;
  return {
    to: input.to,
    subject: "Your Convene data is ready to download",
    text: [
      "The copy of your data you asked for is ready: your profile, messages, tickets and comments, posts,",
      "the document versions you wrote, group messages, your actions in the development environment and",
      "the files you uploaded.",
      "",
      `Download it (signed in as yourself): ${link}`,
      "",
      `The link works until ${input.expiresAt.toUTCString()}; the archive is deleted then.`,
      "If you did not ask for it, change your password: someone may be signed in as you.",
    ].join("\n"),
  };
}

/** Confirms a person's own erasure request and how to stop it. */
export function erasureScheduledMail(config: Config, input: { to: string; dueAt: Date }): OutgoingMail {
  return {
    to: input.to,
    subject: "Your Convene account will be erased",
    text: [
      `You asked for your Convene account to be erased. It will be on ${input.dueAt.toUTCString()}:`,
      "your name and address replaced by a pseudonym everywhere, your sign-in removed.",
      "",
      `Changed your mind? Cancel it on your profile before then: ${config.publicUrl}/profile#your-data`,
    ].join("\n"),
  };
}
