import { Alert, Anchor, Button, Paper, Group as Row, Stack, Table, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { formatDateTime } from "../../app/format.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ServerHtml } from "../desk/ServerHtml.js";
import { GroupFrame } from "./GroupFrame.js";
import {
  type Group,
  groupsApi,
  type QueueItem,
  useGroupMutation,
  useModerationLog,
  useQueue,
} from "./groups-api.js";

/** One waiting message: approve it, or reject it with a reason that is e-mailed to the sender. */
function QueueCard({ group, item }: { group: Group; item: QueueItem }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const approve = useGroupMutation(() => groupsApi.approve(group.handle, item.id));
  const reject = useGroupMutation((why: string) => groupsApi.reject(group.handle, item.id, why));
  return (
    <Paper withBorder p="md" data-testid="queue-item">
      <Stack gap="xs">
        <Row gap={6}>
          <Text size="sm" fw={500}>
            {item.author.name}
          </Text>
          <Text size="xs" c="dimmed">
            {item.author.organisationName} · {formatDateTime(item.createdAt)}
            {item.source === "email" ? " · by e-mail" : ""}
          </Text>
        </Row>
        <Text size="sm">
          In{" "}
          <Anchor component={Link} to={`/groups/${group.handle}/topics/${item.topicId}`}>
            {item.topicSubject}
          </Anchor>
        </Text>
        <ServerHtml html={item.bodyHtml} />
        {rejecting ? (
          <Stack gap="xs">
            <Textarea
              label="Reason for rejecting"
              description="The sender receives it by e-mail."
              autosize
              minRows={2}
              value={reason}
              error={reasonError}
              onChange={(event) => setReason(event.currentTarget.value)}
            />
            <Row justify="flex-end" gap="xs">
              <Button size="xs" variant="default" onClick={() => setRejecting(false)}>
                Cancel
              </Button>
              <Button
                size="xs"
                color="red"
                loading={reject.isPending}
                onClick={() => {
                  if (!reason.trim()) {
                    setReasonError("Say why the message is rejected.");
                    return;
                  }
                  reject.mutate(reason.trim(), {
                    onSuccess: () => notifySuccess("Rejected; the sender is told why."),
                  });
                }}
              >
                Reject message
              </Button>
            </Row>
          </Stack>
        ) : (
          <Row justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setRejecting(true)}>
              Reject
            </Button>
            <Button
              size="xs"
              loading={approve.isPending}
              onClick={() =>
                approve.mutate(undefined, { onSuccess: () => notifySuccess("Approved and published.") })
              }
            >
              Approve
            </Button>
          </Row>
        )}
      </Stack>
    </Paper>
  );
}

function Queue({ group }: { group: Group }) {
  const queue = useQueue(group.handle, group.canModerate);
  if (queue.isPending) return <PageLoader />;
  if (queue.isError) return <ErrorAlert error={queue.error} />;
  if (queue.data.length === 0) return <Text c="dimmed">Nothing waits for approval.</Text>;
  return (
    <Stack gap="sm">
      {queue.data.map((item) => (
        <QueueCard key={item.id} group={group} item={item} />
      ))}
    </Stack>
  );
}

/** "message_approved" as people say it: "message approved". */
const actionLabel = (action: string) => action.replaceAll("_", " ");

function ModerationLog({ group }: { group: Group }) {
  const log = useModerationLog(group.handle, group.canModerate);
  if (log.isPending) return <PageLoader />;
  if (log.isError) return <ErrorAlert error={log.error} />;
  if (log.data.length === 0) return <Text c="dimmed">No moderation yet.</Text>;
  return (
    <Table verticalSpacing="xs" data-testid="moderation-log">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Who</Table.Th>
          <Table.Th>What</Table.Th>
          <Table.Th>Affected</Table.Th>
          <Table.Th>Reason or detail</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {log.data.map((entry) => (
          <Table.Tr key={entry.id}>
            <Table.Td>
              <Text size="sm">{formatDateTime(entry.at)}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{entry.actor.name}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{actionLabel(entry.action)}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{entry.target ?? "Removed since"}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{entry.reason ?? ""}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** `/groups/:handle/moderation`: the queue of waiting messages and the log, for owners and moderators. */
export function ModerationPage() {
  const { handle = "" } = useParams();
  return (
    <GroupFrame handle={handle} tab="moderation">
      {(group) =>
        group.canModerate ? (
          <Stack>
            <Section
              title="Waiting for approval"
              description="Approved messages are published and mailed to members."
            >
              <Queue group={group} />
            </Section>
            <Section
              title="Moderation log"
              description="Every approval, rejection, pin, lock, removal, ban and role change."
            >
              <ModerationLog group={group} />
            </Section>
          </Stack>
        ) : (
          <Alert color="yellow" variant="light">
            Only the group's owners and moderators moderate it.
          </Alert>
        )
      }
    </GroupFrame>
  );
}
