import type { Config } from "../../config.js";
import type { OutgoingMail } from "../../platform/mail/service.js";
import type { TicketStatus } from "./contracts/tickets.js";
import { ticketStatusLabels } from "./present.js";

type TicketRef = { id: string; number: number; subject: string };

const ticketLink = (config: Config, ticket: TicketRef) => `${config.publicUrl}/desk/tickets/${ticket.id}`;
const subjectLine = (ticket: TicketRef) => `[Convene #${ticket.number}] ${ticket.subject}`;

export function publicReplyMail(
  config: Config,
  input: { to: string; ticket: TicketRef; authorName: string; body: string },
): OutgoingMail {
  return {
    to: input.to,
    subject: subjectLine(input.ticket),
    text: [
      `${input.authorName} replied:`,
      "",
      input.body,
      "",
      `See the whole conversation and reply: ${ticketLink(config, input.ticket)}`,
    ].join("\n"),
  };
}

export function statusChangeMail(
  config: Config,
  input: { to: string; ticket: TicketRef; from: TicketStatus; status: TicketStatus },
): OutgoingMail {
  return {
    to: input.to,
    subject: subjectLine(input.ticket),
    text: [
      `The status of your ticket changed from "${ticketStatusLabels[input.from]}" to "${ticketStatusLabels[input.status]}".`,
      "",
      `See it: ${ticketLink(config, input.ticket)}`,
    ].join("\n"),
  };
}

export function accessRequestReceivedMail(input: {
  to: string;
  name: string;
  ticketNumber: number;
}): OutgoingMail {
  return {
    to: input.to,
    subject: `[Convene #${input.ticketNumber}] We received your request to join`,
    text: [
      `Hello ${input.name},`,
      "",
      "Thank you for asking to join the Convene community. The product team reviews every request;",
      "you will get an e-mail with an invitation link, or with the reason if we cannot give access.",
    ].join("\n"),
  };
}

export function accessDeclinedMail(input: {
  to: string;
  name: string;
  ticketNumber: number;
  reason: string;
}): OutgoingMail {
  return {
    to: input.to,
    subject: `[Convene #${input.ticketNumber}] Your request to join`,
    text: [
      `Hello ${input.name},`,
      "",
      "We are sorry: we cannot give you access to the Convene community.",
      "",
      `Reason: ${input.reason}`,
      "",
      "If you think this is a mistake, ask a colleague who is a member to invite you, or reply to your account contact.",
    ].join("\n"),
  };
}
