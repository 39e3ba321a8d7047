import { ActionIcon, Button, Group, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { macroPlaceholders } from "../../../server/modules/desk/contracts/macros.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { useStaff } from "./api.js";
import { ticketStatusOptions } from "./labels.js";
import { macroEffects } from "./MacroPicker.js";
import { type Macro, type MacroBody, macrosApi, useMacros, useMacrosRefresh } from "./macros-api.js";

type MacroValues = { name: string; body: string; status: string; assignee: string };

const blank: MacroValues = { name: "", body: "", status: "", assignee: "" };
const valuesOf = (macro: Macro): MacroValues => ({
  name: macro.name,
  body: macro.body,
  status: macro.status ?? "",
  assignee: macro.assignee ?? "",
});

function MacroForm({ editing, onDone }: { editing: Macro | null; onDone: () => void }) {
  const refresh = useMacrosRefresh();
  const staff = useStaff();
  const form = useForm<MacroValues, MacroBody>({
    initialValues: editing ? valuesOf(editing) : blank,
    validate: { name: isNotEmpty("Name the macro."), body: isNotEmpty("Write the reply the macro sends.") },
    transformValues: (values) => ({
      name: values.name,
      body: values.body,
      status: (values.status || null) as MacroBody["status"],
      assignee: values.assignee || null,
    }),
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (body) => (editing ? macrosApi.update(editing.id, body) : macrosApi.create(body)),
    {
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    },
  );
  const assigneeOptions = [
    { value: "", label: "Leave as it is" },
    { value: "me", label: "Whoever sends it" },
    { value: "none", label: "Nobody (unassign)" },
    ...(staff.data ?? []).map((person) => ({ value: person.id, label: person.name })),
  ];
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <TextInput label="Name" required {...form.getInputProps("name")} />
        <Textarea
          label="Reply"
          description={`Markdown. Placeholders: ${macroPlaceholders.map((p) => `{{${p}}}`).join(", ")}`}
          autosize
          minRows={4}
          required
          {...form.getInputProps("body")}
        />
        <Group grow align="flex-start">
          <Select
            label="Then set status"
            data={[{ value: "", label: "Leave as it is" }, ...ticketStatusOptions]}
            allowDeselect={false}
            {...form.getInputProps("status")}
          />
          <Select
            label="Then assign to"
            data={assigneeOptions}
            allowDeselect={false}
            {...form.getInputProps("assignee")}
          />
        </Group>
        <Group justify="flex-end">
          {editing && (
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={pending}>
            {editing ? "Save macro" : "Add macro"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function MacroList({ macros, onEdit }: { macros: Macro[]; onEdit: (macro: Macro) => void }) {
  const refresh = useMacrosRefresh();
  const staff = useStaff();
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = async (macro: Macro) => {
    setRemoving(macro.id);
    await macrosApi
      .remove(macro.id)
      .then(refresh)
      .catch((failure: Error) => notifyFailure(failure.message))
      .finally(() => setRemoving(null));
  };
  if (macros.length === 0) return <Text c="dimmed">No macros yet.</Text>;
  return (
    <Stack gap="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {macros.map((macro) => {
        const named = staff.data?.find((person) => person.id === macro.assignee)?.name;
        return (
          <li key={macro.id}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <div style={{ minWidth: 0 }}>
                <Text fw={600}>{macro.name}</Text>
                <Text size="sm" c="dimmed" lineClamp={2}>
                  {macro.body}
                </Text>
                <Text size="sm">{macroEffects(macro, named) ?? "Reply only."}</Text>
              </div>
              <Group gap={4} wrap="nowrap">
                <ActionIcon variant="subtle" aria-label={`Edit ${macro.name}`} onClick={() => onEdit(macro)}>
                  <IconPencil size={18} />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${macro.name}`}
                  loading={removing === macro.id}
                  onClick={() => remove(macro)}
                >
                  <IconTrash size={18} />
                </ActionIcon>
              </Group>
            </Group>
          </li>
        );
      })}
    </Stack>
  );
}

/** `/desk/macros`: the product team's shared canned replies, each with optional status and assignee changes. */
export function MacrosPage() {
  const macros = useMacros();
  const [editing, setEditing] = useState<Macro | null>(null);
  return (
    <Page title="Macros">
      <Stack gap="lg">
        <Section title={editing ? `Edit ${editing.name}` : "New macro"}>
          <MacroForm key={editing?.id ?? "new"} editing={editing} onDone={() => setEditing(null)} />
        </Section>
        <Section title="Shared macros">
          {macros.isPending ? (
            <PageLoader />
          ) : macros.isError ? (
            <ErrorAlert error={macros.error} />
          ) : (
            <MacroList macros={macros.data} onEdit={setEditing} />
          )}
        </Section>
      </Stack>
    </Page>
  );
}
