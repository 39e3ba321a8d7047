import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useFiltersInAddress } from "../../app/filters-in-address.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import type { SandboxStatus } from "./api.js";
import { SandboxGate } from "./SandboxPage.js";
import { StudyForm } from "./StudyForm.js";
import { StudyTransfer } from "./StudyTransfer.js";
import {
  mayCreateStudies,
  type StudyFilters,
  type StudySummary,
  studiesApi,
  studyPhaseOptions,
  studyStatusColors,
  studyStatusLabels,
  studyStatusOptions,
  useStudies,
} from "./studies-api.js";

const filterNames: (keyof StudyFilters)[] = ["status", "phase", "q"];

function Filters({
  filters,
  onChange,
}: {
  filters: StudyFilters;
  onChange: (change: Partial<StudyFilters>) => void;
}) {
  const [text, setText] = useState(filters.q);
  const search = useDebouncedCallback((q: string) => onChange({ q }), 300);
  const select = (name: "status" | "phase") => ({
    value: filters[name] || null,
    onChange: (value: string | null) => onChange({ [name]: value ?? "" }),
    placeholder: "Any",
    clearable: true,
  });
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
      <TextInput
        label="Search"
        placeholder="Protocol number, title or sponsor"
        type="search"
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          search(event.currentTarget.value);
        }}
      />
      <Select label="Status" data={studyStatusOptions} {...select("status")} />
      <Select label="Phase" data={studyPhaseOptions} {...select("phase")} />
    </SimpleGrid>
  );
}

export function StudyStatusBadge({ status }: { status: StudySummary["status"] }) {
  return (
    <Badge variant="light" color={studyStatusColors[status]} data-testid="study-status">
      {studyStatusLabels[status]}
    </Badge>
  );
}

function StudyTable({ studies, filtered }: { studies: StudySummary[]; filtered: boolean }) {
  if (studies.length === 0)
    return (
      <Text c="dimmed">
        {filtered
          ? "No study matches these filters. Clear a filter to see more."
          : "There are no studies yet. A study coordinator or the product team adds the first one with New study."}
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="study-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Protocol</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Sponsor</Table.Th>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Organisation</Table.Th>
            <Table.Th>Design</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {studies.map((study) => (
            <Table.Tr key={study.id}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <Anchor component={Link} to={`/sandbox/studies/${study.id}`} fw={600}>
                  {study.protocolNumber}
                </Anchor>
              </Table.Td>
              <Table.Td>{study.title}</Table.Td>
              <Table.Td>{study.sponsor}</Table.Td>
              <Table.Td>{study.phase}</Table.Td>
              <Table.Td>
                <StudyStatusBadge status={study.status} />
              </Table.Td>
              <Table.Td>{study.organisation.name}</Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {study.cohortCount} {study.cohortCount === 1 ? "cohort" : "cohorts"}, {study.eventCount}{" "}
                  {study.eventCount === 1 ? "event" : "events"}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function NewStudy() {
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Group justify="flex-end">
        <Button onClick={() => setOpened(true)}>New study</Button>
      </Group>
      <Modal opened={opened} onClose={() => setOpened(false)} title="New study" size="lg">
        <Text size="sm" c="dimmed" mb="md">
          The study starts in design, owned by your organisation. Add its epochs, cohorts and events, then
          activate it.
        </Text>
        <StudyForm
          study={null}
          submitLabel="Create study"
          submit={studiesApi.create}
          onSaved={(study) => navigate(`/sandbox/studies/${study.id}`)}
        />
      </Modal>
    </>
  );
}

function Studies({ status }: { status: SandboxStatus }) {
  const [filters, setFilters] = useFiltersInAddress<StudyFilters>(filterNames);
  const studies = useStudies(filters);
  const filtered = filterNames.some((name) => filters[name] !== "");
  return (
    <>
      {mayCreateStudies(status.role) && <NewStudy />}
      <Filters filters={filters} onChange={setFilters} />
      {studies.isPending ? (
        <PageLoader />
      ) : studies.isError ? (
        <ErrorAlert error={studies.error} />
      ) : (
        <StudyTable studies={studies.data} filtered={filtered} />
      )}
      {mayCreateStudies(status.role) && <StudyTransfer />}
    </>
  );
}

/** `/sandbox/studies`: every study of the shared instance, filtered; coordinators add new ones. */
export function StudiesPage() {
  return (
    <Page title="Studies">
      <SandboxGate>{(status) => <Studies status={status} />}</SandboxGate>
    </Page>
  );
}
