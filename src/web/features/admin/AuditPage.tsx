import { Alert, Button, Code, SimpleGrid, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { type ChangeEvent, useState } from "react";
import { keyAsWords } from "../../../shared/words.js";
import { formatDateTime } from "../../app/format.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type AuditChain, type AuditEntry, type AuditFilters, useAuditLog } from "./api.js";

const noFilters: AuditFilters = { action: "", actor: "", target: "", from: "", to: "" };

function ChainStatus({ chain }: { chain: AuditChain }) {
  if (chain.intact) {
    return (
      <Alert color="green" variant="light" data-testid="audit-chain">
        Chain intact: {chain.rows} rows
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="filled" title="The audit trail was altered" data-testid="audit-chain">
      Tampering detected at row {chain.brokenAtId}
    </Alert>
  );
}

/** A detail's value as a sentence fragment: lists joined, records as "key: value", nothing as "—". */
function readable(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map(readable).join(", ") || "none";
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>)
      .map(([key, nested]) => `${keyAsWords(key).toLowerCase()}: ${readable(nested)}`)
      .join("; ");
  return String(value);
}

function AuditDetails({ details, raw }: { details: AuditEntry["details"]; raw: boolean }) {
  if (raw)
    return (
      <Code block miw={260} style={{ wordBreak: "break-word", whiteSpace: "pre-wrap" }}>
        {JSON.stringify(details, null, 2)}
      </Code>
    );
  return (
    <Stack gap={0} miw={260}>
      {Object.entries(details).map(([name, value]) => (
        <Text key={name} size="xs" style={{ wordBreak: "break-word" }}>
          <Text span size="xs" fw={600}>
            {keyAsWords(name)}:
          </Text>{" "}
          {readable(value)}
        </Text>
      ))}
    </Stack>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [raw, setRaw] = useState(false);
  if (entries.length === 0) return <Text c="dimmed">No entries match.</Text>;
  return (
    <>
      <Switch
        size="xs"
        label="Show details as stored (JSON)"
        checked={raw}
        onChange={(event) => setRaw(event.currentTarget.checked)}
      />
      <Table.ScrollContainer minWidth={960}>
        <Table verticalSpacing="xs" fz="sm" data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>IP address</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>{entry.id}</Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(entry.at)}</Table.Td>
                <Table.Td>{entry.actorEmail ?? "System"}</Table.Td>
                <Table.Td>
                  <Code>{entry.action}</Code>
                </Table.Td>
                <Table.Td>
                  {entry.targetType ?? "—"}
                  {entry.targetId && (
                    <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }}>
                      {entry.targetId}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{entry.ip ?? "—"}</Table.Td>
                <Table.Td>
                  <AuditDetails details={entry.details} raw={raw} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}

export function AuditPage() {
  const [typed, setTyped] = useState(noFilters);
  const [filters] = useDebouncedValue(typed, 400);
  const audit = useAuditLog(filters);
  const field = (name: keyof AuditFilters) => ({
    value: typed[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) => {
      const value = event.currentTarget.value;
      setTyped((current) => ({ ...current, [name]: value }));
    },
  });

  return (
    <Page title="Audit log">
      {audit.data?.pages[0] && <ChainStatus chain={audit.data.pages[0].chain} />}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
        <TextInput label="Action" description="Starts with, e.g. auth." {...field("action")} />
        <TextInput label="Actor" description="Part of an e-mail address" {...field("actor")} />
        <TextInput label="Target" description="A type or an id" {...field("target")} />
        <TextInput label="From" type="date" description="On or after this day" {...field("from")} />
        <TextInput label="To" type="date" description="On or before this day" {...field("to")} />
      </SimpleGrid>
      {audit.isPending ? (
        <PageLoader />
      ) : audit.isError ? (
        <ErrorAlert error={audit.error} />
      ) : (
        <>
          <AuditTable entries={audit.data.pages.flatMap((page) => page.entries)} />
          {audit.hasNextPage && (
            <Button
              variant="default"
              onClick={() => audit.fetchNextPage()}
              loading={audit.isFetchingNextPage}
              w="fit-content"
            >
              Show older entries
            </Button>
          )}
        </>
      )}
    </Page>
  );
}
