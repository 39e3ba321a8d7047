import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { useChannels } from "../chat/api.js";
import { type Release, useAdminReleases } from "../releases/api.js";
import { useOperationsEvents } from "./EnvironmentBanner.js";
import {
  type Flag,
  type FlagInput,
  type FlagState,
  flagStateOptions,
  operationsApi,
  operationsKeys,
  type SandboxSettings,
  useFlags,
  useFlagsSource,
  useSandboxSettings,
} from "./operations-api.js";
import { AgreementFirst } from "./SandboxPage.js";

/**
 * A flag change shows everywhere: the saved flag at once in the table, then the flags, the banner's
 * preview list and the status page as the server has them.
 */
function useFlagSaved() {
  const queryClient = useQueryClient();
  return (saved: Flag) => {
    queryClient.setQueryData<{ flags: Flag[] }>(operationsKeys.flags, (data) =>
      data ? { ...data, flags: data.flags.map((flag) => (flag.key === saved.key ? saved : flag)) } : data,
    );
    void queryClient.invalidateQueries({ queryKey: operationsKeys.flags });
    void queryClient.invalidateQueries({ queryKey: operationsKeys.environment });
  };
}

const releaseOptions = (releases: Release[]) =>
  releases.map((release) => ({
    value: release.id,
    label: release.status === "published" ? release.version : `${release.version} (draft)`,
  }));

function ReleaseLink({ release }: { release: Flag["release"] }) {
  if (!release) return <Text c="dimmed">—</Text>;
  if (release.status === "draft") return <Text>{release.version} (draft)</Text>;
  return (
    <Anchor component={Link} to={`/releases/${encodeURIComponent(release.version)}`}>
      {release.version}
    </Anchor>
  );
}

type FlagForm = {
  key: string;
  name: string;
  description: string;
  state: FlagState;
  releaseId: string | null;
};

/**
 * A new flag; while the product's flag service decides the states, it is defined switched off and the
 * flag service sets its state by key.
 */
function NewFlag({ releases, followsProduct }: { releases: Release[]; followsProduct: boolean }) {
  const saved = useFlagSaved();
  const form = useForm<FlagForm, FlagInput>({
    initialValues: { key: "", name: "", description: "", state: "off", releaseId: null },
    validate: { key: isNotEmpty("Give the flag a key."), name: isNotEmpty("Give the flag a name.") },
    transformValues: (values) => ({ ...values, key: values.key.trim(), name: values.name.trim() }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, operationsApi.createFlag, {
    onSuccess: (flag) => {
      notifySuccess(`Flag ${flag.key} created.`);
      saved(flag);
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate data-testid="flag-form">
      <Stack>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Key" placeholder="pharmacy-labels" required {...form.getInputProps("key")} />
          <TextInput label="Name" placeholder="Pharmacy labels" required {...form.getInputProps("name")} />
          <Select
            label="State"
            description={
              followsProduct ? "Set by the product's flag service once the flag exists." : undefined
            }
            data={flagStateOptions}
            allowDeselect={false}
            disabled={followsProduct}
            {...form.getInputProps("state")}
          />
          <Select
            label="Release"
            description="The release that makes it generally available"
            placeholder="None"
            clearable
            data={releaseOptions(releases)}
            {...form.getInputProps("releaseId")}
          />
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
        <Button type="submit" loading={pending} w="fit-content">
          Create flag
        </Button>
      </Stack>
    </form>
  );
}

type FlagEdit = { name: string; description: string; releaseId: string | null };

function EditFlag({ flag, releases, onClose }: { flag: Flag; releases: Release[]; onClose: () => void }) {
  const saved = useFlagSaved();
  const form = useForm<FlagEdit>({
    initialValues: { name: flag.name, description: flag.description, releaseId: flag.release?.id ?? null },
    validate: { name: isNotEmpty("Give the flag a name.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: FlagEdit) => operationsApi.changeFlag(flag.key, values),
    {
      onSuccess: (changed) => {
        notifySuccess(`Flag ${flag.key} saved.`);
        saved(changed);
        onClose();
      },
      afterSuccess: "keep",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Name" required {...form.getInputProps("name")} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
        <Select
          label="Release"
          placeholder="None"
          clearable
          data={releaseOptions(releases)}
          {...form.getInputProps("releaseId")}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Changes a flag's state at once: off hides the feature (its data is kept), preview marks it. Disabled
 * while the product's flag service decides the states.
 */
function StateSelect({ flag, followsProduct }: { flag: Flag; followsProduct: boolean }) {
  const saved = useFlagSaved();
  const change = useMutation({
    mutationFn: (state: FlagState) => operationsApi.changeFlag(flag.key, { state }),
    onSuccess: (changed) => {
      notifySuccess(`${changed.name} is ${changed.state} now.`);
      saved(changed);
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Select
      aria-label={`State of ${flag.key}`}
      data={flagStateOptions}
      value={flag.state}
      allowDeselect={false}
      disabled={followsProduct || change.isPending}
      onChange={(value) => {
        if (value && value !== flag.state) change.mutate(value as FlagState);
      }}
      w={130}
    />
  );
}

function FlagTable({
  flags,
  releases,
  followsProduct,
}: {
  flags: Flag[];
  releases: Release[];
  followsProduct: boolean;
}) {
  const [editing, setEditing] = useState<Flag | null>(null);
  if (flags.length === 0) return <Text c="dimmed">No flags yet. Create the first below.</Text>;
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" data-testid="flag-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Release</Table.Th>
              <Table.Th>Changed</Table.Th>
              <ActionsHeader />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {flags.map((flag) => (
              <Table.Tr key={flag.key} data-flag={flag.key}>
                <Table.Td ff="monospace">{flag.key}</Table.Td>
                <Table.Td>
                  <Text>{flag.name}</Text>
                  {flag.description && (
                    <Text size="xs" c="dimmed">
                      {flag.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <StateSelect flag={flag} followsProduct={followsProduct} />
                </Table.Td>
                <Table.Td>
                  <ReleaseLink release={flag.release} />
                </Table.Td>
                <Table.Td>{formatDateTime(flag.updatedAt)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => setEditing(flag)}>
                    Edit
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={`Edit flag ${editing?.key ?? ""}`}
      >
        {editing && (
          <EditFlag key={editing.key} flag={editing} releases={releases} onClose={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}

type SettingsForm = { noticeChannelId: string | null; wipeNoticeHours: number | string };

function SettingsEditor({ settings }: { settings: SandboxSettings }) {
  const queryClient = useQueryClient();
  const channels = useChannels();
  const form = useForm<SettingsForm, { noticeChannelId: string | null; wipeNoticeHours: number }>({
    initialValues: { noticeChannelId: settings.noticeChannelId, wipeNoticeHours: settings.wipeNoticeHours },
    transformValues: (values) => ({
      noticeChannelId: values.noticeChannelId,
      wipeNoticeHours: Number(values.wipeNoticeHours),
    }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, operationsApi.changeSettings, {
    onSuccess: (saved) => {
      notifySuccess(
        `Notices go to #${saved.noticeChannel.name}; wipes are announced ${saved.wipeNoticeHours} h ahead.`,
      );
      queryClient.setQueryData(operationsKeys.settings, saved);
    },
    afterSuccess: "keep",
  });
  // Notices may go to any public channel that is open; null is #announcements, the default.
  const channelOptions = [
    { value: "", label: "#announcements (default)" },
    ...(channels.data ?? [])
      .filter((channel) => channel.kind === "public" && !channel.archived && !channel.isAnnouncements)
      .map((channel) => ({ value: channel.id, label: `#${channel.name}` })),
  ];
  return (
    <form onSubmit={onSubmit} noValidate data-testid="settings-form">
      <Stack>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Notice channel"
            description={`Deployment and wipe notices go here; now #${settings.noticeChannel.name}.`}
            data={channelOptions}
            allowDeselect={false}
            {...form.getInputProps("noticeChannelId")}
            value={form.getValues().noticeChannelId ?? ""}
            onChange={(value) => form.setFieldValue("noticeChannelId", value ? value : null)}
          />
          <NumberInput
            label="Wipe notice (hours)"
            description="How far ahead a wipe must be scheduled."
            min={1}
            max={720}
            allowDecimal={false}
            {...form.getInputProps("wipeNoticeHours")}
          />
        </SimpleGrid>
        <Button type="submit" loading={pending} w="fit-content">
          Save settings
        </Button>
      </Stack>
    </form>
  );
}

function Settings() {
  const settings = useSandboxSettings();
  if (settings.isPending) return <PageLoader />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return <SettingsEditor settings={settings.data} />;
}

/** `/admin/sandbox-flags`: staff define feature flags, switch their state, and set the notices. */
export function FlagsPage() {
  useOperationsEvents();
  const flags = useFlags();
  const followsProduct = useFlagsSource().data === "product";
  const releases = useAdminReleases();
  const releaseList = releases.data ?? [];
  return (
    <Page
      title="Sandbox flags and settings"
      actions={
        <Group gap="lg">
          <Anchor component={Link} to="/sandbox/deployments">
            Deployment history
          </Anchor>
          <Anchor component={Link} to="/admin/sandbox-wipes">
            Wipes
          </Anchor>
        </Group>
      }
    >
      <AgreementFirst>
        <Section
          title="Feature flags"
          description="Off hides a feature and refuses its routes (its data is kept); preview shows it marked “preview — not validated”; on shows it plainly."
        >
          {followsProduct && (
            <Alert color="blue" variant="light" title="The flags follow the product's flag service" mb="md">
              Their states are set in the product's flag service and sent here; they cannot be changed on this
              page. Names, descriptions and releases are still edited here.
            </Alert>
          )}
          {flags.isPending ? (
            <PageLoader />
          ) : flags.isError ? (
            <ErrorAlert error={flags.error} />
          ) : (
            <FlagTable flags={flags.data} releases={releaseList} followsProduct={followsProduct} />
          )}
        </Section>
        <Section title="New flag">
          <NewFlag releases={releaseList} followsProduct={followsProduct} />
        </Section>
        <Section
          title="Settings"
          description="Where the sandbox's notices go, and how far ahead wipes are announced."
        >
          <Settings />
        </Section>
      </AgreementFirst>
    </Page>
  );
}
