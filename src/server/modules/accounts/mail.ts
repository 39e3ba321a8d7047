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
