import { Badge } from "@mantine/core";
import type { TicketStatus } from "./api.js";
import { ticketStatusLabels } from "./labels.js";

const statusColours: Record<TicketStatus, string> = {
  new: "blue",
  open: "cyan",
  waiting_on_customer: "orange",
  resolved: "green",
  closed: "gray",
};

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge color={statusColours[status]} variant="light" tt="none">
      {ticketStatusLabels[status]}
    </Badge>
  );
}
