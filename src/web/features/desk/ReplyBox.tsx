import { Button, Group, Stack, Switch, Textarea } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { deskApi, type Ticket, useTicketRefresh } from "./api.js";

export function ReplyBox({ ticket }: { ticket: Ticket }) {
  const refresh = useTicketRefresh(ticket.id);
  const form = useForm({
    initialValues: { body: "", internal: false },
    validate: { body: isNotEmpty("Write a reply.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, (values) => deskApi.reply(ticket.id, values), {
    onSuccess: () => refresh(),
  });
  const internal = form.values.internal;

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Textarea
          label="Your reply"
          description={
            internal
              ? "Only the product team sees internal notes."
              : "Markdown is supported. The requester and watchers are e-mailed."
          }
          autosize
          minRows={4}
          styles={internal ? { input: { backgroundColor: "var(--mantine-color-yellow-0)" } } : undefined}
          required
          {...form.getInputProps("body")}
        />
        <Group justify="flex-end">
          {ticket.canManage && (
            <Switch
              label="Internal note"
              color="yellow"
              mr="auto"
              {...form.getInputProps("internal", { type: "checkbox" })}
            />
          )}
          <Button
            type="submit"
            loading={pending}
            color={internal ? "yellow" : undefined}
            c={internal ? "dark" : undefined}
          >
            Reply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
