import { Button, Checkbox, Select, Stack, Text } from "@mantine/core";
import { formatDateTime } from "../../app/format.js";
import type { Me } from "../../app/session.js";
import {
  type Ticket,
  type TicketPriority,
  type TicketStatus,
  useStaff,
  useTicketUpdate,
  useWatching,
} from "./api.js";
import { Fact } from "./Fact.js";
import { ticketStatusOptions, ticketTypeLabels } from "./labels.js";
import { impactLabels, priorityLabels, priorityOptions } from "./sla-labels.js";
import { TicketStatusBadge } from "./TicketStatusBadge.js";

/** Assignee and status; the product team's controls. */
function TicketManagement({ ticket }: { ticket: Ticket }) {
  const staff = useStaff();
  const update = useTicketUpdate(ticket.id);
  const assigneeOptions = [
    { value: "none", label: "Unassigned" },
    ...(staff.data ?? []).map((person) => ({ value: person.id, label: person.name })),
  ];
  return (
    <>
      <Select
        label="Assignee"
        data={assigneeOptions}
        value={ticket.assignee?.id ?? "none"}
        onChange={(value) => update.mutate({ assigneeId: value === "none" ? null : value })}
        allowDeselect={false}
        searchable
        disabled={update.isPending}
      />
      <Select
        label="Status"
        data={ticketStatusOptions}
        value={ticket.status}
        onChange={(value) => value && update.mutate({ status: value as TicketStatus })}
        allowDeselect={false}
        disabled={update.isPending}
      />
      <Select
        label="Priority"
        data={priorityOptions}
        value={ticket.priority}
        onChange={(value) => value && update.mutate({ priority: value as TicketPriority })}
        allowDeselect={false}
        disabled={update.isPending}
      />
    </>
  );
}

function SharingToggle({ ticket, me }: { ticket: Ticket; me: Me }) {
  const update = useTicketUpdate(ticket.id);
  const organisationName = ticket.organisation?.name ?? "the organisation";
  return (
    <Checkbox
      label={ticket.requester.id === me.id ? "Share with my organisation" : `Shared with ${organisationName}`}
      description={`Colleagues at ${organisationName} can read and follow this ticket.`}
      checked={ticket.sharedWithOrganisation}
      onChange={(event) => update.mutate({ sharedWithOrganisation: event.currentTarget.checked })}
      disabled={update.isPending}
    />
  );
}

function WatchButton({ ticket }: { ticket: Ticket }) {
  const watching = useWatching(ticket.id);
  return (
    <Button
      variant={ticket.watching ? "default" : "light"}
      size="xs"
      onClick={() => watching.mutate(!ticket.watching)}
      loading={watching.isPending}
      w="fit-content"
    >
      {ticket.watching ? "Stop watching" : "Watch"}
    </Button>
  );
}

export function TicketDetails({ ticket, me }: { ticket: Ticket; me: Me }) {
  // An access request belongs to someone who is not a member yet: there is nobody to share it with.
  const maySetSharing =
    ticket.organisation &&
    ticket.type !== "access_request" &&
    (ticket.canManage || ticket.requester.id === me.id);
  return (
    <Stack gap="sm">
      <Fact label="Status">
        <TicketStatusBadge status={ticket.status} />
      </Fact>
      <Fact label="Type">{ticketTypeLabels[ticket.type]}</Fact>
      {ticket.impact && <Fact label="Impact">{impactLabels[ticket.impact]}</Fact>}
      {!ticket.canManage && <Fact label="Priority">{priorityLabels[ticket.priority]}</Fact>}
      <Fact label="Requester">
        {ticket.requester.name}
        {ticket.canManage && (
          <Text size="xs" c="dimmed">
            {ticket.requester.email}
          </Text>
        )}
      </Fact>
      {ticket.organisation && <Fact label="Organisation">{ticket.organisation.name}</Fact>}
      {!ticket.canManage && <Fact label="Assignee">{ticket.assignee?.name ?? "Not assigned yet"}</Fact>}
      <Fact label="Opened">{formatDateTime(ticket.createdAt)}</Fact>
      <Fact label="Updated">{formatDateTime(ticket.updatedAt)}</Fact>
      {ticket.canManage && <TicketManagement ticket={ticket} />}
      {maySetSharing && <SharingToggle ticket={ticket} me={me} />}
      <Fact label="Watchers">
        {ticket.watchers.length > 0
          ? ticket.watchers.map((watcher) => watcher.name).join(", ")
          : "Nobody yet"}
      </Fact>
      <WatchButton ticket={ticket} />
    </Stack>
  );
}
