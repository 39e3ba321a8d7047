import { Badge, Button, Code, Group, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { SecretShownOnce } from "../../app/ui/SecretShownOnce.js";
import {
  adminApi,
  adminKeys,
  type CreatedScimToken,
  type Organisation,
  type ScimToken,
  useScimTokens,
} from "./api.js";

/** Revoking asks once more in place: the identity provider is refused from the next request on. */
function RevokeScimToken({ token, organisationId }: { token: ScimToken; organisationId: string }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => adminApi.revokeScimToken(token.id),
    onSuccess: () => {
      notifySuccess(`The SCIM token “${token.name}” is revoked.`);
      return queryClient.invalidateQueries({ queryKey: adminKeys.scimTokens(organisationId) });
    },
    onError: (error) => notifyFailure(error.message),
  });
  if (!confirming)
    return (
      <Button size="xs" variant="light" color="red" onClick={() => setConfirming(true)}>
        Revoke<VisuallyHidden> {token.name}</VisuallyHidden>
      </Button>
    );
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="xs" color="red" loading={revoke.isPending} onClick={() => revoke.mutate()}>
        Confirm revoking
      </Button>
      <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
        Keep it
      </Button>
    </Group>
  );
}

function NewScimSecret({ created, onDone }: { created: CreatedScimToken; onDone: () => void }) {
  return (
    <SecretShownOnce
      title="Copy the SCIM token now"
      instructions="Give it to the organisation's identity provider as its bearer token. It is not shown again."
      secret={created.secret}
      testId="new-scim-token"
      onDone={onDone}
    />
  );
}

function CreateScimToken({
  organisationId,
  onCreated,
}: {
  organisationId: string;
  onCreated: (created: CreatedScimToken) => void;
}) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: "" },
    validate: { name: isNotEmpty("Name the token after the identity provider that holds it.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { name: string }) => adminApi.createScimToken(organisationId, values),
    {
      onSuccess: (created) => {
        onCreated(created);
        return queryClient.invalidateQueries({ queryKey: adminKeys.scimTokens(organisationId) });
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <TextInput label="Identity provider" placeholder="Okta" required {...form.getInputProps("name")} />
        <Button type="submit" loading={pending} w="fit-content">
          Create SCIM token
        </Button>
      </Stack>
    </form>
  );
}

/** An organisation's SCIM provisioning: where its identity provider connects, and with which tokens. */
export function ScimTokens({ organisation }: { organisation: Organisation }) {
  const tokens = useScimTokens(organisation.id);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  if (tokens.isPending) return <PageLoader />;
  if (tokens.isError) return <ErrorAlert error={tokens.error} />;
  return (
    <Stack>
      <Text size="sm">
        The identity provider creates, changes and deactivates {organisation.name}'s people, at its domains
        only, through SCIM 2.0 at
      </Text>
      <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {tokens.data.baseUrl}
      </Code>
      {created ? (
        <NewScimSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateScimToken organisationId={organisation.id} onCreated={setCreated} />
      )}
      {tokens.data.tokens.length === 0 ? (
        <Text size="sm">No SCIM tokens yet.</Text>
      ) : (
        <ResponsiveTable minWidth={480}>
          <Table verticalSpacing="xs" aria-label="SCIM tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th visibleFrom="sm">Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.tokens.map((token) => (
                <Table.Tr key={token.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {token.name}
                    </Text>
                    <Group gap={6}>
                      <Code fz="xs">{token.prefix}…</Code>
                      {token.revokedAt && (
                        <Badge size="sm" variant="light" color="red">
                          revoked
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td visibleFrom="sm">
                    {formatDateTime(token.createdAt)}
                    {token.createdBy ? ` by ${token.createdBy.name}` : ""}
                  </Table.Td>
                  <Table.Td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</Table.Td>
                  <Table.Td>
                    {!token.revokedAt && <RevokeScimToken token={token} organisationId={organisation.id} />}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ResponsiveTable>
      )}
    </Stack>
  );
}
