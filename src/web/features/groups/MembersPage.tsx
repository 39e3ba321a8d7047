import {
  Badge,
  Button,
  Modal,
  Group as Row,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { isEmail, useForm } from "@mantine/form";
import { useState } from "react";
import { useParams } from "react-router";
import { formatDate } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ActionsHeader } from "../../app/ui/ActionsHeader.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { GroupFrame } from "./GroupFrame.js";
import {
  type Group,
  type GroupRole,
  groupsApi,
  type Member,
  roleLabels,
  useGroupMutation,
  useGroupsRefresh,
  useMembers,
} from "./groups-api.js";

const roleOptions = Object.entries(roleLabels).map(([value, label]) => ({ value, label }));

const statusLabels: Record<Member["status"], string> = {
  active: "Active",
  pending: "Asked to join",
  invited: "Invited",
  left: "Left",
  removed: "Removed",
  banned: "Banned",
};

function InviteForm({ group }: { group: Group }) {
  const refresh = useGroupsRefresh();
  const form = useForm({
    initialValues: { email: "" },
    validate: { email: isEmail("Enter an e-mail address.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: { email: string }) => groupsApi.invite(group.handle, values.email.trim()),
    {
      onSuccess: () => {
        notifySuccess("Invited.");
        return refresh();
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="xs">
        <ErrorAlert error={error} />
        <Row align="flex-end" gap="xs">
          <TextInput
            label="Invite a member"
            description="A community member's e-mail address."
            style={{ flex: 1 }}
            {...form.getInputProps("email")}
          />
          <Button type="submit" loading={pending}>
            Invite
          </Button>
        </Row>
      </Stack>
    </form>
  );
}

/** Owners ban with a reason the banned person is shown when they try to come back. */
function BanDialog({ group, member, onClose }: { group: Group; member: Member; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const ban = useGroupMutation((why: string) => groupsApi.ban(group.handle, member.user.id, why));
  return (
    <Stack>
      <Textarea
        label="Reason"
        description={`Required. ${member.user.name} sees it when they open the group.`}
        autosize
        minRows={2}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value)}
      />
      <Row justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          color="red"
          disabled={!reason.trim()}
          loading={ban.isPending}
          onClick={() =>
            ban.mutate(reason.trim(), {
              onSuccess: () => {
                notifySuccess(`${member.user.name} is banned.`);
                onClose();
              },
            })
          }
        >
          Ban
        </Button>
      </Row>
    </Stack>
  );
}

function MemberActions({ group, member, onBan }: { group: Group; member: Member; onBan: () => void }) {
  const me = useSignedInMe();
  const approve = useGroupMutation(() => groupsApi.approveMember(group.handle, member.user.id));
  const remove = useGroupMutation(() => groupsApi.removeMember(group.handle, member.user.id));
  const unban = useGroupMutation(() => groupsApi.unban(group.handle, member.user.id));
  if (member.user.id === me.id) return null;
  return (
    <Row gap={4} justify="flex-end">
      {member.status === "pending" && group.canModerate && (
        <Button size="xs" loading={approve.isPending} onClick={() => approve.mutate(undefined)}>
          Approve
        </Button>
      )}
      {group.canManage && ["active", "pending", "invited"].includes(member.status) && (
        <>
          <Button
            size="xs"
            variant="default"
            loading={remove.isPending}
            onClick={() => remove.mutate(undefined)}
          >
            Remove
          </Button>
          <Button size="xs" color="red" variant="light" onClick={onBan}>
            Ban
          </Button>
        </>
      )}
      {group.canManage && member.status === "banned" && (
        <Button size="xs" variant="default" loading={unban.isPending} onClick={() => unban.mutate(undefined)}>
          Lift the ban
        </Button>
      )}
    </Row>
  );
}

function RoleCell({ group, member }: { group: Group; member: Member }) {
  const setRole = useGroupMutation((role: GroupRole) =>
    groupsApi.setRole(group.handle, member.user.id, role),
  );
  if (!group.canManage || member.status !== "active") return <Text size="sm">{roleLabels[member.role]}</Text>;
  return (
    <Select
      size="xs"
      aria-label={`Role of ${member.user.name}`}
      data={roleOptions}
      value={member.role}
      allowDeselect={false}
      onChange={(role) =>
        role &&
        setRole.mutate(role as GroupRole, {
          onSuccess: () => notifySuccess(`${member.user.name} is now ${role}.`),
        })
      }
    />
  );
}

function MemberTable({ group }: { group: Group }) {
  const members = useMembers(group.handle, group.canRead);
  const [banning, setBanning] = useState<Member | null>(null);
  if (!group.canRead) return <Text c="dimmed">Join the group to see who belongs to it.</Text>;
  if (members.isPending) return <PageLoader />;
  if (members.isError) return <ErrorAlert error={members.error} />;
  return (
    <>
      <Table verticalSpacing="xs" data-testid="member-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Joined</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.data.map((member) => (
            <Table.Tr key={member.user.id} data-testid="member-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {member.user.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {member.user.organisationName}
                </Text>
              </Table.Td>
              <Table.Td>
                <RoleCell group={group} member={member} />
              </Table.Td>
              <Table.Td>
                <Row gap={4}>
                  <Badge
                    variant="light"
                    color={member.status === "active" ? "green" : member.status === "banned" ? "red" : "gray"}
                  >
                    {statusLabels[member.status]}
                  </Badge>
                  {member.moderated && (
                    <Badge variant="light" color="yellow">
                      Posts moderated
                    </Badge>
                  )}
                </Row>
                {member.statusReason && (
                  <Text size="xs" c="dimmed">
                    {member.statusReason}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDate(member.joinedAt)}</Text>
              </Table.Td>
              <Table.Td>
                <MemberActions group={group} member={member} onBan={() => setBanning(member)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={banning !== null} onClose={() => setBanning(null)} title="Ban from the group">
        {banning && <BanDialog group={group} member={banning} onClose={() => setBanning(null)} />}
      </Modal>
    </>
  );
}

/** `/groups/:handle/members`: who belongs, their roles; owners and moderators manage them. */
export function MembersPage() {
  const { handle = "" } = useParams();
  return (
    <GroupFrame handle={handle} tab="members">
      {(group) => (
        <Stack>
          {group.canModerate && (
            <Section title="Invite">
              <InviteForm group={group} />
            </Section>
          )}
          <Section
            title="Members"
            description={
              group.canManage
                ? "As an owner you appoint moderators and owners, remove and ban."
                : "Owners appoint moderators and other owners."
            }
          >
            <MemberTable group={group} />
          </Section>
        </Stack>
      )}
    </GroupFrame>
  );
}
