import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import {
  type Delivery,
  type DeliveryStatus,
  releaseKeys,
  releasesApi,
  useDeliveries,
  useWebhooks,
  type Webhook,
} from "./api.js";

const statusColour: Record<DeliveryStatus, string> = { pending: "yellow", succeeded: "green", failed: "red" };
const statusLabel: Record<DeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge color={statusColour[status]} variant="light">
      {statusLabel[status]}
    </Badge>
  );
}

function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <Alert color="yellow" variant="light" title={`Signing secret for ${name}`}>
      <Stack gap="xs">
        <Text size="sm">
          Copy it now: it is shown this once. The receiver checks <Code>x-convene-signature</Code>, the
          HMAC-SHA256 of <Code>{"<x-convene-timestamp>.<body>"}</Code> keyed with this secret.
        </Text>
        <Code block data-testid="webhook-secret">
          {secret}
        </Code>
        <Group>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? "Copied" : "Copy secret"}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDone}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function NewWebhookForm({ onCreated }: { onCreated: (webhook: Webhook & { secret: string }) => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: "", url: "" },
    validate: {
      name: (value) => (value.trim() ? null : "Name the webhook."),
      url: (value) =>
        /^https?:\/\/\S+$/.test(value.trim()) ? null : "Enter an http:// or https:// address.",
    },
    transformValues: (values) => ({ name: values.name.trim(), url: values.url.trim() }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, releasesApi.createWebhook, {
    onSuccess: async (created) => {
      onCreated(created);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.webhooks });
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <Group align="flex-start" grow>
          <TextInput label="Name" placeholder="Customer success Slack" {...form.getInputProps("name")} />
          <TextInput
            label="URL"
            placeholder="https://hooks.slack.com/services/..."
            {...form.getInputProps("url")}
          />
        </Group>
        <Button type="submit" loading={pending} w="fit-content">
          Add webhook
        </Button>
      </Stack>
    </form>
  );
}

function ActiveSwitch({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (active: boolean) => releasesApi.updateWebhook(webhook.id, { active }),
    onSuccess: (updated) => {
      notifySuccess(`${updated.name} is ${updated.active ? "on" : "off"}.`);
      return queryClient.invalidateQueries({ queryKey: releaseKeys.webhooks });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Switch
      checked={webhook.active}
      disabled={toggle.isPending}
      onChange={(event) => toggle.mutate(event.currentTarget.checked)}
      label={webhook.active ? "Active" : "Off"}
      aria-label={`Active: ${webhook.name}`}
    />
  );
}

function WebhookTable({
  webhooks,
  selected,
  onSelect,
}: {
  webhooks: Webhook[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  if (webhooks.length === 0) return <Text c="dimmed">No webhooks yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" data-testid="webhooks-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>URL</Table.Th>
            <Table.Th>Active</Table.Th>
            <Table.Th>Last delivery</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {webhooks.map((webhook) => (
            <Table.Tr
              key={webhook.id}
              bg={selected === webhook.id ? "var(--mantine-color-blue-light)" : undefined}
            >
              <Table.Td fw={500}>{webhook.name}</Table.Td>
              <Table.Td style={{ wordBreak: "break-all" }}>{webhook.url}</Table.Td>
              <Table.Td>
                <ActiveSwitch webhook={webhook} />
              </Table.Td>
              <Table.Td>
                {webhook.lastDelivery ? (
                  <Group gap="xs" wrap="nowrap">
                    <DeliveryStatusBadge status={webhook.lastDelivery.status} />
                    <Text size="xs" c="dimmed">
                      {webhook.lastDelivery.lastStatusCode ?? "—"} ·{" "}
                      {formatDateTime(webhook.lastDelivery.createdAt)}
                    </Text>
                  </Group>
                ) : (
                  <Text size="sm" c="dimmed">
                    Never
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="default" onClick={() => onSelect(webhook.id)}>
                  Delivery log
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RedeliverButton({ delivery }: { delivery: Delivery }) {
  const queryClient = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () => releasesApi.redeliver(delivery.id),
    onSuccess: async () => {
      notifySuccess("Queued for delivery again.");
      await queryClient.invalidateQueries({ queryKey: releaseKeys.deliveries(delivery.webhookId) });
      await queryClient.invalidateQueries({ queryKey: releaseKeys.webhooks });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Button size="xs" variant="light" loading={redeliver.isPending} onClick={() => redeliver.mutate()}>
      Redeliver
    </Button>
  );
}

function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const deliveries = useDeliveries(webhook.id);
  return (
    <Section
      title={`Delivery log: ${webhook.name}`}
      description="Newest first. Pending deliveries refresh on their own."
    >
      {deliveries.isPending ? (
        <PageLoader />
      ) : deliveries.isError ? (
        <ErrorAlert error={deliveries.error} />
      ) : deliveries.data.length === 0 ? (
        <Text c="dimmed">Nothing was sent to this webhook yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" data-testid="deliveries-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Release</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last status code</Table.Th>
                <Table.Th>Last error / next attempt</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {deliveries.data.map((delivery) => (
                <Table.Tr key={delivery.id} data-delivery-id={delivery.id}>
                  <Table.Td>
                    <Tooltip label={`Delivery ${delivery.id}`}>
                      <Text size="sm">{formatDateTime(delivery.createdAt)}</Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>{delivery.release?.version ?? "—"}</Table.Td>
                  <Table.Td>
                    <DeliveryStatusBadge status={delivery.status} />
                  </Table.Td>
                  <Table.Td>{delivery.attempts}</Table.Td>
                  <Table.Td>{delivery.lastStatusCode ?? "—"}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {delivery.lastError ?? (delivery.status === "succeeded" ? "" : "—")}
                    </Text>
                    {delivery.nextAttemptAt && (
                      <Text size="xs" c="dimmed">
                        Next attempt {formatDateTime(delivery.nextAttemptAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RedeliverButton delivery={delivery} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** `/admin/webhooks`: outgoing Slack-compatible webhooks for published releases, and their delivery logs. */
export function WebhooksPage() {
  const webhooks = useWebhooks();
  const [created, setCreated] = useState<(Webhook & { secret: string }) | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = webhooks.data?.find((webhook) => webhook.id === selectedId) ?? null;
  return (
    <Page title="Webhooks">
      <Text c="dimmed" size="sm">
        Each published release is POSTed to every active webhook as a Slack-compatible message, signed with
        the webhook's secret. Failed deliveries are retried for about 7 hours.
      </Text>
      {created && <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
      <Section title="New webhook">
        <NewWebhookForm onCreated={setCreated} />
      </Section>
      {webhooks.isPending ? (
        <PageLoader />
      ) : webhooks.isError ? (
        <ErrorAlert error={webhooks.error} />
      ) : (
        <WebhookTable webhooks={webhooks.data} selected={selectedId} onSelect={setSelectedId} />
      )}
      {selected && <DeliveryLog webhook={selected} />}
    </Page>
  );
}
