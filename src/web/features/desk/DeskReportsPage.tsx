import { Anchor, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { type SlaReportRow, slaReportCsvUrl, useSlaReport } from "./sla-api.js";
import { formatMinutes } from "./sla-labels.js";

const duration = (minutes: number | null) => (minutes === null ? "—" : formatMinutes(minutes));

function ReportTable({ rows }: { rows: SlaReportRow[] }) {
  if (rows.length === 0) return <Text c="dimmed">No tickets in these months.</Text>;
  return (
    <ResponsiveTable minWidth={900}>
      <Table verticalSpacing="xs" striped data-testid="sla-report">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Organisation</Table.Th>
            <Table.Th>Month</Table.Th>
            <Table.Th>Opened</Table.Th>
            <Table.Th>First response, median</Table.Th>
            <Table.Th>First response, 90th percentile</Table.Th>
            <Table.Th>Resolution, median</Table.Th>
            <Table.Th>Resolution, 90th percentile</Table.Th>
            <Table.Th>Breaches</Table.Th>
            <Table.Th>Backlog at month end</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={`${row.organisation.id}-${row.month}`}>
              <Table.Td>{row.organisation.name}</Table.Td>
              <Table.Td>{row.month}</Table.Td>
              <Table.Td>{row.opened}</Table.Td>
              <Table.Td>{duration(row.firstResponse.median)}</Table.Td>
              <Table.Td>{duration(row.firstResponse.p90)}</Table.Td>
              <Table.Td>{duration(row.resolution.median)}</Table.Td>
              <Table.Td>{duration(row.resolution.p90)}</Table.Td>
              <Table.Td>{row.breaches}</Table.Td>
              <Table.Td>{row.backlog}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

/** `/desk/reports`: service levels by organisation and month, in business time (staff). */
export function DeskReportsPage() {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const report = useSlaReport(from, to);
  return (
    <Page title="Service-level report">
      <Stack>
        <Group align="flex-end">
          <TextInput
            label="From month"
            type="month"
            value={from}
            onChange={(event) => setFrom(event.currentTarget.value)}
          />
          <TextInput
            label="To month"
            type="month"
            value={to}
            onChange={(event) => setTo(event.currentTarget.value)}
          />
          <Anchor href={slaReportCsvUrl(from, to)} download mb={8}>
            Download CSV
          </Anchor>
        </Group>
        <Text size="sm" c="dimmed">
          Times are business time under each organisation's service levels, not counting waits on the
          customer; months are in the organisation's time zone. The last six months unless you choose.
        </Text>
        {report.isPending ? (
          <PageLoader />
        ) : report.isError ? (
          <ErrorAlert error={report.error} />
        ) : (
          <ReportTable rows={report.data.rows} />
        )}
      </Stack>
    </Page>
  );
}
