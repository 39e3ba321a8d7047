import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import {
  type Deployment,
  type DeploymentInput,
  type Flag,
  type FlagState,
  flagStateColors,
  flagStateLabels,
  flagStateOptions,
  operationsApi,
  operationsKeys,
  useDeployments,
  useFlags,
} from "./operations-api.js";
import { SandboxGate } from "./SandboxPage.js";

export function FlagStateBadge({ state }: { state: FlagState }) {
  return (
    <Badge variant="light" color={flagStateColors[state]}>
      {flagStateLabels[state]}
    </Badge>
  );
}

type DeploymentForm = {
  buildId: string;
  version: string;
  notes: string;
  flags: Record<string, string | null>;
};

/** Staff record a build deployed to the sandbox, and the flag states it switches at the same time. */
function RecordDeployment({ flags }: { flags: Flag[] }) {
  const queryClient = useQueryClient();
  const form = useForm<DeploymentForm, DeploymentInput>({
    initialValues: { buildId: "", version: "", notes: "", flags: {} },
    validate: {
      buildId: isNotEmpty("Enter the build id."),
      version: isNotEmpty("Enter the version, such as 26.4-rc.2."),
    },
    transformValues: (values) => {
      // Only the flags given a state are sent; the others stay as they are.
      const changed = Object.entries(values.flags).filter(
        (entry): entry is [string, FlagState] => entry[1] !== null,
      );
      return {
        buildId: values.buildId.trim(),
        version: values.version.trim(),
        notes: values.notes,
        ...(changed.length > 0 ? { flags: Object.fromEntries(changed) } : {}),
      };
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, operationsApi.recordDeployment, {
    onSuccess: (deployment) => {
      notifySuccess(`Deployment of ${deployment.version} recorded.`);
      for (const queryKey of [operationsKeys.deployments, operationsKeys.environment, operationsKeys.flags])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
  return (
    <Section
      title="Record a deployment"
      description="Every sandbox page shows the newest build, and a notice goes to the configured chat channel."
    >
      <form onSubmit={onSubmit} noValidate data-testid="deployment-form">
        <Stack>
          <ErrorAlert error={error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Build id" placeholder="812" required {...form.getInputProps("buildId")} />
            <TextInput label="Version" placeholder="26.4-rc.2" required {...form.getInputProps("version")} />
          </SimpleGrid>
          <Textarea
            label="Notes"
            description="Markdown: what changed in this build."
            autosize
            minRows={3}
            {...form.getInputProps("notes")}
          />
          {flags.length > 0 && (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {flags.map((flag) => (
                <Select
                  key={flag.key}
                  label={`Flag ${flag.key}`}
                  description={`Now ${flagStateLabels[flag.state].toLowerCase()}`}
                  placeholder="Unchanged"
                  clearable
                  data={flagStateOptions}
                  {...form.getInputProps(`flags.${flag.key}`)}
                />
              ))}
            </SimpleGrid>
          )}
          <Button type="submit" loading={pending} w="fit-content">
            Record deployment
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

function DeploymentCard({ deployment }: { deployment: Deployment }) {
  return (
    <Paper withBorder p="md" data-testid="deployment">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Group gap="xs">
            <Text fw={600}>{deployment.version}</Text>
            <Text c="dimmed" size="sm">
              build {deployment.buildId}
            </Text>
            {deployment.unreleased && (
              <Badge color="grape" variant="light" size="sm">
                Unreleased features
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {formatDateTime(deployment.deployedAt)}
            {deployment.recordedBy && ` · recorded by ${deployment.recordedBy.name}`}
          </Text>
        </Group>
        {deployment.flagChanges.length > 0 && (
          <Group gap="xs" data-testid="flag-changes">
            {deployment.flagChanges.map((change) => (
              <Text key={change.key} size="sm">
                <strong>{change.key}</strong>: {flagStateLabels[change.from]} → {flagStateLabels[change.to]}
              </Text>
            ))}
          </Group>
        )}
        {deployment.notesHtml ? (
          <ServerHtml html={deployment.notesHtml} />
        ) : (
          <Text size="sm" c="dimmed">
            No notes.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Deployments({ isStaff }: { isStaff: boolean }) {
  const deployments = useDeployments();
  const flags = useFlags();
  return (
    <>
      {isStaff && flags.data && <RecordDeployment flags={flags.data} />}
      {deployments.isPending ? (
        <PageLoader />
      ) : deployments.isError ? (
        <ErrorAlert error={deployments.error} />
      ) : deployments.data.deployments.length === 0 ? (
        <Text c="dimmed">No build has been recorded as deployed here yet.</Text>
      ) : (
        <Stack data-testid="deployments">
          {deployments.data.deployments.map((deployment) => (
            <DeploymentCard key={deployment.id} deployment={deployment} />
          ))}
          {deployments.data.nextBefore && (
            <Text size="sm" c="dimmed">
              The {deployments.data.deployments.length} newest deployments are shown.
            </Text>
          )}
        </Stack>
      )}
    </>
  );
}

/** `/sandbox/deployments`: every build deployed here with its notes and flag changes; staff record new ones. */
export function DeploymentsPage() {
  return (
    <Page
      title="Deployment history"
      actions={
        <Anchor component={Link} to="/sandbox/status">
          Environment status
        </Anchor>
      }
    >
      <SandboxGate>{(status) => <Deployments isStaff={status.role === "staff"} />}</SandboxGate>
    </Page>
  );
}
