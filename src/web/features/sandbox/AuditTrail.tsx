import { Anchor, Badge, Group, Switch, Table, Text } from "@mantine/core";
import { useState } from "react";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type AuditEntry, type AuditScope, auditQuery, useAuditTrail } from "./studies-api.js";

const recordTypeLabels: Record<string, string> = {
  study: "Study",
  study_epoch: "Epoch",
  study_cohort: "Cohort",
  study_event: "Event",
  volunteer: "Volunteer",
  enrolment: "Enrolment",
};

const actionLabels: Record<AuditEntry["action"], { label: string; color: string }> = {
  create: { label: "Created", color: "green" },
  update: { label: "Changed", color: "blue" },
  remove: { label: "Removed", color: "red" },
};

/**
 * The field-level sandbox audit trail of one record (`recordType` and `recordId`) or of a whole
 * study (`studyId`: its design and its enrolments), oldest first, with the same entries as a CSV.
 */
export function AuditTrail(scope: AuditScope) {
  const trail = useAuditTrail(scope);
  // Names and labels for reading; the stored keys, ids and addresses one switch away for checking.
  const [raw, setRaw] = useState(false);
  if (trail.isPending) return <PageLoader />;
  if (trail.isError) return <ErrorAlert error={trail.error} />;
  if (trail.data.length === 0) return <Text c="dimmed">Nothing has been recorded for this yet.</Text>;
  return (
    <>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Every change, field by field: who made it, when, the old and new values, and the reason given.
        </Text>
        <Group gap="md">
          <Switch
            size="xs"
            label="Show stored values"
            checked={raw}
            onChange={(event) => setRaw(event.currentTarget.checked)}
          />
          <Anchor href={`/api/sandbox/audit.csv?${auditQuery(scope)}`} download size="sm">
            Download CSV
          </Anchor>
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="xs" striped data-testid="audit-trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Field</Table.Th>
              <Table.Th>Old value</Table.Th>
              <Table.Th>New value</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {trail.data.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(entry.at)}</Table.Td>
                <Table.Td>{raw ? entry.actor.email : entry.actor.name}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Badge variant="light" color={actionLabels[entry.action].color}>
                      {actionLabels[entry.action].label}
                    </Badge>
                    <Text span size="sm">
                      {recordTypeLabels[entry.recordType] ?? entry.recordType}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>{(raw ? entry.field : entry.fieldLabel) ?? "—"}</Table.Td>
                <Table.Td>{(raw ? entry.oldValue : entry.oldDisplay) ?? "—"}</Table.Td>
                <Table.Td>{(raw ? entry.newValue : entry.newDisplay) ?? "—"}</Table.Td>
                <Table.Td>{entry.reason ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
