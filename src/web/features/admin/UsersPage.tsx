import { Badge, Group, Select, SimpleGrid, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { formatDate } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { StaffBadge } from "../../app/ui/StaffBadge.js";
import { ManagedApiTokens } from "../accounts/ApiTokens.js";
import { type AdminUser, useAdminLive, useAdminUsers, useOrganisations } from "./api.js";
import { UserActions } from "./UserActions.js";

const statusOptions = [
  { value: "active", label: "Active" },
  { value: "deactivated", label: "Deactivated" },
];

function UserTable({ users }: { users: AdminUser[] }) {
  if (users.length === 0) return <Text c="dimmed">No users match.</Text>;
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table verticalSpacing="sm" data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>Organisation</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Joined</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Group gap={6}>
                  <Text size="sm" fw={500}>
                    {user.name}
                  </Text>
                  {user.isStaff && <StaffBadge />}
                  {user.isOrgAdmin && (
                    <Badge size="sm" variant="light">
                      Org admin
                    </Badge>
                  )}
                  {user.totpEnabled && (
                    <Badge size="sm" variant="outline" color="gray">
                      2FA
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>{user.organisation.name}</Table.Td>
              <Table.Td>
                <Badge color={user.status === "active" ? "green" : "gray"} variant="light">
                  {user.status}
                </Badge>
              </Table.Td>
              <Table.Td>{formatDate(user.createdAt)}</Table.Td>
              <Table.Td>
                <UserActions user={user} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function UsersPage() {
  useAdminLive();
  const [text, setText] = useState("");
  const [q] = useDebouncedValue(text.trim(), 300);
  const [organisationId, setOrganisationId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const organisations = useOrganisations();
  const users = useAdminUsers({ q, organisationId: organisationId ?? "", status: status ?? "" });

  return (
    <Page title="Users">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label="Search"
          placeholder="Name or e-mail"
          type="search"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <Select
          label="Organisation"
          placeholder="Any"
          clearable
          searchable
          data={(organisations.data ?? []).map((organisation) => ({
            value: organisation.id,
            label: organisation.name,
          }))}
          value={organisationId}
          onChange={setOrganisationId}
        />
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={statusOptions}
          value={status}
          onChange={setStatus}
        />
      </SimpleGrid>
      {users.isPending ? (
        <PageLoader />
      ) : users.isError ? (
        <ErrorAlert error={users.error} />
      ) : (
        <UserTable users={users.data} />
      )}
      <ManagedApiTokens description="Every person's API tokens, newest first. Revoke any that should not work." />
    </Page>
  );
}
