import { Badge, Button, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { PersonName } from "../../app/ui/StaffBadge.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { DiffView } from "./DiffView.js";
import {
  documentsApi,
  type ProjectDocument,
  useDocumentDiff,
  useDocumentRefresh,
  useDocumentVersion,
  useDocumentVersions,
} from "./documents-api.js";

type HistoryProps = { projectId: string; document: ProjectDocument };

function VersionDiff({ projectId, document }: HistoryProps) {
  const [from, setFrom] = useState(Math.max(1, document.version - 1));
  const [to, setTo] = useState(document.version);
  const diff = useDocumentDiff(projectId, document.id, from, to);
  const options = Array.from({ length: document.version }, (_, index) => ({
    value: String(index + 1),
    label: `Version ${index + 1}`,
  }));
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Compare versions
      </Title>
      <Group>
        <Select
          label="From"
          data={options}
          value={String(from)}
          onChange={(value) => setFrom(Number(value))}
          allowDeselect={false}
          w={160}
        />
        <Select
          label="To"
          data={options}
          value={String(to)}
          onChange={(value) => setTo(Number(value))}
          allowDeselect={false}
          w={160}
        />
      </Group>
      {from === to && (
        <Text size="sm" c="dimmed">
          Pick two different versions to see what changed.
        </Text>
      )}
      <ErrorAlert error={diff.error} />
      {diff.data && (
        <DiffView
          diff={diff.data}
          labels={{ delete: `Only in version ${from}`, insert: `Only in version ${to}` }}
        />
      )}
    </Stack>
  );
}

function VersionPreview({ projectId, document, version }: HistoryProps & { version: number }) {
  const shown = useDocumentVersion(projectId, document.id, version);
  const refresh = useDocumentRefresh(projectId);
  const restore = useMutation({
    mutationFn: () => documentsApi.restore(projectId, document.id, version, document.version),
    onSuccess: async (restored) => {
      notifySuccess(`Version ${version} is back, as version ${restored.version}.`);
      await refresh(restored);
    },
  });
  if (shown.isPending) return <PageLoader />;
  if (shown.error) return <ErrorAlert error={shown.error} />;
  return (
    <Stack gap="sm" data-testid="version-preview">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Version {version}: {shown.data.title}
        </Title>
        {version !== document.version && (
          <Button size="xs" variant="light" loading={restore.isPending} onClick={() => restore.mutate()}>
            Restore version {version}
          </Button>
        )}
      </Group>
      <ErrorAlert error={restore.error} />
      <ServerHtml html={shown.data.bodyHtml} />
    </Stack>
  );
}

/** Every version with its author and time; any one can be read, compared or brought back as a new version. */
export function DocumentHistory({ projectId, document }: HistoryProps) {
  const versions = useDocumentVersions(projectId, document.id);
  const [opened, setOpened] = useState<number | null>(null);
  if (versions.isPending) return <PageLoader />;
  if (versions.error) return <ErrorAlert error={versions.error} />;
  return (
    <Stack>
      <Table striped aria-label="Versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Saved by</Table.Th>
            <Table.Th>At</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.data.map((version) => (
            <Table.Tr key={version.version}>
              <Table.Td>
                {version.version}
                {version.version === document.version && (
                  <Badge ml="xs" size="xs" variant="light">
                    current
                  </Badge>
                )}
                {version.restoredFrom !== null && (
                  <Text size="xs" c="dimmed">
                    restores version {version.restoredFrom}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{version.title}</Table.Td>
              <Table.Td>
                <PersonName name={version.author.name} isStaff={version.author.isStaff} />
              </Table.Td>
              <Table.Td>{formatDateTime(version.createdAt)}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" onClick={() => setOpened(version.version)}>
                  Read
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {opened !== null && <VersionPreview projectId={projectId} document={document} version={opened} />}
      {document.version > 1 && <VersionDiff projectId={projectId} document={document} />}
    </Stack>
  );
}
