import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import { GroupSettingsForm } from "./GroupSettingsForm.js";
import { type GroupSummary, groupsApi, roleLabels, useDirectory, useGroupsRefresh } from "./groups-api.js";
import { SearchMessages } from "./SearchMessages.js";

/** What the directory says of one's place in a group: a role, a waiting request, an invitation. */
export function MembershipBadge({ group }: { group: Pick<GroupSummary, "myMembership"> }) {
  const membership = group.myMembership;
  if (!membership) return null;
  if (membership.status === "active")
    return (
      <Badge variant="light" color={membership.role === "member" ? "blue" : "grape"}>
        {roleLabels[membership.role]}
      </Badge>
    );
  if (membership.status === "pending")
    return (
      <Badge variant="light" color="yellow">
        Request waiting
      </Badge>
    );
  if (membership.status === "invited")
    return (
      <Badge variant="light" color="teal">
        Invited
      </Badge>
    );
  if (membership.status === "banned")
    return (
      <Badge variant="light" color="red">
        Banned
      </Badge>
    );
  return null;
}

function GroupTable({ groups, searching }: { groups: GroupSummary[]; searching: boolean }) {
  if (groups.length === 0)
    return (
      <Text c="dimmed">
        {searching ? "No group matches that search." : "There is no group yet. Start the first one."}
      </Text>
    );
  return (
    <ResponsiveTable minWidth={640}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="group-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Group</Table.Th>
            <Table.Th visibleFrom="sm">Address</Table.Th>
            <Table.Th visibleFrom="sm">Members</Table.Th>
            <Table.Th>You</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {groups.map((group) => (
            <Table.Tr key={group.id}>
              <Table.Td>
                <Group gap="xs">
                  <Anchor component={Link} to={`/groups/${group.handle}`} fw={500}>
                    {group.name}
                  </Anchor>
                  {group.visibility === "unlisted" && (
                    <Badge size="xs" variant="outline" color="gray">
                      Unlisted
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {group.descriptionExcerpt}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm" ff="monospace">
                  {group.address}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">{group.memberCount}</Table.Td>
              <Table.Td>
                <MembershipBadge group={group} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

/** `/groups`: listed groups and one's own, searchable; any member starts a new one. */
export function GroupsPage() {
  const navigate = useNavigate();
  const refresh = useGroupsRefresh();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const groups = useDirectory(q);
  return (
    <Page title="Groups" size="xl" actions={<Button onClick={() => setCreating(true)}>New group</Button>}>
      <Text c="dimmed">
        Groups are run by members for members: topics on the web and by e-mail, each at its own address.
      </Text>
      <Section
        title="Directory"
        description="Listed groups, and every group you belong to."
        actions={
          <TextInput
            aria-label="Search groups"
            placeholder="Search groups"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
        }
      >
        {groups.isPending ? (
          <PageLoader />
        ) : groups.isError ? (
          <ErrorAlert error={groups.error} />
        ) : (
          <GroupTable groups={groups.data} searching={q !== ""} />
        )}
      </Section>
      <Section title="Search messages" description="Topics and messages in the groups you belong to.">
        <SearchMessages handle={null} />
      </Section>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New group" size="lg">
        <Stack>
          <GroupSettingsForm
            submitLabel="Create group"
            submit={(values) => groupsApi.create(values)}
            onSaved={(group) => {
              void refresh();
              navigate(`/groups/${group.handle}`);
            }}
          />
        </Stack>
      </Modal>
    </Page>
  );
}
