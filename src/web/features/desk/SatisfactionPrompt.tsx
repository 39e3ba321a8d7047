import { Button, Group, Radio, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import * as satisfaction from "../../../server/modules/desk/contracts/satisfaction.js";
import { callApi } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { type Ticket, useTicketRefresh } from "./api.js";

type Rating = satisfaction.Rating;
const ratingLabels: Record<Rating, string> = { good: "Good", bad: "Bad" };

/** The requester's rating, as everyone who may see the ticket reads it. */
function RatingSummary({ ticket }: { ticket: Ticket }) {
  if (!ticket.satisfaction) return <Text c="dimmed">Not rated yet.</Text>;
  return (
    <Stack gap={4}>
      <Text fw={600} data-testid="ticket-rating">
        {ratingLabels[ticket.satisfaction.rating]}
      </Text>
      {ticket.satisfaction.comment && (
        <Text style={{ whiteSpace: "pre-wrap" }}>{ticket.satisfaction.comment}</Text>
      )}
      <Text size="sm" c="dimmed">
        Rated {formatDateTime(ticket.satisfaction.ratedAt)}
      </Text>
    </Stack>
  );
}

function RatingForm({ ticket }: { ticket: Ticket }) {
  const refresh = useTicketRefresh(ticket.id);
  const form = useForm<{ rating: string; comment: string }>({
    initialValues: { rating: ticket.satisfaction?.rating ?? "", comment: ticket.satisfaction?.comment ?? "" },
    validate: { rating: (value) => (value ? null : "Choose good or bad.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) =>
      callApi(satisfaction.rateTicket, {
        params: { id: ticket.id },
        body: { rating: values.rating as Rating, comment: values.comment },
      }),
    { onSuccess: (updated) => refresh(updated), afterSuccess: "keep" },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Radio.Group label="How did we do?" required {...form.getInputProps("rating")}>
          <Group mt="xs">
            <Radio value="good" label="Good" />
            <Radio value="bad" label="Bad" />
          </Group>
        </Radio.Group>
        <Textarea label="Anything to add?" autosize minRows={2} {...form.getInputProps("comment")} />
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            {ticket.satisfaction ? "Change rating" : "Send rating"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Once resolved, the requester rates the ticket (and may change it); staff and colleagues see the rating. */
export function SatisfactionPrompt({ ticket }: { ticket: Ticket }) {
  const me = useSignedInMe();
  const requester = ticket.requester.id === me.id;
  if (requester && ticket.canRate) {
    return (
      <Section
        title="Rate this ticket"
        description="Your rating helps the product team improve the service desk."
      >
        <RatingForm ticket={ticket} />
      </Section>
    );
  }
  if (!ticket.satisfaction && !(me.isStaff && ticket.canRate)) return null;
  return (
    <Section title="Satisfaction">
      <RatingSummary ticket={ticket} />
    </Section>
  );
}
