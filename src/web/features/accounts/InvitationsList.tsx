import { Badge, Button, SegmentedControl, Table, Text, VisuallyHidden } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDate } from "../../app/format.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { accountsApi, type Invitation, type InvitationStatus, useInvitations } from "./api.js";

const statusColour: Record<InvitationStatus, string> = {
  pending: "blue",
  accepted: "green",
  revoked: "gray",
  expired: "orange",
};

const statusFilters = [
  { value: "pending", label: "Pending" },
  { value: "accepted", label: "Accepted" },
  { value: "revoked", label: "Revoked" },
  { value: "expired", label: "Expired" },
  { value: "", label: "All" },
] as const;

type StatusFilter = (typeof statusFilters)[number]["value"];

function RevokeButton({ invitation }: { invitation: Invitation }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => accountsApi.revokeInvitation(invitation.id),
    onSuccess: () => {
      notifySuccess(`The invitation for ${invitation.email} is revoked.`);
      return queryClient.invalidateQueries({ queryKey: ["invitations"] });
    },
    onError: (error) => notifyFailure(error.message),
  });
  return (
    <Button size="xs" variant="light" color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
      Revoke
    </Button>
  );
}

/** Staff see every invitation, organisation admins their organisation's, members those they sent. */
export function InvitationsList() {
  const [status, setStatus] = useState<StatusFilter>("pending");
  const invitations = useInvitations(status);

  return (
    <Section title="Invitations">
      <SegmentedControl
        aria-label="Show invitations"
        data={statusFilters.map((filter) => ({ ...filter }))}
        value={status}
        onChange={(value) => setStatus(value as StatusFilter)}
        w="fit-content"
      />
      {invitations.isPending ? (
        <PageLoader />
      ) : invitations.isError ? (
        <ErrorAlert error={invitations.error} />
      ) : invitations.data.length === 0 ? (
        <Text c="dimmed">No invitations to show.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" data-testid="invitations-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Organisation</Table.Th>
                <Table.Th>Invited by</Table.Th>
                <Table.Th>Sent</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.data.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td>{invitation.organisation.name}</Table.Td>
                  <Table.Td>{invitation.invitedBy?.name ?? "—"}</Table.Td>
                  <Table.Td>{formatDate(invitation.createdAt)}</Table.Td>
                  <Table.Td>{formatDate(invitation.expiresAt)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={statusColour[invitation.status]}>
                      {invitation.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {invitation.status === "pending" && <RevokeButton invitation={invitation} />}
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
