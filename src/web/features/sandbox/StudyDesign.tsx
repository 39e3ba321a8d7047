import { Button, Group, NumberInput, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { ReasonDialog } from "./ReasonDialog.js";
import {
  epochKindLabels,
  epochKindOptions,
  type Study,
  type StudyItems,
  studiesApi,
  useStudySaved,
} from "./studies-api.js";

/** One input of an epoch, cohort or event; numbers are whole study days or counts. */
type FieldSpec = {
  name: string;
  label: string;
  kind: "text" | "number" | "epochKind";
  /** What an empty input means, when the API has a default (an event's window is 0 days). */
  defaultValue?: number;
  description?: string;
};

type ItemValues = Record<string, string | number>;

/** How one kind of design item is entered and shown. */
type ItemKind = {
  items: StudyItems;
  title: string;
  description: string;
  /** "epoch", "cohort", "event": for buttons and messages. */
  noun: string;
  fields: FieldSpec[];
  rows: (study: Study) => { id: string; values: ItemValues; cells: string[] }[];
  empty: string;
};

const dayLabel = (day: number) => `Day ${day}`;

const itemKinds: ItemKind[] = [
  {
    items: "epochs",
    title: "Epochs",
    description: "The study's periods in study days: screening, treatment and follow-up.",
    noun: "epoch",
    fields: [
      { name: "kind", label: "Epoch", kind: "epochKind" },
      { name: "startDay", label: "Start day", kind: "number" },
      { name: "endDay", label: "End day", kind: "number" },
    ],
    rows: (study) =>
      study.epochs.map((epoch) => ({
        id: epoch.id,
        values: { kind: epoch.kind, startDay: epoch.startDay, endDay: epoch.endDay },
        cells: [epochKindLabels[epoch.kind], dayLabel(epoch.startDay), dayLabel(epoch.endDay)],
      })),
    empty: "No epochs yet. Add the screening, treatment and follow-up periods below.",
  },
  {
    items: "cohorts",
    title: "Cohorts",
    description: "The groups volunteers are assigned to, each with its size and dose.",
    noun: "cohort",
    fields: [
      { name: "name", label: "Name", kind: "text" },
      { name: "plannedSize", label: "Planned size", kind: "number" },
      { name: "dose", label: "Dose", kind: "text" },
    ],
    rows: (study) =>
      study.cohorts.map((cohort) => ({
        id: cohort.id,
        values: { name: cohort.name, plannedSize: cohort.plannedSize, dose: cohort.dose },
        cells: [cohort.name, String(cohort.plannedSize), cohort.dose],
      })),
    empty: "No cohorts yet. A study needs at least one cohort before it becomes active.",
  },
  {
    items: "events",
    title: "Events",
    description: "The scheduled visits and procedures, on a study day with a window either side.",
    noun: "event",
    fields: [
      { name: "name", label: "Name", kind: "text" },
      { name: "dayOffset", label: "Day", kind: "number" },
      {
        name: "windowDays",
        label: "Window (days)",
        kind: "number",
        defaultValue: 0,
        description: "Days either side",
      },
    ],
    rows: (study) =>
      study.events.map((event) => ({
        id: event.id,
        values: { name: event.name, dayOffset: event.dayOffset, windowDays: event.windowDays },
        cells: [event.name, dayLabel(event.dayOffset), `± ${event.windowDays} days`],
      })),
    empty: "No events yet. A study needs at least one event before it becomes active.",
  },
];

/** The values the API wants: numbers as numbers, an empty input with a default as that default. */
function toBody(fields: FieldSpec[], values: ItemValues): ItemValues {
  return Object.fromEntries(
    fields.map((field) => {
      const value = values[field.name] ?? "";
      if (field.kind !== "number") return [field.name, value];
      return [field.name, value === "" ? (field.defaultValue ?? "") : Number(value)];
    }),
  );
}

function ItemForm({
  kind,
  study,
  itemId,
  initialValues,
  onDone,
}: {
  kind: ItemKind;
  study: Study;
  /** The item to change, or null to add one. */
  itemId: string | null;
  initialValues: ItemValues;
  /** After an edit is saved or cancelled; an add form stays open, emptied, for the next item. */
  onDone?: () => void;
}) {
  const saved = useStudySaved();
  const needsReason = study.status === "active";
  const form = useForm<ItemValues & { reason: string }>({
    initialValues: { ...initialValues, reason: "" },
    validate: (values) => {
      const errors: Record<string, string> = {};
      for (const field of kind.fields)
        if (values[field.name] === "" && field.defaultValue === undefined)
          errors[field.name] = `Enter the ${field.label.toLowerCase()}.`;
      if (needsReason && !String(values.reason).trim())
        errors.reason = "Give a reason: changes to an active study are recorded with one.";
      return errors;
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: ItemValues) => {
      const body = { ...toBody(kind.fields, values), ...(needsReason ? { reason: values.reason } : {}) };
      return itemId
        ? studiesApi.changeItem(study.id, kind.items, itemId, body)
        : studiesApi.addItem(study.id, kind.items, body);
    },
    {
      onSuccess: (result: Study) => {
        notifySuccess(itemId ? `The ${kind.noun} is saved.` : `The ${kind.noun} is added.`);
        saved(result);
        if (itemId) onDone?.();
      },
      afterSuccess: itemId ? "keep" : "reset",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate data-testid={`${kind.noun}-form`}>
      <Stack gap="xs">
        <ErrorAlert error={error} />
        <Group align="flex-start" gap="sm" grow>
          {kind.fields.map((field) =>
            field.kind === "epochKind" ? (
              <Select
                key={field.name}
                label={field.label}
                data={epochKindOptions}
                allowDeselect={false}
                {...form.getInputProps(field.name)}
              />
            ) : field.kind === "number" ? (
              <NumberInput
                key={field.name}
                label={field.label}
                description={field.description}
                allowDecimal={false}
                {...form.getInputProps(field.name)}
              />
            ) : (
              <TextInput key={field.name} label={field.label} {...form.getInputProps(field.name)} />
            ),
          )}
        </Group>
        {needsReason && (
          <TextInput
            label="Reason"
            description="The study is active: the audit trail records why its design changed."
            {...form.getInputProps("reason")}
          />
        )}
        <Group gap="xs">
          <Button type="submit" size="sm" loading={pending}>
            {itemId ? "Save" : `Add ${kind.noun}`}
          </Button>
          {itemId && (
            <Button variant="default" size="sm" onClick={onDone}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function RemoveItem({
  kind,
  study,
  itemId,
  label,
}: {
  kind: ItemKind;
  study: Study;
  itemId: string;
  label: string;
}) {
  const saved = useStudySaved();
  const [opened, setOpened] = useState(false);
  const remove = useMutation({
    mutationFn: (reason: string | undefined) => studiesApi.removeItem(study.id, kind.items, itemId, reason),
    onSuccess: (result) => {
      setOpened(false);
      notifySuccess(`The ${kind.noun} is removed.`);
      saved(result);
    },
  });
  return (
    <>
      <Button
        variant="subtle"
        color="red"
        size="compact-sm"
        onClick={() => {
          remove.reset();
          setOpened(true);
        }}
      >
        Remove
      </Button>
      <ReasonDialog
        opened={opened}
        title={`Remove ${kind.noun} ${label}?`}
        confirmLabel="Remove"
        color="red"
        reasonRequired={study.status === "active"}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={(reason) => remove.mutate(reason)}
        onClose={() => setOpened(false)}
      >
        It leaves the design but stays in the audit trail.
      </ReasonDialog>
    </>
  );
}

function ItemSection({ kind, study }: { kind: ItemKind; study: Study }) {
  const [editing, setEditing] = useState<string | null>(null);
  const rows = kind.rows(study);
  const blank = Object.fromEntries(kind.fields.map((field) => [field.name, ""]));
  return (
    <Section title={kind.title} description={kind.description}>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          {kind.empty}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" data-testid={`study-${kind.items}`}>
            <Table.Thead>
              <Table.Tr>
                {kind.fields.map((field) => (
                  <Table.Th key={field.name}>{field.label}</Table.Th>
                ))}
                {study.canEdit && <ActionsHeader />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) =>
                editing === row.id ? (
                  <Table.Tr key={row.id}>
                    <Table.Td colSpan={kind.fields.length + 1}>
                      <ItemForm
                        kind={kind}
                        study={study}
                        itemId={row.id}
                        initialValues={row.values}
                        onDone={() => setEditing(null)}
                      />
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  <Table.Tr key={row.id}>
                    {row.cells.map((cell, index) => (
                      <Table.Td key={kind.fields[index]?.name}>{cell}</Table.Td>
                    ))}
                    {study.canEdit && (
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button variant="subtle" size="compact-sm" onClick={() => setEditing(row.id)}>
                            Edit
                          </Button>
                          <RemoveItem kind={kind} study={study} itemId={row.id} label={row.cells[0] ?? ""} />
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {study.canEdit && <ItemForm kind={kind} study={study} itemId={null} initialValues={blank} />}
    </Section>
  );
}

/** The Design tab: the study's epochs, cohorts and events, edited in place by those who may. */
export function StudyDesign({ study }: { study: Study }) {
  return (
    <Stack>
      {itemKinds.map((kind) => (
        <ItemSection key={kind.items} kind={kind} study={study} />
      ))}
    </Stack>
  );
}
