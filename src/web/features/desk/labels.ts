import type { TicketStatus, TicketType } from "./api.js";

export const ticketTypeLabels: Record<TicketType, string> = {
  access_request: "Access request",
  support_question: "Support question",
  dev_environment_question: "Development environment question",
  product_feedback: "Product feedback",
};

export const ticketStatusLabels: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};

const optionsOf = <Value extends string>(labels: Record<Value, string>) =>
  (Object.entries(labels) as [Value, string][]).map(([value, label]) => ({ value, label }));

export const ticketTypeOptions = optionsOf(ticketTypeLabels);
export const ticketStatusOptions = optionsOf(ticketStatusLabels);
