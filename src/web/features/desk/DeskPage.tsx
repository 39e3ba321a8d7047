import { Button, Group } from "@mantine/core";
import { Link } from "react-router";
import { useFiltersInAddress } from "../../app/filters-in-address.js";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type TicketFilters, useTicketEvents, useTickets } from "./api.js";
import { QueueFilters } from "./QueueFilters.js";
import { TicketTable } from "./TicketTable.js";

const filterNames: (keyof TicketFilters)[] = [
  "type",
  "status",
  "assigneeId",
  "organisationId",
  "priority",
  "sort",
  "q",
];

function TicketList({ filters, forStaff }: { filters: Partial<TicketFilters>; forStaff: boolean }) {
  const tickets = useTickets(filters);
  if (tickets.isPending) return <PageLoader />;
  if (tickets.isError) return <ErrorAlert error={tickets.error} />;
  return <TicketTable tickets={tickets.data} forStaff={forStaff} />;
}

function StaffQueue() {
  const [filters, setFilters] = useFiltersInAddress<TicketFilters>(filterNames);
  return (
    <>
      <QueueFilters filters={filters} onChange={setFilters} />
      <TicketList filters={filters} forStaff />
    </>
  );
}

/** `/desk`: the product team's queue, or a customer's own tickets and those shared with them. */
export function DeskPage() {
  useTicketEvents();
  const me = useSignedInMe();
  return (
    <Page
      title={me.isStaff ? "Service desk queue" : "My tickets"}
      actions={
        <Group gap="xs">
          {me.isStaff && (
            <>
              <Button component={Link} to="/desk/sla" variant="default">
                Service levels
              </Button>
              <Button component={Link} to="/desk/reports" variant="default">
                Reports
              </Button>
              <Button component={Link} to="/desk/macros" variant="default">
                Macros
              </Button>
              <Button component={Link} to="/desk/forms" variant="default">
                Ticket forms
              </Button>
            </>
          )}
          <Button component={Link} to="/desk/new">
            New ticket
          </Button>
        </Group>
      }
    >
      {me.isStaff ? <StaffQueue /> : <TicketList filters={{}} forStaff={false} />}
    </Page>
  );
}
