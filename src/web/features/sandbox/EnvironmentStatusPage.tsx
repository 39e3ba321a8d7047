import { Anchor, Badge, Group, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { type Environment, useEnvironment } from "./operations-api.js";
import { SandboxGate } from "./SandboxPage.js";

const count = (value: number | null) => (value === null ? "—" : value.toLocaleString("en"));

function Counts({ counts }: { counts: Environment["counts"] }) {
  return (
    <Table variant="vertical" layout="fixed" data-testid="environment-counts">
      <Table.Tbody>
        <Table.Tr>
          <Table.Th w={200}>Studies</Table.Th>
          <Table.Td>{count(counts.studies)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Volunteers</Table.Th>
          <Table.Td>{count(counts.volunteers)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Sandbox users</Table.Th>
          <Table.Td>{count(counts.users)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function Status({ environment }: { environment: Environment }) {
  const { build, flagsInPreview, nextWipe, lastWipe, counts } = environment;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Section title="Current build">
        {build ? (
          <Stack gap={4} data-testid="status-build">
            <Group gap="xs">
              <Text fw={600}>{build.version}</Text>
              <Text c="dimmed">build {build.buildId}</Text>
              {build.unreleased && (
                <Badge color="grape" variant="light" size="sm">
                  Unreleased features
                </Badge>
              )}
            </Group>
            <Text size="sm">Deployed {formatDateTime(build.deployedAt)}</Text>
            <Anchor component={Link} to="/sandbox/deployments" size="sm">
              Deployment history
            </Anchor>
          </Stack>
        ) : (
          <Text c="dimmed">No deployment has been recorded yet.</Text>
        )}
      </Section>
      <Section
        title="Features in preview"
        description="Marked “preview — not validated” wherever they appear."
      >
        {flagsInPreview.length === 0 ? (
          <Text c="dimmed">No feature is in preview.</Text>
        ) : (
          <Stack gap={4} data-testid="status-preview-flags">
            {flagsInPreview.map((flag) => (
              <Text key={flag.key}>
                {flag.name}{" "}
                <Text span c="dimmed" size="sm">
                  ({flag.key})
                </Text>
              </Text>
            ))}
          </Stack>
        )}
      </Section>
      <Section title="Wipes">
        <Stack gap="xs" data-testid="status-wipes">
          <Text>
            Next wipe:{" "}
            {nextWipe ? (
              <>
                <strong>{formatDateTime(nextWipe.scheduledFor)}</strong>, {nextWipe.message}
              </>
            ) : (
              "none announced"
            )}
          </Text>
          <Text>
            Last wipe:{" "}
            {lastWipe
              ? `${formatDateTime(lastWipe.finishedAt)} (${lastWipe.status === "completed" ? "completed" : "failed, the data was kept"})`
              : "never"}
          </Text>
        </Stack>
      </Section>
      <Section title="What is here">
        <Counts counts={counts} />
      </Section>
    </SimpleGrid>
  );
}

function EnvironmentStatus() {
  const environment = useEnvironment({ fresh: true });
  if (environment.isPending) return <PageLoader />;
  if (environment.isError) return <ErrorAlert error={environment.error} />;
  return <Status environment={environment.data} />;
}

/** `/sandbox/status`: the build, the features in preview, the wipes and how much data there is. */
export function EnvironmentStatusPage() {
  return (
    <Page title="Environment status">
      <SandboxGate>{() => <EnvironmentStatus />}</SandboxGate>
    </Page>
  );
}
