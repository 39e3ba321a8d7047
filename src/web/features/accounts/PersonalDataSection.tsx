import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Modal,
  Progress,
  Radio,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import {
  ERASURE_PHRASE,
  ERASURE_WAITING_DAYS,
  EXPORT_LINK_DAYS,
  personalDataExportChanged,
} from "../../../server/modules/accounts/contracts/personal-data.js";
import { formatBytes, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { useRealtimeEvent } from "../../app/realtime.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import {
  accountKeys,
  accountsApi,
  type ErasureRequest,
  type MyPersonalData,
  type PersonalDataExport,
  useMyPersonalData,
} from "./api.js";

const stepLabels: Record<string, string> = {
  profile: "your profile",
  chat: "chat messages",
  tickets: "tickets and comments",
  projects: "project posts and documents",
  groups: "group messages",
  "development-environment": "development environment actions",
  notifications: "notifications",
  files: "your files",
};

/** Where the export stands; its progress follows the live events while it is built. */
function ExportStatus({
  latest,
  link,
}: {
  latest: PersonalDataExport;
  link: { id: string; token: string } | null;
}) {
  if (latest.status === "queued" || latest.status === "running") {
    const percent = latest.total > 0 ? Math.round((latest.done / latest.total) * 100) : 0;
    return (
      <Stack gap={4} data-testid="export-progress">
        <Text size="sm">
          Preparing your data{latest.step ? `: ${stepLabels[latest.step] ?? latest.step}` : ""}…
        </Text>
        <Progress value={percent} aria-label={`Export ${percent}% done`} animated />
      </Stack>
    );
  }
  if (latest.status === "ready") {
    const linked = link?.id === latest.id;
    return (
      <Alert color="green" title="Your data is ready" data-testid="export-ready">
        <Stack gap="xs">
          <Text size="sm">
            {linked
              ? "Download it now; the link works only while you are signed in."
              : "We e-mailed you the download link. Open it while signed in to download the archive."}{" "}
            It can be downloaded until {formatDateTime(latest.expiresAt)}
            {latest.size !== null ? ` (${formatBytes(latest.size)})` : ""}.
          </Text>
          {linked && link && (
            <Anchor
              href={`/api/me/personal-data/exports/${link.id}/file?token=${encodeURIComponent(link.token)}`}
              download
              fw={600}
            >
              Download my data (zip)
            </Anchor>
          )}
        </Stack>
      </Alert>
    );
  }
  if (latest.status === "failed")
    return (
      <Alert color="red" title="The export failed">
        {latest.error ?? "Ask for a new one."}
      </Alert>
    );
  return (
    <Text size="sm" c="dimmed">
      Your last export, asked for on {formatDateTime(latest.createdAt)}, has expired and was deleted.
    </Text>
  );
}

function DownloadMyData({ data }: { data: MyPersonalData }) {
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const exportId = params.get("export");
  const token = params.get("token");
  const link = exportId && token ? { id: exportId, token } : null;
  useRealtimeEvent(personalDataExportChanged, ({ exportId: id, status, step, done, total }) => {
    queryClient.setQueryData<MyPersonalData>(accountKeys.personalData, (current) =>
      current
        ? {
            ...current,
            exports: current.exports.map((row) =>
              row.id === id ? { ...row, status, step, done, total } : row,
            ),
          }
        : current,
    );
    if (status !== "running") void queryClient.invalidateQueries({ queryKey: accountKeys.personalData });
  });
  const request = useMutation({
    mutationFn: accountsApi.requestPersonalDataExport,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.personalData }),
    onError: (error) => notifyFailure(error.message),
  });
  const latest = data.exports[0];
  const underWay = latest?.status === "queued" || latest?.status === "running";
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Download my data
      </Title>
      <Text size="sm">
        A zip of everything you hold here: your profile, messages, tickets and comments, posts, the document
        versions you wrote, group messages, your actions in the development environment and the files you
        uploaded. We prepare it in the background and e-mail you a link that works for {EXPORT_LINK_DAYS}{" "}
        days.
      </Text>
      {latest && <ExportStatus latest={latest} link={link} />}
      <Button
        w="fit-content"
        variant="light"
        onClick={() => request.mutate()}
        loading={request.isPending}
        disabled={underWay}
      >
        Prepare my data
      </Button>
    </Stack>
  );
}

type ErasureForm = { removeContent: string; confirmation: string };

function EraseMeDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm<ErasureForm>({ initialValues: { removeContent: "keep", confirmation: "" } });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: ErasureForm) =>
      accountsApi.requestMyErasure({
        removeContent: values.removeContent === "remove",
        confirmation: values.confirmation.trim().toLowerCase() as typeof ERASURE_PHRASE,
      }),
    {
      onSuccess: (erasure) => {
        notifySuccess(`Your account will be erased on ${formatDateTime(erasure.dueAt)}.`);
        onClose();
        return queryClient.invalidateQueries({ queryKey: accountKeys.personalData });
      },
    },
  );
  const confirmed = form.getValues().confirmation.trim().toLowerCase() === ERASURE_PHRASE;
  return (
    <Modal opened={opened} onClose={onClose} title="Erase my account">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <Text size="sm">After {ERASURE_WAITING_DAYS} days, unless you cancel before then:</Text>
          <List size="sm" spacing={4}>
            <List.Item>your name and address are replaced by a pseudonym everywhere they show;</List.Item>
            <List.Item>you are signed out everywhere and can never sign in to this account again;</List.Item>
            <List.Item>
              your two-factor settings, recovery codes and notification settings are deleted.
            </List.Item>
          </List>
          <Radio.Group label="What you wrote" {...form.getInputProps("removeContent")}>
            <Stack gap={6} mt={6}>
              <Radio value="keep" label="Keep it, shown under the pseudonym" />
              <Radio
                value="remove"
                label="Remove it (messages show as removed; documents others built on stay)"
              />
            </Stack>
          </Radio.Group>
          <TextInput
            label="Confirmation"
            description={`Type “${ERASURE_PHRASE}” to confirm.`}
            autoComplete="off"
            {...form.getInputProps("confirmation")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep my account
            </Button>
            <Button type="submit" color="red" loading={pending} disabled={!confirmed}>
              Erase my account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EraseMe({ erasure }: { erasure: ErasureRequest | null }) {
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const cancel = useMutation({
    mutationFn: accountsApi.cancelMyErasure,
    onSuccess: () => {
      notifySuccess("The erasure is cancelled: your account stays as it is.");
      return queryClient.invalidateQueries({ queryKey: accountKeys.personalData });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Erase my account
      </Title>
      {erasure ? (
        <Alert color="red" title="Your account will be erased">
          <Stack gap="xs">
            <Text size="sm">
              On {formatDateTime(erasure.dueAt)}, with what you wrote{" "}
              {erasure.removeContent ? "removed" : "kept under a pseudonym"}.
            </Text>
            <Button
              w="fit-content"
              variant="white"
              onClick={() => cancel.mutate()}
              loading={cancel.isPending}
            >
              Cancel the erasure
            </Button>
          </Stack>
        </Alert>
      ) : (
        <>
          <Text size="sm">
            Your account is anonymised for good after a waiting period of {ERASURE_WAITING_DAYS} days, which
            you can cancel. Download your data first if you want to keep it.
          </Text>
          <Button w="fit-content" color="red" variant="light" onClick={() => setOpened(true)}>
            Erase my account…
          </Button>
        </>
      )}
      <EraseMeDialog opened={opened} onClose={() => setOpened(false)} />
    </Stack>
  );
}

/** "Your data": download everything held about you, or have your account erased. */
export function PersonalDataSection() {
  const data = useMyPersonalData();
  return (
    <div id="your-data">
      <Section
        title="Your data"
        description="Take a copy of your data with you, or have your account erased."
      >
        {data.isPending ? (
          <PageLoader />
        ) : data.isError ? (
          <ErrorAlert error={data.error} />
        ) : (
          <Stack gap="xl">
            <DownloadMyData data={data.data} />
            <EraseMe erasure={data.data.erasure} />
          </Stack>
        )}
      </Section>
    </div>
  );
}
