import { Button, Group, Stack, Switch, Textarea } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useState } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { deskApi, type Ticket, useTicketRefresh } from "./api.js";
import { MacroPicker } from "./MacroPicker.js";
import { type Macro, macrosApi } from "./macros-api.js";

export function ReplyBox({ ticket }: { ticket: Ticket }) {
  const refresh = useTicketRefresh(ticket.id);
  const form = useForm({
    initialValues: { body: "", internal: false },
    validate: { body: isNotEmpty("Write a reply.") },
  });
  // A chosen macro's status and assignee changes go with the reply, in one request.
  const [macro, setMacro] = useState<Macro | null>(null);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    async (values) => {
      if (macro && !values.internal)
        await macrosApi.reply(ticket.id, { macroId: macro.id, body: values.body });
      else await deskApi.reply(ticket.id, values);
    },
    {
      onSuccess: () => {
        setMacro(null);
        return refresh();
      },
    },
  );
  const internal = form.values.internal;

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        {ticket.canManage && !internal && (
          <MacroPicker
            ticket={ticket}
            chosen={macro}
            onChoose={(chosen, body) => {
              setMacro(chosen);
              if (chosen) form.setFieldValue("body", body);
            }}
          />
        )}
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
            {macro && !internal ? "Reply and apply macro" : "Reply"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
