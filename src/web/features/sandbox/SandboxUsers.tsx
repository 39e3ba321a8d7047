import { ActionIcon, Button, Group, Select, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import {
  roleLabels,
  roleOptions,
  type SandboxRole,
  type SandboxUser,
  sandboxApi,
  sandboxKeys,
  useSandboxUsers,
} from "./api.js";
import { ConfirmAction } from "./ConfirmAction.js";

function UserRow({ user, onError }: { user: SandboxUser; onError: (error: unknown) => void }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: sandboxKeys.users });
  const change = useMutation({
    mutationFn: (role: SandboxRole) => sandboxApi.changeRole(user.id, role),
    onSuccess: (changed) => {
      notifySuccess(`${changed.name} is now ${roleLabels[changed.role].toLowerCase()}.`);
      void refresh();
    },
    onError,
  });
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => sandboxApi.removeUser(user.id),
    onSuccess: () => {
      setConfirming(false);
      notifySuccess(`${user.name} no longer has access to the development environment.`);
      void refresh();
    },
  });
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
        </Text>
        <Text size="xs" c="dimmed">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>{user.organisation.name}</Table.Td>
      <Table.Td>
        <Select
          aria-label={`Role of ${user.name}`}
          data={roleOptions}
          value={user.role}
          allowDeselect={false}
          disabled={change.isPending}
          onChange={(value) => value && value !== user.role && change.mutate(value as SandboxRole)}
          w={200}
        />
      </Table.Td>
      <Table.Td>
        <Tooltip label={`Remove ${user.name}`}>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove ${user.name}`}
            loading={remove.isPending}
            onClick={() => setConfirming(true)}
          >
            <UiIcon icon={IconX} />
          </ActionIcon>
        </Tooltip>
        <ConfirmAction
          opened={confirming}
          title={`Remove ${user.name}?`}
          confirmLabel="Remove"
          color="red"
          pending={remove.isPending}
          error={<ErrorAlert error={remove.error} />}
          onConfirm={() => remove.mutate()}
          onClose={() => setConfirming(false)}
        >
          {user.name} will no longer be able to use the development environment. You can add them again later.
        </ConfirmAction>
      </Table.Td>
    </Table.Tr>
  );
}

/** For org admins (their organisation) and staff (everyone): who may use the sandbox, with which role. */
export function SandboxUsers({ isStaff }: { isStaff: boolean }) {
  const query = useSandboxUsers();
  const queryClient = useQueryClient();
  const [personId, setPersonId] = useState<string | null>(null);
  const [role, setRole] = useState<SandboxRole>("study_coordinator");
  const [rowError, setRowError] = useState<unknown>(null);
  const add = useMutation({
    mutationFn: () => sandboxApi.addUser({ userId: personId ?? "", role }),
    onSuccess: (added) => {
      notifySuccess(`${added.name} can now use the development environment.`);
      setPersonId(null);
      void queryClient.invalidateQueries({ queryKey: sandboxKeys.users });
    },
  });
  const candidates = query.data?.candidates ?? [];
  return (
    <Section
      title="Sandbox users"
      description={
        isStaff
          ? "Everyone with access to the development environment, in every organisation."
          : "Colleagues of your organisation with access to the development environment."
      }
    >
      {query.isPending ? (
        <PageLoader />
      ) : query.isError ? (
        <ErrorAlert error={query.error} />
      ) : (
        <Stack>
          <ErrorAlert error={rowError} />
          {query.data.users.length === 0 ? (
            <Text c="dimmed">Nobody yet.</Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing="xs" data-testid="sandbox-users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Person</Table.Th>
                    <Table.Th>Organisation</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <ActionsHeader />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {query.data.users.map((user) => (
                    <UserRow key={user.id} user={user} onError={setRowError} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (personId) add.mutate();
            }}
          >
            <Stack gap="xs">
              <ErrorAlert error={add.error} />
              <Group align="flex-end">
                <Select
                  label={isStaff ? "Add a person" : "Add a colleague"}
                  placeholder={candidates.length === 0 ? "Everyone already has access" : "Choose a person"}
                  searchable
                  data={candidates.map((person) => ({
                    value: person.id,
                    label: isStaff
                      ? `${person.name} (${person.organisation.name})`
                      : `${person.name} (${person.email})`,
                  }))}
                  value={personId}
                  onChange={setPersonId}
                  disabled={candidates.length === 0}
                  w={320}
                />
                <Select
                  label="Role"
                  data={roleOptions}
                  value={role}
                  allowDeselect={false}
                  onChange={(value) => value && setRole(value as SandboxRole)}
                  w={200}
                />
                <Button type="submit" disabled={!personId} loading={add.isPending}>
                  Add
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      )}
    </Section>
  );
}
