import { Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { isApiError } from "../../app/api.js";
import type { Ticket, TicketType } from "./api.js";
import { type FormField, useTicketForm } from "./forms-api.js";

type WithFields = { fields: Record<string, string> };

function FieldInput<Values extends WithFields>({
  field,
  form,
  studies,
}: {
  field: FormField;
  form: UseFormReturnType<Values>;
  studies: { id: string; label: string }[];
}) {
  const common = {
    label: field.label,
    description: field.help || undefined,
    required: field.required,
    ...form.getInputProps(`fields.${field.key}`),
    value: form.values.fields[field.key] ?? "",
  };
  switch (field.kind) {
    case "choice":
      return <Select {...common} data={field.options} clearable={!field.required} />;
    case "study":
      return (
        <Select
          {...common}
          data={studies.map((study) => ({ value: study.id, label: study.label }))}
          searchable
          clearable={!field.required}
          nothingFoundMessage="No study you can open matches"
          placeholder={studies.length === 0 ? "No development environment study to choose" : undefined}
        />
      );
    case "date":
      return <TextInput {...common} type="date" />;
    default:
      return <Textarea {...common} autosize minRows={3} />;
  }
}

/** The chosen type's custom fields on the new ticket form, in their order. */
export function CustomFields<Values extends WithFields>({
  type,
  form,
}: {
  type: TicketType;
  form: UseFormReturnType<Values>;
}) {
  const ticketForm = useTicketForm(type);
  if (!ticketForm.data || ticketForm.data.fields.length === 0) return null;
  return (
    <Stack gap="md">
      {ticketForm.data.fields.map((field) => (
        <FieldInput key={field.id} field={field} form={form} studies={ticketForm.data.studies} />
      ))}
    </Stack>
  );
}

/** What the ticket was opened with, for the requester and staff. */
export function CustomFieldValues({ ticket }: { ticket: Ticket }) {
  if (ticket.fields.length === 0) return null;
  return (
    <Stack gap="xs" component="dl" m={0} data-testid="ticket-fields">
      {ticket.fields.map((field) => (
        <div key={field.key}>
          <Text component="dt" size="sm" c="dimmed">
            {field.label}
          </Text>
          <Text component="dd" m={0} style={{ whiteSpace: "pre-wrap" }}>
            {field.display}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

/**
 * The server names a custom field's problem `fields.<key>`, which is the input's path here: those go
 * on the inputs; anything else takes the form's usual way.
 */
export function showFieldErrors<Values extends WithFields>(
  form: UseFormReturnType<Values>,
  failure: unknown,
): boolean {
  if (!isApiError(failure)) return false;
  const names = Object.keys(failure.fields);
  if (names.length === 0 || !names.every((name) => name.startsWith("fields."))) return false;
  form.setErrors(failure.fields);
  return true;
}
