import { Alert, Anchor, Button, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import type { Message } from "./api.js";
import { useOpenTicket } from "./mutations.js";

/**
 * The ticket a message became. Only its author (who asked for it) and the product team may open the
 * ticket, so the rest of the channel learns that it went to the desk without a link that would be refused.
 */
export function TicketLink({ ticketId, mayOpen }: { ticketId: string; mayOpen: boolean }) {
  if (!mayOpen)
    return (
      <Text size="xs" c="dimmed">
        Taken to the service desk
      </Text>
    );
  return (
    <Anchor component={Link} to={`/desk/tickets/${ticketId}`} size="xs">
      Ticket
    </Anchor>
  );
}

/**
 * Shown to the author alone under a message that reads like a request for help: chat is not
 * watched for support, so one click turns the message into a desk ticket.
 */
export function SupportPrompt({ message }: { message: Message }) {
  const openTicket = useOpenTicket();
  if (openTicket.data) {
    return (
      <Text size="sm" mt={4} role="status">
        <Anchor component={Link} to={`/desk/tickets/${openTicket.data.ticketId}`}>
          Ticket #{openTicket.data.ticketNumber} opened
        </Anchor>
      </Text>
    );
  }
  if (message.ticketId) return <TicketLink ticketId={message.ticketId} mayOpen />;
  return (
    <Alert color="yellow" variant="light" p="xs" mt={6} maw={560}>
      <Stack gap={6} align="flex-start">
        <Text size="sm">
          This looks like a support request. Chat is not monitored for support — open a ticket so it is
          tracked.
        </Text>
        <ErrorAlert error={openTicket.error} />
        <Button size="compact-sm" onClick={() => openTicket.mutate(message)} loading={openTicket.isPending}>
          Open a ticket from this message
        </Button>
      </Stack>
    </Alert>
  );
}
