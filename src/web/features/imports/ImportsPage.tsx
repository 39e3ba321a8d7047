import { Anchor, Button, FileInput, Radio, Stack, Table, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import {
  type ImportRun,
  type ImportSource,
  importKeys,
  importSourceLabels,
  importSources,
  importsApi,
  type UnknownPeople,
  useImportRuns,
} from "./api.js";
import { ImportStatusBadge } from "./ImportRunView.js";
import { sourceDescriptions, unknownPeopleLabels } from "./labels.js";

type UploadValues = {
  source: ImportSource;
  unknownPeople: UnknownPeople;
  groupHandle: string;
  file: File | null;
};

const acceptedFiles = (source: ImportSource) =>
  source === "groupsio" ? ".zip,.mbox,application/zip,application/mbox" : ".zip,application/zip";

/** The upload: which tool the export is from, what becomes of people without an account, the file. */
function UploadForm() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<UploadValues>({
    initialValues: { source: "slack", unknownPeople: "placeholder", groupHandle: "", file: null },
    validate: {
      groupHandle: (value, values) =>
        values.source === "groupsio" && !value.trim()
          ? "Name the group the archive goes into (its handle)."
          : null,
      file: (value) => (value ? null : "Choose the export file."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: UploadValues) => importsApi.upload({ ...values, file: values.file as File }),
    {
      onSuccess: (run) => {
        queryClient.setQueryData(importKeys.run(run.id), run);
        void queryClient.invalidateQueries({ queryKey: importKeys.runs });
        return navigate(`/admin/imports/${run.id}`);
      },
    },
  );
  const { source } = form.getValues();
  return (
    <form onSubmit={onSubmit} noValidate data-testid="import-upload">
      <Stack>
        <ErrorAlert error={error} title="The export was not taken" />
        <Radio.Group label="Source" required {...form.getInputProps("source")}>
          <Stack gap="xs" mt={6}>
            {importSources.map((value) => (
              <Radio
                key={value}
                value={value}
                label={importSourceLabels[value]}
                description={sourceDescriptions[value]}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Radio.Group label="People without an account" {...form.getInputProps("unknownPeople")}>
          <Stack gap="xs" mt={6}>
            <Radio
              value="placeholder"
              label={unknownPeopleLabels.placeholder}
              description="Matched by e-mail address; an organisation is made for each new domain."
            />
            <Radio value="skip" label={unknownPeopleLabels.skip} />
          </Stack>
        </Radio.Group>
        {source === "groupsio" && (
          <TextInput
            label="Group handle"
            description="The group the archive goes into: an existing group's handle, or a new one to create."
            placeholder="lab-operations"
            required
            autoComplete="off"
            maw={360}
            {...form.getInputProps("groupHandle")}
          />
        )}
        <FileInput
          label="Export file"
          description={source === "groupsio" ? "A .zip or an .mbox file." : "A .zip file."}
          placeholder="Choose a file"
          accept={acceptedFiles(source)}
          required
          clearable
          maw={480}
          {...form.getInputProps("file")}
        />
        <Button type="submit" loading={pending} w="fit-content">
          Upload and survey
        </Button>
      </Stack>
    </form>
  );
}

function RunsTable({ runs }: { runs: ImportRun[] }) {
  if (runs.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No imports yet. Upload an export above; each run and its report are kept here.
      </Text>
    );
  return (
    <ResponsiveTable minWidth={720}>
      <Table verticalSpacing="sm" data-testid="import-runs" aria-label="Imports">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Export</Table.Th>
            <Table.Th visibleFrom="sm">Source</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="sm">Started by</Table.Th>
            <Table.Th visibleFrom="sm">Started</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id}>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/admin/imports/${run.id}`}
                  size="sm"
                  fw={500}
                  style={{ wordBreak: "break-all" }}
                >
                  {run.filename}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {run.title}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">{importSourceLabels[run.source]}</Table.Td>
              <Table.Td>
                <ImportStatusBadge status={run.status} />
              </Table.Td>
              <Table.Td visibleFrom="sm">{run.startedBy.name}</Table.Td>
              <Table.Td visibleFrom="sm">{formatDateTime(run.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

function Runs() {
  const runs = useImportRuns();
  return (
    <Section
      title="Past imports"
      description="Every upload, newest first: open one for its report and progress."
    >
      {runs.isPending ? (
        <PageLoader />
      ) : runs.isError ? (
        <ErrorAlert error={runs.error} />
      ) : (
        <RunsTable runs={runs.data} />
      )}
    </Section>
  );
}

/**
 * `/admin/imports`: staff upload a Slack, Groups.io or Basecamp export; it is surveyed first (a dry run
 * whose report they read on the run's page) and imported when they say so.
 */
export function ImportsPage() {
  return (
    <Page title="Imports">
      <Text size="sm" c="dimmed">
        Bring a community's history over from the tools it used before. Each upload is surveyed first: nothing
        is written until you have read its report and chosen to import.
      </Text>
      <Section title="Upload an export">
        <UploadForm />
      </Section>
      <Runs />
    </Page>
  );
}
