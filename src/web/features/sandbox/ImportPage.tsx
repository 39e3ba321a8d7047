import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Code,
  FileInput,
  Group,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatNumber } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { Fact } from "../desk/Fact.js";
import type { SandboxStatus } from "./api.js";
import { SandboxGate } from "./SandboxPage.js";
import {
  canWriteVolunteers,
  type ImportProgress,
  runImport,
  useImports,
  type VolunteerImport,
  volunteerKeys,
} from "./volunteers-api.js";

// The columns the importer reads and the identifier columns it drops unread (obfuscate.ts).
const acceptedColumns = [
  "first_name",
  "last_name",
  "sex",
  "date_of_birth",
  "height_cm",
  "weight_kg",
  "region",
  "zip (or postcode)",
  "email",
  "phone",
  "smoker",
  "recruitment_status",
  "medical_history",
];
const droppedExamples = [
  "full_name",
  "ssn",
  "mrn",
  "address",
  "street",
  "city",
  "national_insurance",
  "passport_number",
];

function ColumnNames({ names }: { names: string[] }) {
  return (
    <Group gap={6}>
      {names.map((name) => (
        <Code key={name}>{name}</Code>
      ))}
    </Group>
  );
}

function HowItWorks() {
  return (
    <Section title="How the import protects the data">
      <Text size="sm">
        Records are obfuscated on the way in, following HIPAA Safe Harbor: names become consistent pseudonyms
        (the same name always gives the same pseudonym), dates of birth shift by a few months per record so
        ages stay within a year, ZIP codes are cut to three digits, ages over 89 are stored as 90, and e-mails
        and phones are replaced by fictional ones. Direct identifiers such as social security or record
        numbers and street addresses are dropped unread, and every row still passes the PHI guard.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            Accepted columns (a header row is required)
          </Text>
          <ColumnNames names={acceptedColumns} />
          <Text size="sm" c="dimmed">
            The first six are required, with a region or a ZIP code.
          </Text>
        </Stack>
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            Dropped without being read
          </Text>
          <ColumnNames names={[...droppedExamples, "and other direct identifiers"]} />
          <Text size="sm" c="dimmed">
            Any other column refuses the whole file, so nothing unexpected is kept.
          </Text>
        </Stack>
      </SimpleGrid>
    </Section>
  );
}

const phaseLabels: Record<ImportProgress["phase"], string> = {
  checking: "Checking rows",
  writing: "Writing volunteers",
};

function ProgressBar({ progress }: { progress: ImportProgress | null }) {
  const percent = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Stack gap={4} data-testid="import-progress">
      <Progress value={percent} animated striped aria-label="Import progress" />
      <Text size="sm" c="dimmed">
        {progress
          ? `${phaseLabels[progress.phase]}: ${formatNumber(progress.done)} of ${formatNumber(progress.total)}`
          : "Uploading the file…"}
      </Text>
    </Stack>
  );
}

function ImportStatusBadge({ status }: { status: VolunteerImport["status"] }) {
  return (
    <Badge variant="light" color={status === "completed" ? "green" : "red"}>
      {status === "completed" ? "Completed" : "Failed"}
    </Badge>
  );
}

/** What one import did: counts, then each refused row by line, column and reason (never the value). */
export function ImportReport({ run }: { run: VolunteerImport }) {
  return (
    <Stack data-testid="import-report">
      {run.status === "failed" ? (
        <Alert color="red" variant="light" title="Nothing was imported">
          {run.skipInvalid
            ? "No row could be imported. Fix the rows listed below and upload the file again."
            : "The import is all-or-nothing and some rows were refused. Fix the rows listed below, or tick “Skip invalid rows” to import the others."}
        </Alert>
      ) : (
        <Alert color="green" variant="light" title="Import completed">
          {formatNumber(run.imported)} {run.imported === 1 ? "volunteer was" : "volunteers were"} imported
          {run.refused > 0 ? "; the refused rows below were skipped." : "."}{" "}
          <Anchor component={Link} to="/sandbox/volunteers" inherit>
            See the volunteers
          </Anchor>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Fact label="File">{run.filename}</Fact>
        <Fact label="Rows read">
          <span data-testid="rows-read">{run.rowsRead}</span>
        </Fact>
        <Fact label="Imported">
          <span data-testid="rows-imported">{run.imported}</span>
        </Fact>
        <Fact label="Refused">
          <span data-testid="rows-refused">{run.refused}</span>
        </Fact>
      </SimpleGrid>
      {run.report.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" striped data-testid="import-problems">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Column</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {run.report.map((problem) => (
                <Table.Tr key={`${problem.line}-${problem.field ?? ""}-${problem.reason}`}>
                  <Table.Td>{problem.line}</Table.Td>
                  <Table.Td>{problem.field ?? "—"}</Table.Td>
                  <Table.Td>{problem.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function Upload() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const upload = useMutation({
    mutationFn: (chosen: File) => runImport(chosen, skipInvalid, setProgress),
    onMutate: () => setProgress(null),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: volunteerKeys.imports });
      void queryClient.invalidateQueries({ queryKey: volunteerKeys.all });
      void queryClient.invalidateQueries({ queryKey: ["sandbox", "audit"] });
    },
  });
  return (
    <Section title="Upload a CSV" description="UTF-8, comma-separated, one volunteer per row.">
      <FileInput
        label="CSV file"
        placeholder="Choose a .csv file"
        accept=".csv,text/csv"
        clearable
        value={file}
        onChange={(chosen) => {
          setFile(chosen);
          upload.reset();
        }}
      />
      <Checkbox
        label="Skip invalid rows"
        description="Import the valid rows and report the others. Without it, one refused row stops the whole import."
        checked={skipInvalid}
        onChange={(event) => setSkipInvalid(event.currentTarget.checked)}
      />
      <Group>
        <Button disabled={!file} loading={upload.isPending} onClick={() => file && upload.mutate(file)}>
          Import
        </Button>
      </Group>
      {upload.isPending && <ProgressBar progress={progress} />}
      <ErrorAlert error={upload.error} title="The file was not imported" />
      {upload.data && <ImportReport run={upload.data} />}
    </Section>
  );
}

function History() {
  const imports = useImports();
  const [openId, setOpenId] = useState<string | null>(null);
  const body = imports.isPending ? (
    <PageLoader />
  ) : imports.isError ? (
    <ErrorAlert error={imports.error} />
  ) : imports.data.length === 0 ? (
    <Text c="dimmed">No imports yet. Upload a CSV above; each run and its report are kept here.</Text>
  ) : (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" data-testid="import-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Finished</Table.Th>
            <Table.Th>File</Table.Th>
            <Table.Th>Run by</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Rows read</Table.Th>
            <Table.Th>Imported</Table.Th>
            <Table.Th>Refused</Table.Th>
            <Table.Th>Report</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imports.data.map((run) => (
            <Table.Tr key={run.id}>
              <Table.Td>{formatDateTime(run.finishedAt)}</Table.Td>
              <Table.Td>{run.filename}</Table.Td>
              <Table.Td>{run.createdBy.name}</Table.Td>
              <Table.Td>
                <ImportStatusBadge status={run.status} />
              </Table.Td>
              <Table.Td>{run.rowsRead}</Table.Td>
              <Table.Td>{run.imported}</Table.Td>
              <Table.Td>{run.refused}</Table.Td>
              <Table.Td>
                <Button
                  variant="subtle"
                  size="xs"
                  onClick={() => setOpenId(openId === run.id ? null : run.id)}
                >
                  {openId === run.id ? "Hide" : "Show"}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  const open = imports.data?.find((run) => run.id === openId);
  return (
    <Section title="Import history" description="Every import, newest first, with its report.">
      {body}
      {open && <ImportReport run={open} />}
    </Section>
  );
}

function Importer({ status }: { status: SandboxStatus }) {
  if (!canWriteVolunteers(status.role))
    return (
      <>
        <HowItWorks />
        <Alert color="gray">
          Importing is for study coordinators, recruiters and the product team. Ask your organisation's admin
          for one of those roles if you need to import volunteers.
        </Alert>
      </>
    );
  return (
    <>
      <HowItWorks />
      <Upload />
      <History />
    </>
  );
}

/** `/sandbox/import`: an obfuscating CSV import with live progress, its report and the history. */
export function ImportPage() {
  return (
    <Page
      title="Import volunteers"
      actions={
        <Anchor component={Link} to="/sandbox/volunteers">
          Back to the volunteers
        </Anchor>
      }
    >
      <SandboxGate>{(status) => <Importer status={status} />}</SandboxGate>
    </Page>
  );
}
