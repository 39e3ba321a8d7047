import { Alert, Badge, Button, Paper, SimpleGrid, Stack, Textarea, Title } from "@mantine/core";
import { hasLength, useForm } from "@mantine/form";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { useOrganisations } from "../admin/api.js";
import { ApproveForm } from "./ApproveForm.js";
import { type AccessRequest, deskApi, type Ticket, useTicketRefresh } from "./api.js";
import { Fact } from "./Fact.js";

function DeclineForm({ ticket }: { ticket: Ticket }) {
  const refresh = useTicketRefresh(ticket.id);
  const form = useForm({
    initialValues: { reason: "" },
    validate: { reason: hasLength({ min: 5 }, "Give the requester a reason.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, (values) => deskApi.decline(ticket.id, values), {
    onSuccess: (declined) => {
      notifySuccess("Declined. The requester is told why by e-mail.");
      return refresh(declined);
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <Title order={3} size="h5">
          Decline
        </Title>
        <ErrorAlert error={error} />
        <Textarea
          label="Reason"
          description="E-mailed to the requester."
          autosize
          minRows={3}
          {...form.getInputProps("reason")}
        />
        <Button type="submit" loading={pending} color="red" variant="light" w="fit-content">
          Decline
        </Button>
      </Stack>
    </form>
  );
}

function Decision({ ticket, request }: { ticket: Ticket; request: AccessRequest }) {
  const organisations = useOrganisations();
  if (organisations.isPending) return <PageLoader />;
  if (organisations.isError) return <ErrorAlert error={organisations.error} />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder p="md">
        <ApproveForm ticket={ticket} request={request} organisations={organisations.data} />
      </Paper>
      <Paper withBorder p="md">
        <DeclineForm ticket={ticket} />
      </Paper>
    </SimpleGrid>
  );
}

export function AccessRequestPanel({ ticket, request }: { ticket: Ticket; request: AccessRequest }) {
  return (
    <Section
      title="Access request"
      actions={
        request.decision && (
          <Badge color={request.decision === "approved" ? "green" : "red"} variant="light">
            {request.decision}
          </Badge>
        )
      }
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Fact label="Name">{request.name}</Fact>
        <Fact label="E-mail">{request.email}</Fact>
        <Fact label="Organisation">{request.organisation}</Fact>
        <Fact label="Role">{request.role}</Fact>
      </SimpleGrid>
      <Fact label="Why do they want to join?">{request.reason}</Fact>
      {request.decision === "declined" && request.declineReason && (
        <Alert color="red" variant="light" title="Declined">
          {request.declineReason}
        </Alert>
      )}
      {!request.decision && ticket.canManage && <Decision ticket={ticket} request={request} />}
    </Section>
  );
}
