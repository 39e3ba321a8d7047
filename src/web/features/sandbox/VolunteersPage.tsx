import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useFiltersInAddress } from "../../app/filters-in-address.js";
import { formatDate, formatNumber } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { useDiscardGuard } from "../../app/ui/discard-guard.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import type { SandboxStatus } from "./api.js";
import { SandboxGate } from "./SandboxPage.js";
import { useStudies } from "./studies-api.js";
import { VolunteerForm } from "./VolunteerForm.js";
import {
  canWriteVolunteers,
  displayOptions,
  recruitmentStatusColors,
  recruitmentStatusLabels,
  recruitmentStatusOptions,
  sexLabels,
  sexOptions,
  useVolunteers,
  VOLUNTEER_PAGE_SIZE,
  type Volunteer,
  type VolunteerFilters,
} from "./volunteers-api.js";

const filterNames: (keyof VolunteerFilters)[] = [
  "status",
  "sex",
  "ageMin",
  "ageMax",
  "bmiMin",
  "bmiMax",
  "studyId",
  "q",
  "display",
];

export function RecruitmentStatusBadge({ status }: { status: Volunteer["recruitmentStatus"] }) {
  return (
    <Badge variant="light" color={recruitmentStatusColors[status]}>
      {recruitmentStatusLabels[status]}
    </Badge>
  );
}

type FilterProps = { filters: VolunteerFilters; onChange: (change: Partial<VolunteerFilters>) => void };

function Filters({ filters, onChange }: FilterProps) {
  const studies = useStudies({});
  const [text, setText] = useState(filters.q);
  const search = useDebouncedCallback((q: string) => onChange({ q }), 300);
  const select = (name: "status" | "sex" | "studyId") => ({
    value: filters[name] || null,
    onChange: (value: string | null) => onChange({ [name]: value ?? "" }),
    placeholder: "Any",
    clearable: true,
  });
  const number = (name: "ageMin" | "ageMax" | "bmiMin" | "bmiMax") => ({
    value: filters[name],
    onChange: (value: number | string) => onChange({ [name]: String(value) }),
    min: 0,
    hideControls: true,
  });
  const studyOptions = (studies.data ?? []).map((study) => ({
    value: study.id,
    label: `${study.protocolNumber}: ${study.title}`,
  }));
  return (
    <Stack gap="sm" data-testid="volunteer-filters">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <TextInput
          label="Search"
          placeholder="Display id or name, from the start"
          type="search"
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            search(event.currentTarget.value);
          }}
        />
        <Select label="Status" data={recruitmentStatusOptions} {...select("status")} />
        <Select label="Sex" data={sexOptions} {...select("sex")} />
        <Select
          label="Study"
          data={studyOptions}
          searchable
          nothingFoundMessage="No study by that name"
          {...select("studyId")}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
        <NumberInput label="Age from" allowDecimal={false} {...number("ageMin")} />
        <NumberInput label="Age to" allowDecimal={false} {...number("ageMax")} />
        <NumberInput label="BMI from" decimalScale={1} {...number("bmiMin")} />
        <NumberInput label="BMI to" decimalScale={1} {...number("bmiMax")} />
        <Select
          label="Show"
          data={displayOptions}
          value={filters.display || null}
          placeholder="Your default"
          clearable
          onChange={(value) => onChange({ display: value ?? "" })}
        />
      </SimpleGrid>
    </Stack>
  );
}

/** Age or year of birth, as much as the display setting shows. */
function ageText(volunteer: Volunteer): string {
  if (volunteer.dateOfBirth) return `${volunteer.age} (born ${formatDate(volunteer.dateOfBirth)})`;
  if (volunteer.yearOfBirth) return `${volunteer.age} (born ${volunteer.yearOfBirth})`;
  return volunteer.ageBand;
}

function VolunteerTable({ volunteers, filtered }: { volunteers: Volunteer[]; filtered: boolean }) {
  if (volunteers.length === 0)
    return (
      <Text c="dimmed" data-testid="volunteers-empty">
        {filtered
          ? "No volunteer matches these filters. Clear a filter or widen a range to see more."
          : "There are no volunteers yet. Add one, or import a CSV that is obfuscated on the way in."}
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="volunteer-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Display id</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Sex</Table.Th>
            <Table.Th>Age</Table.Th>
            <Table.Th>BMI</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Region</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {volunteers.map((volunteer) => (
            <Table.Tr key={volunteer.id}>
              <Table.Td>
                <Anchor component={Link} to={`/sandbox/volunteers/${volunteer.id}`} fw={600}>
                  {volunteer.displayId}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {volunteer.firstName === undefined ? "—" : `${volunteer.firstName} ${volunteer.lastName}`}
              </Table.Td>
              <Table.Td>{sexLabels[volunteer.sex]}</Table.Td>
              <Table.Td>{ageText(volunteer)}</Table.Td>
              <Table.Td>{volunteer.bmi?.toFixed(1) ?? "—"}</Table.Td>
              <Table.Td>
                <RecruitmentStatusBadge status={volunteer.recruitmentStatus} />
              </Table.Td>
              <Table.Td>{volunteer.region ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** One page of the list at a time; the cursors of the pages before are kept to go back. */
function VolunteerList({ filters }: { filters: VolunteerFilters }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const filterKey = JSON.stringify(filters);
  const [listedFor, setListedFor] = useState(filterKey);
  // New filters start again at the first page (the old cursors belong to the old list).
  if (listedFor !== filterKey) {
    setListedFor(filterKey);
    setCursors([]);
  }
  const cursor = cursors.at(-1) ?? null;
  const list = useVolunteers(filters, cursor);
  if (list.isPending) return <PageLoader />;
  if (list.isError) return <ErrorAlert error={list.error} />;
  const { volunteers, total, nextCursor } = list.data;
  const first = cursors.length * VOLUNTEER_PAGE_SIZE + 1;
  const filtered = filterNames.some((name) => name !== "display" && filters[name] !== "");
  return (
    <Stack>
      <VolunteerTable volunteers={volunteers} filtered={filtered} />
      {volunteers.length > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="volunteer-count">
            {first}–{first + volunteers.length - 1} of {formatNumber(total)}{" "}
            {total === 1 ? "volunteer" : "volunteers"}
          </Text>
          <Group gap="xs">
            <Button
              variant="default"
              size="xs"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Previous
            </Button>
            <Button
              variant="default"
              size="xs"
              disabled={!nextCursor || list.isPlaceholderData}
              onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
            >
              Next
            </Button>
          </Group>
        </Group>
      )}
    </Stack>
  );
}

function AddVolunteer() {
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const { reportDirty, requestClose } = useDiscardGuard(() => setOpened(false));
  return (
    <>
      <Button onClick={() => setOpened(true)}>Add volunteer</Button>
      <Modal opened={opened} onClose={requestClose} title="Add volunteer" size="lg">
        <VolunteerForm
          onSaved={(volunteer) => {
            reportDirty(false);
            notifySuccess(`${volunteer.displayId} was added.`);
            navigate(`/sandbox/volunteers/${volunteer.id}`);
          }}
          onCancel={requestClose}
          onDirtyChange={reportDirty}
        />
      </Modal>
    </>
  );
}

function Volunteers({ status }: { status: SandboxStatus }) {
  const [filters, setFilters] = useFiltersInAddress<VolunteerFilters>(filterNames);
  const mayWrite = canWriteVolunteers(status.role);
  return (
    <>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Every volunteer here is synthetic or obfuscated on import. Choose how much of each to show.
        </Text>
        <Group gap="sm">
          {mayWrite && (
            <Button component={Link} to="/sandbox/import" variant="default">
              Import volunteers
            </Button>
          )}
          {mayWrite && <AddVolunteer />}
        </Group>
      </Group>
      <Filters filters={filters} onChange={setFilters} />
      <VolunteerList filters={filters} />
    </>
  );
}

/** `/sandbox/volunteers`: the Phase 1 volunteer database, filtered, paged and shown as privacy allows. */
export function VolunteersPage() {
  return (
    <Page title="Volunteers" size="xl">
      <SandboxGate>{(status) => <Volunteers status={status} />}</SandboxGate>
    </Page>
  );
}
