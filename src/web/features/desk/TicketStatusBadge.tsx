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
    // flex: none keeps a table cell from squeezing the label into an ellipsis.
    <Badge
      color={statusColours[status]}
      variant="light"
      tt="none"
      style={{ flex: "none", overflow: "visible" }}
    >
      {ticketStatusLabels[status]}
    </Badge>
  );
}
