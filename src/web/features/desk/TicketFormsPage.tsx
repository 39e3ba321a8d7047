import { ActionIcon, Button, Checkbox, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { formFieldKinds } from "../../../server/modules/desk/contracts/forms.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import type { TicketType } from "./api.js";
import {
  type FormField,
  type FormFieldBody,
  formsApi,
  useTicketForm,
  useTicketFormRefresh,
} from "./forms-api.js";
import { ticketTypeLabels, ticketTypeOptions } from "./labels.js";

const kindLabels: Record<(typeof formFieldKinds)[number], string> = {
  text: "Text",
  choice: "Choice",
  date: "Date",
  study: "Development environment study",
};
const kindOptions = formFieldKinds.map((kind) => ({ value: kind, label: kindLabels[kind] }));
// Access requests come from the public form, which has fields of its own.
const typeOptions = ticketTypeOptions.filter((option) => option.value !== "access_request");

type FieldValues = {
  key: string;
  label: string;
  help: string;
  kind: string;
  options: string;
  required: boolean;
};

function AddFieldForm({ type, nextPosition }: { type: TicketType; nextPosition: number }) {
  const refresh = useTicketFormRefresh(type);
  const form = useForm<FieldValues, FormFieldBody>({
    initialValues: { key: "", label: "", help: "", kind: "text", options: "", required: false },
    validate: { key: isNotEmpty("Give the field a key."), label: isNotEmpty("Label the field.") },
    transformValues: (values) => ({
      ...values,
      kind: values.kind as FormFieldBody["kind"],
      options:
        values.kind === "choice"
          ? values.options
              .split("\n")
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      position: nextPosition,
    }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, (body) => formsApi.add(type, body), {
    onSuccess: () => refresh(),
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <Group grow align="flex-start">
          <TextInput label="Label" required {...form.getInputProps("label")} />
          <TextInput label="Key" description="e.g. studyId" required {...form.getInputProps("key")} />
        </Group>
        <TextInput label="Help text" {...form.getInputProps("help")} />
        <Select label="Kind" data={kindOptions} allowDeselect={false} {...form.getInputProps("kind")} />
        {form.values.kind === "choice" && (
          <TextInput
            component="textarea"
            label="Options"
            description="One per line"
            {...form.getInputProps("options")}
          />
        )}
        <Checkbox label="Required" {...form.getInputProps("required", { type: "checkbox" })} />
        <Button type="submit" loading={pending} w="fit-content">
          Add field
        </Button>
      </Stack>
    </form>
  );
}

function FieldList({ type, fields }: { type: TicketType; fields: FormField[] }) {
  const refresh = useTicketFormRefresh(type);
  if (fields.length === 0) return <Text c="dimmed">This type has no custom fields.</Text>;
  const remove = (field: FormField) =>
    formsApi
      .remove(field.id)
      .then(refresh)
      .catch((failure: Error) => notifyFailure(failure.message));
  return (
    <Stack gap="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {fields.map((field) => (
        <li key={field.id}>
          <Group justify="space-between" wrap="nowrap">
            <Text>
              <strong>{field.label}</strong> ({kindLabels[field.kind]}
              {field.required ? ", required" : ""}) <code>{field.key}</code>
            </Text>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove ${field.label}`}
              onClick={() => remove(field)}
            >
              <IconTrash size={18} />
            </ActionIcon>
          </Group>
        </li>
      ))}
    </Stack>
  );
}

/** `/desk/forms`: staff define each ticket type's custom fields, which the new ticket form asks for. */
export function TicketFormsPage() {
  const [type, setType] = useState<TicketType>("dev_environment_question");
  const form = useTicketForm(type);
  return (
    <Page title="Ticket forms">
      <Stack gap="lg">
        <Select
          label="Ticket type"
          data={typeOptions}
          value={type}
          onChange={(value) => value && setType(value as TicketType)}
          allowDeselect={false}
          maw={420}
        />
        <Section title={`Fields of ${ticketTypeLabels[type]}`}>
          {form.isPending ? (
            <PageLoader />
          ) : form.isError ? (
            <ErrorAlert error={form.error} />
          ) : (
            <FieldList type={type} fields={form.data.fields} />
          )}
        </Section>
        <Section title="New field">
          <AddFieldForm key={type} type={type} nextPosition={(form.data?.fields.length ?? 0) + 1} />
        </Section>
      </Stack>
    </Page>
  );
}
