import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import {
  type SlaPolicy,
  type SlaPolicyInput,
  type TicketPriority,
  useSaveSlaPolicy,
  useSlaPolicies,
} from "./sla-api.js";
import { priorityLabels } from "./sla-labels.js";

const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const priorities = Object.keys(priorityLabels) as TicketPriority[];

type DayForm = { open: boolean; start: string; end: string };
type PolicyForm = {
  timeZone: string;
  week: DayForm[];
  holidays: string;
  /** Hours of business time, as people state service levels; the server keeps minutes. */
  targets: Record<TicketPriority, { firstResponse: number; resolution: number }>;
};

const toForm = (policy: SlaPolicy): PolicyForm => ({
  timeZone: policy.timeZone,
  week: policy.week.map((day) =>
    day ? { open: true, ...day } : { open: false, start: "09:00", end: "17:00" },
  ),
  holidays: policy.holidays.join("\n"),
  targets: Object.fromEntries(
    priorities.map((priority) => [
      priority,
      {
        firstResponse: policy.targets[priority].firstResponse / 60,
        resolution: policy.targets[priority].resolution / 60,
      },
    ]),
  ) as PolicyForm["targets"],
});

const toInput = (form: PolicyForm): SlaPolicyInput => ({
  timeZone: form.timeZone.trim(),
  week: form.week.map((day) => (day.open ? { start: day.start, end: day.end } : null)),
  holidays: form.holidays
    .split(/[\s,]+/)
    .map((line) => line.trim())
    .filter(Boolean),
  targets: Object.fromEntries(
    priorities.map((priority) => [
      priority,
      {
        firstResponse: Math.round(form.targets[priority].firstResponse * 60),
        resolution: Math.round(form.targets[priority].resolution * 60),
      },
    ]),
  ) as SlaPolicyInput["targets"],
});

function PolicyEditor({ policy }: { policy: SlaPolicy }) {
  const form = useForm({
    initialValues: toForm(policy),
    transformValues: (values: PolicyForm): SlaPolicyInput => toInput(values),
  });
  const save = useSaveSlaPolicy(policy.organisation.id);
  const { onSubmit, error, pending } = useFormSubmit(form, save, {
    afterSuccess: "keep",
    onSuccess: () => notifySuccess(`Service levels of ${policy.organisation.name} saved.`),
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <Text size="sm" c="dimmed">
          {policy.custom
            ? "This organisation has its own service levels."
            : "This organisation follows the default service levels until you save its own."}
        </Text>
        <TextInput
          label="Time zone"
          description="An IANA zone, such as Europe/Berlin or America/New_York. Business hours and holidays are in this zone."
          {...form.getInputProps("timeZone")}
        />
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Business hours
          </Text>
          {weekdays.map((name, index) => (
            <SimpleGrid key={name} cols={{ base: 1, xs: 3 }} spacing="xs" verticalSpacing={4}>
              <Checkbox
                label={name}
                mt={{ xs: 8 }}
                {...form.getInputProps(`week.${index}.open`, { type: "checkbox" })}
              />
              <TextInput
                type="time"
                aria-label={`${name} opens`}
                disabled={!form.values.week[index]?.open}
                {...form.getInputProps(`week.${index}.start`)}
              />
              <TextInput
                type="time"
                aria-label={`${name} closes`}
                disabled={!form.values.week[index]?.open}
                {...form.getInputProps(`week.${index}.end`)}
                error={form.errors[`week.${index}.end`] ?? form.errors[`week.${index}`]}
              />
            </SimpleGrid>
          ))}
          {form.errors.week && (
            <Text size="sm" c="red.8">
              {form.errors.week}
            </Text>
          )}
        </Stack>
        <Textarea
          label="Holidays"
          description="One date a line, YYYY-MM-DD: nobody works and the clocks stand still."
          autosize
          minRows={2}
          {...form.getInputProps("holidays")}
        />
        <ResponsiveTable minWidth={360}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Priority</Table.Th>
                <Table.Th>First response (business hours)</Table.Th>
                <Table.Th>Resolution (business hours)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {priorities.map((priority) => (
                <Table.Tr key={priority}>
                  <Table.Td>{priorityLabels[priority]}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      aria-label={`${priorityLabels[priority]} first response in business hours`}
                      min={0.25}
                      step={0.5}
                      decimalScale={2}
                      {...form.getInputProps(`targets.${priority}.firstResponse`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NumberInput
                      aria-label={`${priorityLabels[priority]} resolution in business hours`}
                      min={0.25}
                      step={1}
                      decimalScale={2}
                      {...form.getInputProps(`targets.${priority}.resolution`)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ResponsiveTable>
        <Group>
          <Button type="submit" loading={pending}>
            Save service levels
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** `/desk/sla`: each organisation's time zone, business hours, holidays and targets (staff). */
export function SlaPolicyPage() {
  const policies = useSlaPolicies();
  const [chosen, setChosen] = useState<string | null>(null);
  if (policies.isPending) return <PageLoader />;
  if (policies.isError) {
    return (
      <Page title="Service levels">
        <ErrorAlert error={policies.error} />
      </Page>
    );
  }
  const policy = policies.data.find((one) => one.organisation.id === chosen) ?? policies.data[0];
  return (
    <Page title="Service levels" size="md">
      <Stack>
        <Select
          label="Organisation"
          data={policies.data.map((one) => ({ value: one.organisation.id, label: one.organisation.name }))}
          value={policy?.organisation.id ?? null}
          onChange={setChosen}
          allowDeselect={false}
          searchable
        />
        {policy && (
          <Section title={policy.organisation.name}>
            <PolicyEditor key={policy.organisation.id} policy={policy} />
          </Section>
        )}
      </Stack>
    </Page>
  );
}
