import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatNumber } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { Fact } from "../desk/Fact.js";
import { type ImportReport, type ImportRun, importKeys, importSourceLabels, importsApi } from "./api.js";
import { countLabel, destinationOf, statusColours, statusLabels, unknownPeopleLabels } from "./labels.js";

/** Problems shown before "Show all": the report lists up to 200. */
const PROBLEMS_SHOWN = 10;

export function ImportStatusBadge({ status }: { status: ImportRun["status"] }) {
  return (
    <Badge color={statusColours[status]} variant="light" data-testid="import-status">
      {statusLabels[status]}
    </Badge>
  );
}

/**
 * How far a survey or an import is: done of total, or only how many were read while the total is
 * not known yet (the survey counts as it reads), which a screen reader hears as an unfinished bar.
 */
function RunProgress({ run }: { run: ImportRun }) {
  const surveying = run.status === "surveying";
  const known = run.total > 0;
  const percent = known ? Math.min(100, Math.round((run.done / run.total) * 100)) : 100;
  const label = surveying ? "Survey progress" : "Import progress";
  const text = known
    ? `${formatNumber(run.done)} of ${formatNumber(run.total)}`
    : `${formatNumber(run.done)} read`;
  return (
    <Stack gap={4} data-testid="import-progress">
      <Progress.Root size="lg">
        <Progress.Section
          value={percent}
          animated
          withAria={false}
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={known ? run.total : undefined}
          aria-valuenow={known ? run.done : undefined}
          aria-valuetext={text}
        />
      </Progress.Root>
      <Text size="sm" c="dimmed">
        {surveying ? "Reading the export" : "Importing"}: {text}
      </Text>
    </Stack>
  );
}

/** "1 person", "2 people": a count with its noun. */
const counted = (value: number, one: string, many: string) =>
  `${formatNumber(value)} ${value === 1 ? one : many}`;

function CountsTable({ counts }: { counts: Record<string, number> }) {
  // The report is stored as jsonb, which keeps no key order: the table reads in its labels' order.
  const entries = Object.entries(counts)
    .map(([key, value]) => [countLabel(key), value] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <Text size="sm">The export holds nothing to import.</Text>;
  return (
    <Table verticalSpacing={4} maw={480} data-testid="import-counts" aria-label="What the export holds">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Item</Table.Th>
          <Table.Th ta="right">Count</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Td>{label}</Table.Td>
            <Table.Td ta="right">{formatNumber(value)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function People({
  people,
  unknownPeople,
}: {
  people: ImportReport["people"];
  unknownPeople: ImportRun["unknownPeople"];
}) {
  const unmatchedCount = people.placeholders + people.skipped;
  const unlisted = unmatchedCount - people.unmatched.length;
  return (
    <Stack gap="sm" data-testid="import-people">
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Fact label="Matched to accounts">{formatNumber(people.matched)}</Fact>
        <Fact label="Placeholder accounts">{formatNumber(people.placeholders)}</Fact>
        <Fact label="Left out">{formatNumber(people.skipped)}</Fact>
        <Fact label="Without an address">{formatNumber(people.withoutAddress)}</Fact>
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        People are matched to accounts by e-mail address. Those without one (bots, deleted users) write as
        “Former member”.
      </Text>
      {people.unmatched.length > 0 && (
        <Stack gap={4}>
          <Title order={4} size="h6">
            {unknownPeople === "placeholder"
              ? "Placeholder accounts to be made"
              : "People left out (their messages stay, as “Former member”)"}
          </Title>
          <List size="sm" spacing={2} data-testid="import-unmatched">
            {people.unmatched.map((person) => (
              <List.Item key={person.email}>
                {person.name} <Text span size="sm" c="dimmed">{`<${person.email}>`}</Text>
              </List.Item>
            ))}
          </List>
          {unlisted > 0 && <Text size="sm">and {formatNumber(unlisted)} more</Text>}
        </Stack>
      )}
      {people.newOrganisations.length > 0 && (
        <Stack gap={4}>
          <Title order={4} size="h6">
            New organisations, one for each domain
          </Title>
          <List size="sm" spacing={2} data-testid="import-new-organisations">
            {people.newOrganisations.map((domain) => (
              <List.Item key={domain}>{domain}</List.Item>
            ))}
          </List>
        </Stack>
      )}
    </Stack>
  );
}

function Problems({ report }: { report: ImportReport }) {
  const [showAll, setShowAll] = useState(false);
  if (report.problemCount === 0) return <Text size="sm">Nothing in the export is left behind.</Text>;
  const shown = showAll ? report.problems : report.problems.slice(0, PROBLEMS_SHOWN);
  const more = report.problemCount - shown.length;
  return (
    <Stack gap={4}>
      <List size="sm" spacing={4} data-testid="import-problems">
        {shown.map((problem, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a report's problems never move, and may repeat.
          <List.Item key={index}>
            <Text span size="sm" fw={600}>
              {problem.item}
            </Text>
            : {problem.reason}
          </List.Item>
        ))}
      </List>
      {more > 0 && (
        <Group gap="xs">
          <Text size="sm">and {formatNumber(more)} more</Text>
          {!showAll && report.problems.length > shown.length && (
            <Button variant="subtle" size="compact-sm" onClick={() => setShowAll(true)}>
              Show {formatNumber(report.problems.length - shown.length)} more
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}

/** The dry run's findings: what comes over, whose it is, and what cannot come over. */
export function DryRunReport({ run, report }: { run: ImportRun; report: ImportReport }) {
  return (
    <Stack gap="lg" data-testid="import-report">
      <Stack gap="xs">
        <Title order={3} size="h5">
          What the export holds
        </Title>
        <CountsTable counts={report.counts} />
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h5">
          People
        </Title>
        <People people={report.people} unknownPeople={run.unknownPeople} />
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h5">
          What cannot come over ({formatNumber(report.problemCount)})
        </Title>
        <Problems report={report} />
      </Stack>
    </Stack>
  );
}

/** Starts the import of a surveyed run, or resumes one that stopped; the page polls from then on. */
function StartButton({ run, label }: { run: ImportRun; label: string }) {
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => importsApi.start(run.id),
    onSuccess: (started) => {
      queryClient.setQueryData(importKeys.run(run.id), started);
      return queryClient.invalidateQueries({ queryKey: importKeys.runs });
    },
  });
  return (
    <Stack gap="xs">
      <ErrorAlert error={start.error} title="The import did not start" />
      <Button w="fit-content" loading={start.isPending} onClick={() => start.mutate()}>
        {label}
      </Button>
    </Stack>
  );
}

function Outcome({ run }: { run: ImportRun }) {
  switch (run.status) {
    case "surveying":
      return (
        <Stack gap="xs">
          <Text size="sm">The dry run reads the whole export; nothing is written yet.</Text>
          <RunProgress run={run} />
        </Stack>
      );
    case "importing":
      return (
        <Stack gap="xs">
          <Text size="sm">
            Nobody is notified or e-mailed about what comes over. You may leave this page: the import goes on.
          </Text>
          <RunProgress run={run} />
        </Stack>
      );
    case "ready":
      return (
        <Stack gap="xs">
          <Text size="sm">
            Nothing has been written yet. Importing writes what the report counts; nobody is notified or
            e-mailed, and an export imported twice writes nothing new.
          </Text>
          <StartButton run={run} label="Import" />
        </Stack>
      );
    case "imported": {
      const destination = destinationOf(run.source, run.groupHandle);
      const people = run.report?.people;
      return (
        <Alert color="green" variant="light" title="Imported" data-testid="import-imported">
          <Stack gap={4} align="flex-start">
            <Text size="sm">
              {counted(run.total, "item was", "items were")} imported
              {run.finishedAt ? ` on ${formatDateTime(run.finishedAt)}` : ""}
              {people
                ? `: ${counted(people.matched, "person", "people")} matched to accounts, ${counted(people.placeholders, "placeholder account", "placeholder accounts")} made.`
                : "."}
            </Text>
            <Anchor component={Link} to={destination.to} size="sm" fw={600}>
              {destination.label}
            </Anchor>
          </Stack>
        </Alert>
      );
    }
    case "failed":
    case "interrupted": {
      const surveyed = run.report !== null;
      return (
        <Stack gap="sm">
          <Alert
            color={run.status === "failed" ? "red" : "orange"}
            variant="light"
            title={run.status === "failed" ? "The import stopped" : "The import was interrupted"}
            data-testid="import-error"
          >
            {run.error ??
              "The server stopped while this run was under way. What was written stays; resuming writes the rest."}
          </Alert>
          {surveyed ? (
            <StartButton run={run} label="Resume import" />
          ) : (
            <Text size="sm">
              The export could not be surveyed.{" "}
              <Anchor component={Link} to="/admin/imports" inherit>
                Upload it again
              </Anchor>
              .
            </Text>
          )}
        </Stack>
      );
    }
  }
}

/** One run: what was uploaded, where it stands, and its dry-run report once there is one. */
export function ImportRunView({ run }: { run: ImportRun }) {
  return (
    <Stack gap="lg">
      <Section title="Status" actions={<ImportStatusBadge status={run.status} />}>
        {/* The run moves by itself: a screen reader hears each new status, not every tick of progress. */}
        <VisuallyHidden role="status">{statusLabels[run.status]}</VisuallyHidden>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Fact label="Source">{importSourceLabels[run.source]}</Fact>
          <Fact label="File">
            <Text span size="sm" style={{ wordBreak: "break-all" }}>
              {run.filename}
            </Text>
          </Fact>
          <Fact label="Started by">
            {run.startedBy.name}, {formatDateTime(run.createdAt)}
          </Fact>
          <Fact label="People without an account">{unknownPeopleLabels[run.unknownPeople]}</Fact>
          {run.groupHandle && <Fact label="Group">{run.groupHandle}</Fact>}
        </SimpleGrid>
        <Outcome run={run} />
      </Section>
      {run.report && (
        <Section
          title="Dry-run report"
          description="What the survey of the export found, before anything was written."
        >
          <DryRunReport run={run} report={run.report} />
        </Section>
      )}
    </Stack>
  );
}
