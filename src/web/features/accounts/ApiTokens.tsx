import {
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  type ApiTokenAccess,
  type ApiTokenArea,
  apiTokenLifetimes,
} from "../../../server/modules/accounts/contracts/api-tokens.js";
import { formatDate, formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { SecretShownOnce } from "../../app/ui/SecretShownOnce.js";
import { Section } from "../../app/ui/Section.js";
import {
  type ApiToken,
  accountKeys,
  accountsApi,
  type CreatedApiToken,
  useManagedApiTokens,
  useMyApiTokens,
} from "./api.js";

const accessOptions: { value: ApiTokenAccess; label: string }[] = [
  { value: "read", label: "Read only" },
  { value: "write", label: "Read and write" },
];
const areaLabels: Record<ApiTokenArea, string> = {
  sandbox: "development environment",
  pipeline: "deployment pipeline",
  all: "everything",
};
const areaOptions: { value: ApiTokenArea; label: string }[] = [
  { value: "sandbox", label: "The development environment only" },
  {
    value: "pipeline",
    label: "The deployment pipeline only (deployments, the next wipe, flags, export scans)",
  },
  { value: "all", label: "Everything I may do" },
];
const lifetimeLabels: Record<(typeof apiTokenLifetimes)[number], string> = {
  7: "7 days",
  30: "30 days",
  90: "90 days",
  365: "1 year",
};
const lifetimeOptions = apiTokenLifetimes.map((days) => ({
  value: String(days),
  label: lifetimeLabels[days],
}));

const scopeOf = (token: ApiToken) =>
  `${token.access === "read" ? "Read only" : "Read and write"}, ${areaLabels[token.area]}`;

const statusColour = { active: "green", expired: "gray", revoked: "red" } as const;

function RevokeButton({ token, revoke }: { token: ApiToken; revoke: (id: string) => Promise<unknown> }) {
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const mutation = useMutation({
    mutationFn: () => revoke(token.id),
    onSuccess: () => {
      setOpened(false);
      notifySuccess(`The token “${token.name}” is revoked.`);
      void queryClient.invalidateQueries({ queryKey: accountKeys.managedApiTokens });
      return queryClient.invalidateQueries({ queryKey: accountKeys.apiTokens });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <>
      <Button size="xs" variant="light" color="red" onClick={() => setOpened(true)}>
        Revoke<VisuallyHidden> {token.name}</VisuallyHidden>
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Revoke this API token?">
        <Stack>
          <Text size="sm">
            “{token.name}” ({token.prefix}…) of {token.owner.name} stops working at once. Scripts using it
            will be refused.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button color="red" loading={mutation.isPending} onClick={() => mutation.mutate()}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function TokenTable(props: {
  tokens: ApiToken[];
  showOwner: boolean;
  revoke: (id: string) => Promise<unknown>;
  label: string;
}) {
  if (props.tokens.length === 0) return <Text size="sm">No API tokens yet.</Text>;
  return (
    <ResponsiveTable minWidth={props.showOwner ? 760 : 620}>
      <Table verticalSpacing="xs" aria-label={props.label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            {props.showOwner && <Table.Th visibleFrom="sm">Person</Table.Th>}
            <Table.Th visibleFrom="sm">Scope</Table.Th>
            <Table.Th visibleFrom="sm">Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.tokens.map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {token.name}
                </Text>
                {props.showOwner && (
                  <Text size="xs" hiddenFrom="sm">
                    {token.owner.name}
                  </Text>
                )}
                <Group gap={6}>
                  <Code fz="xs">{token.prefix}…</Code>
                  <Badge size="sm" variant="light" color={statusColour[token.status]}>
                    {token.status}
                  </Badge>
                </Group>
              </Table.Td>
              {props.showOwner && (
                <Table.Td visibleFrom="sm">
                  <Text size="sm">{token.owner.name}</Text>
                  <Text size="xs" c="dimmed">
                    {token.organisation.name}
                  </Text>
                </Table.Td>
              )}
              <Table.Td visibleFrom="sm">{scopeOf(token)}</Table.Td>
              <Table.Td visibleFrom="sm">{formatDate(token.expiresAt)}</Table.Td>
              <Table.Td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</Table.Td>
              <Table.Td>
                {token.status === "active" && <RevokeButton token={token} revoke={props.revoke} />}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

/** The secret of a new token, shown this once: the server keeps only its hash. */
function NewTokenSecret({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  return (
    <SecretShownOnce
      title={`Copy the token “${created.token.name}” now`}
      instructions="It is not shown again. Send it as the header Authorization: Bearer followed by the token."
      secret={created.secret}
      testId="new-api-token"
      onDone={onDone}
    />
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedApiToken) => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      name: "",
      access: "read" as ApiTokenAccess,
      area: "sandbox" as ApiTokenArea,
      days: "30",
    },
    validate: { name: isNotEmpty("Name the token after what will use it.") },
    transformValues: ({ days, ...values }) => ({ ...values, expiresInDays: Number(days) }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.createApiToken, {
    fieldNames: { expiresInDays: "days" },
    onSuccess: (created) => {
      onCreated(created);
      return queryClient.invalidateQueries({ queryKey: accountKeys.apiTokens });
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Token name"
            placeholder="Nightly export script"
            required
            {...form.getInputProps("name")}
          />
          <Select
            label="Access"
            data={accessOptions}
            allowDeselect={false}
            {...form.getInputProps("access")}
          />
          <Select label="Area" data={areaOptions} allowDeselect={false} {...form.getInputProps("area")} />
          <Select
            label="Expires in"
            data={lifetimeOptions}
            allowDeselect={false}
            {...form.getInputProps("days")}
          />
        </SimpleGrid>
        <Button type="submit" loading={pending} w="fit-content">
          Create token
        </Button>
      </Stack>
    </form>
  );
}

/** The profile's personal API tokens: create one (its secret shown once), see their use, revoke. */
export function ApiTokensSection() {
  const tokens = useMyApiTokens();
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  return (
    <Section
      title="API tokens"
      description="Tokens let scripts call the Convene API as you, within the scope you choose."
    >
      {created ? (
        <NewTokenSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm onCreated={setCreated} />
      )}
      {tokens.isPending ? (
        <PageLoader />
      ) : tokens.isError ? (
        <ErrorAlert error={tokens.error} />
      ) : (
        <TokenTable
          tokens={tokens.data}
          showOwner={false}
          revoke={accountsApi.revokeMyApiToken}
          label="Your API tokens"
        />
      )}
    </Section>
  );
}

/** Every API token an organisation admin (their organisation's) or staff (everyone's) may revoke. */
export function ManagedApiTokens({ description }: { description: string }) {
  const tokens = useManagedApiTokens();
  return (
    <Section title="API tokens" description={description}>
      {tokens.isPending ? (
        <PageLoader />
      ) : tokens.isError ? (
        <ErrorAlert error={tokens.error} />
      ) : (
        <TokenTable tokens={tokens.data} showOwner revoke={accountsApi.revokeApiToken} label="API tokens" />
      )}
    </Section>
  );
}
