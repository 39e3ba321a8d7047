import { Grid, Stack } from "@mantine/core";
import { useParams } from "react-router";
import { isApiError } from "../../app/api.js";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { TicketIdeasPanel } from "../ideas/TicketIdeasPanel.js";
import { AccessRequestPanel } from "./AccessRequestPanel.js";
import { AttachmentList } from "./AttachmentList.js";
import { type Ticket, useTicket, useTicketEvents } from "./api.js";
import { CommentThread } from "./CommentThread.js";
import { CustomFieldValues } from "./CustomFields.js";
import { EnvironmentContext } from "./EnvironmentContext.js";
import { ReplyBox } from "./ReplyBox.js";
import { SatisfactionPrompt } from "./SatisfactionPrompt.js";
import { ServerHtml } from "./ServerHtml.js";
import { SlaClock } from "./SlaClock.js";
import { TicketDetails } from "./TicketDetails.js";

function TicketView({ ticket }: { ticket: Ticket }) {
  const me = useSignedInMe();
  return (
    <Page title={`#${ticket.number} ${ticket.subject}`}>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            {ticket.accessRequest && <AccessRequestPanel ticket={ticket} request={ticket.accessRequest} />}
            <Section title="Description">
              <ServerHtml html={ticket.descriptionHtml} />
            </Section>
            <Section title="Conversation">
              <CommentThread comments={ticket.comments} staffView={me.isStaff} />
              <ReplyBox ticket={ticket} />
            </Section>
            <SatisfactionPrompt ticket={ticket} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            {ticket.type !== "access_request" && (
              <Section title="Service level">
                <SlaClock ticket={ticket} staffView={me.isStaff} />
              </Section>
            )}
            <Section title="Details">
              <TicketDetails ticket={ticket} me={me} />
              <CustomFieldValues ticket={ticket} />
            </Section>
            {ticket.environment && (
              <Section title="Environment when reported">
                <EnvironmentContext environment={ticket.environment} />
              </Section>
            )}
            <Section title="Attachments">
              <AttachmentList ticket={ticket} />
            </Section>
            <TicketIdeasPanel ticketId={ticket.id} ticketNumber={ticket.number} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Page>
  );
}

export function TicketPage() {
  useTicketEvents();
  const { id = "" } = useParams();
  const ticket = useTicket(id);
  if (ticket.isPending) return <PageLoader />;
  if (ticket.isError) {
    const missing = isApiError(ticket.error) && (ticket.error.status === 404 || ticket.error.status === 403);
    return (
      <Page title="Ticket not available">
        <ErrorAlert
          error={missing ? "There is no such ticket, or it is not shared with you." : ticket.error}
        />
      </Page>
    );
  }
  return <TicketView ticket={ticket.data} />;
}
