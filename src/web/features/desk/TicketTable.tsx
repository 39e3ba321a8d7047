import { Anchor, Badge, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import type { TicketSummary } from "./api.js";
import { ticketTypeLabels } from "./labels.js";
import { priorityColours, priorityLabels } from "./sla-labels.js";
import { TicketStatusBadge } from "./TicketStatusBadge.js";

type Props = {
  tickets: TicketSummary[];
  /** The queue shows whose ticket it is and who works on it; a customer's own list does not need to. */
  forStaff: boolean;
};

export function TicketTable({ tickets, forStaff }: Props) {
  if (tickets.length === 0) return <Text c="dimmed">No tickets to show.</Text>;
  return (
    <ResponsiveTable minWidth={forStaff ? 1120 : 720}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="ticket-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Ticket</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th visibleFrom="sm">Type</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Priority</Table.Th>
            {forStaff && <Table.Th visibleFrom="sm">Due</Table.Th>}
            <Table.Th visibleFrom="sm">Requester</Table.Th>
            {forStaff && <Table.Th visibleFrom="sm">Organisation</Table.Th>}
            {forStaff && <Table.Th visibleFrom="sm">Assignee</Table.Th>}
            <Table.Th visibleFrom="sm">Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tickets.map((ticket) => (
            <Table.Tr key={ticket.id}>
              <Table.Td>#{ticket.number}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/desk/tickets/${ticket.id}`} fw={500}>
                  {ticket.subject}
                </Anchor>
              </Table.Td>
              <Table.Td visibleFrom="sm">{ticketTypeLabels[ticket.type]}</Table.Td>
              <Table.Td>
                <TicketStatusBadge status={ticket.status} />
                {forStaff && ticket.rating && <Text size="xs">Rated {ticket.rating}</Text>}
              </Table.Td>
              <Table.Td>
                <Badge color={priorityColours[ticket.priority]} variant="light">
                  {priorityLabels[ticket.priority]}
                </Badge>
              </Table.Td>
              {forStaff && (
                <Table.Td visibleFrom="sm">{ticket.dueAt ? formatDateTime(ticket.dueAt) : "—"}</Table.Td>
              )}
              <Table.Td visibleFrom="sm">{ticket.requester.name}</Table.Td>
              {forStaff && <Table.Td visibleFrom="sm">{ticket.organisation?.name ?? "—"}</Table.Td>}
              {forStaff && <Table.Td visibleFrom="sm">{ticket.assignee?.name ?? "Unassigned"}</Table.Td>}
              <Table.Td visibleFrom="sm">{formatDateTime(ticket.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}
