import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  FileInput,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatNumber } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { ResponsiveTable } from "../../app/ui/ResponsiveTable.js";
import { Section } from "../../app/ui/Section.js";
import { roleLabels } from "./api.js";
import {
  type PhiScanField,
  type PhiScanReport,
  type ProductCall,
  type ProductCallStatus,
  type ProductConnection,
  type ProductEnvironment,
  type ProvisionedPerson,
  type ProvisioningState,
  productApi,
  productKeys,
  productVariables,
  type ReconcileAction,
  type ReconcileActionKind,
  type ReconcileReport,
  useProductEnvironment,
} from "./product-api.js";

const stateLabels: Record<ProvisioningState, string> = {
  "in sync": "In sync",
  pending: "Pending",
  failing: "Failing",
};
const stateColors: Record<ProvisioningState, string> = {
  "in sync": "green",
  pending: "blue",
  failing: "red",
};
const callStatusLabels: Record<ProductCallStatus, string> = {
  pending: "Pending",
  succeeded: "Delivered",
  failed: "Failed",
};
const callStatusColors: Record<ProductCallStatus, string> = {
  pending: "blue",
  succeeded: "green",
  failed: "red",
};
const actionLabels: Record<ReconcileActionKind, string> = {
  create: "Create",
  update: "Update",
  deactivate: "Deactivate",
};
const actionColors: Record<ReconcileActionKind, string> = {
  create: "green",
  update: "blue",
  deactivate: "orange",
};

const roleLabel = (role: ProvisionedPerson["role"]) => (role === "staff" ? "Staff" : roleLabels[role]);

/** Long addresses wrap anywhere rather than push a phone's screen sideways. */
const wrapping = { overflowWrap: "anywhere" } as const;
/** In a table cell, only what is wider than the column wraps: the column keeps an address's width. */
const cellWrapping = { overflowWrap: "break-word" } as const;

/** A part of the product that is not configured: what is used instead and which variables connect it. */
function NotConnected({ variables }: { variables: readonly string[] }) {
  return (
    <Text size="sm" c="dimmed">
      Not connected: the built-in stand-in is used. Set{" "}
      {variables.map((name, index) => (
        <span key={name}>
          {index > 0 && (index === variables.length - 1 ? " and " : ", ")}
          <Code>{name}</Code>
        </span>
      ))}
      .
    </Text>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" style={wrapping}>
      <Text span fw={600} size="sm">
        {label}:
      </Text>{" "}
      {children}
    </Text>
  );
}

function Part({ title, connected, children }: { title: string; connected: boolean; children: ReactNode }) {
  return (
    <Stack gap={4} data-testid="product-part">
      <Group gap="xs">
        <Title order={3} size="h5">
          {title}
        </Title>
        <Badge variant="light" color={connected ? "green" : "gray"}>
          {connected ? "Connected" : "Not connected"}
        </Badge>
      </Group>
      {children}
    </Stack>
  );
}

const list = (values: string[]) => (values.length > 0 ? values.join(", ") : "none");

function Connection({ connection }: { connection: ProductConnection }) {
  const { productUrl, oidc, scim, reset, flags } = connection;
  const flagsConnected = flags.url !== null || flags.source === "product";
  return (
    <Stack gap="lg">
      <Part title="Product address" connected={productUrl !== null}>
        {productUrl ? (
          <Text size="sm" style={wrapping}>
            <Anchor href={productUrl} target="_blank" rel="noreferrer">
              {productUrl}
            </Anchor>
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            Not set: set <Code>{productVariables.product[0]}</Code> to link the product from the environment's
            pages.
          </Text>
        )}
      </Part>
      <Part title="Sign-in (OpenID Connect)" connected={oidc !== null}>
        {oidc ? (
          <>
            <Detail label="Issuer">{oidc.issuer}</Detail>
            <Detail label="Client id">{oidc.clientId}</Detail>
            <Detail label="Redirect URIs">{list(oidc.redirectUris)}</Detail>
            <Detail label="After sign-out">{list(oidc.postLogoutRedirectUris)}</Detail>
            <Detail label="Back-channel logout">{oidc.backchannelLogoutUri ?? "none"}</Detail>
          </>
        ) : (
          <NotConnected variables={productVariables.oidc} />
        )}
      </Part>
      <Part title="Provisioning (SCIM)" connected={scim !== null}>
        {scim ? (
          <Detail label="SCIM address">{scim.url}</Detail>
        ) : (
          <NotConnected variables={productVariables.scim} />
        )}
      </Part>
      <Part title="Reset on wipe" connected={reset !== null}>
        {reset ? (
          <>
            <Detail label="Reset address">{reset.url}</Detail>
            <Detail label="Each call">
              up to {reset.timeoutSeconds} s, {reset.attempts} attempts
            </Detail>
          </>
        ) : (
          <NotConnected variables={productVariables.reset} />
        )}
      </Part>
      <Part title="Feature flags" connected={flagsConnected}>
        {flagsConnected ? (
          <>
            <Detail label="Source">
              {flags.source === "product" ? "the product's flag service" : "Convene (staff set them here)"}
            </Detail>
            <Detail label="Changes sent to">{flags.url ?? "nowhere"}</Detail>
          </>
        ) : (
          <NotConnected variables={productVariables.flags} />
        )}
      </Part>
    </Stack>
  );
}

function PersonState({ person }: { person: ProvisionedPerson }) {
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="light" color={stateColors[person.state]}>
        {stateLabels[person.state]}
      </Badge>
      {person.state === "failing" && (
        <>
          <Text size="sm" c="red" style={cellWrapping} data-testid="provisioning-error">
            {person.lastError}
          </Text>
          <Text size="xs">
            {person.attempts} {person.attempts === 1 ? "attempt" : "attempts"}, failing since{" "}
            {formatDateTime(person.failingSince)}; next attempt {formatDateTime(person.nextAttemptAt)}
          </Text>
        </>
      )}
      {person.state === "pending" && person.nextAttemptAt && (
        <Text size="xs">Next attempt {formatDateTime(person.nextAttemptAt)}</Text>
      )}
    </Stack>
  );
}

function ProvisioningTable({ people }: { people: ProvisionedPerson[] }) {
  if (people.length === 0) return <Text c="dimmed">Nobody has been added to the sandbox yet.</Text>;
  return (
    <ResponsiveTable minWidth={820}>
      <Table verticalSpacing="sm" data-testid="provisioning-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th visibleFrom="sm">Organisation</Table.Th>
            <Table.Th visibleFrom="sm">Role</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th visibleFrom="sm">Last pushed</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((person) => (
            <Table.Tr key={person.userId} data-state={person.state}>
              <Table.Td style={cellWrapping}>
                <Text size="sm" fw={600}>
                  {person.name}
                </Text>
                <Text size="xs">{person.email}</Text>
                {!person.member && <Text size="xs">Not a sandbox member: inactive in the product</Text>}
              </Table.Td>
              <Table.Td visibleFrom="sm">{person.organisation}</Table.Td>
              <Table.Td visibleFrom="sm">{roleLabel(person.role)}</Table.Td>
              <Table.Td>
                <PersonState person={person} />
              </Table.Td>
              <Table.Td visibleFrom="sm" style={{ whiteSpace: "nowrap" }}>
                {formatDateTime(person.pushedAt)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

function PlanTable({ actions }: { actions: ReconcileAction[] }) {
  return (
    <Table verticalSpacing="xs" data-testid="reconcile-plan">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Action</Table.Th>
          <Table.Th>User</Table.Th>
          <Table.Th>Result</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {actions.map((action) => (
          <Table.Tr key={`${action.action}-${action.scimId ?? action.userId ?? action.userName}`}>
            <Table.Td>
              <Badge variant="light" color={actionColors[action.action]}>
                {actionLabels[action.action]}
              </Badge>
            </Table.Td>
            {/* In a dialog, an address wraps anywhere: a phone's dialog is narrower than some addresses. */}
            <Table.Td style={wrapping}>
              <Text size="sm" fw={600}>
                {action.userName}
              </Text>
              <Text size="xs">{action.reason}</Text>
            </Table.Td>
            <Table.Td>
              {action.outcome === "failed" ? (
                <Text size="sm" c="red" style={cellWrapping}>
                  Failed: {action.error}
                </Text>
              ) : (
                <Text size="sm">{action.outcome === "done" ? "Done" : "Planned"}</Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ReconcileSummary({ report }: { report: ReconcileReport }) {
  if (report.error)
    return (
      <Alert color="red" variant="light" title="The product's users could not be read">
        {report.error}
      </Alert>
    );
  const counts = `${formatNumber(report.productUsers)} product users, ${formatNumber(report.members)} sandbox members, ${formatNumber(report.inSync)} in sync.`;
  if (report.actions.length === 0)
    return <Text size="sm">{counts} Nothing to do: the product matches the sandbox.</Text>;
  return (
    <Stack gap="xs">
      <Text size="sm">
        {counts}{" "}
        {report.dryRun
          ? "Nothing has been changed yet: apply the plan to make the product match."
          : report.failed > 0
            ? `${report.failed} of ${report.actions.length} actions failed; failing people are retried.`
            : "Every action was done."}
      </Text>
      <PlanTable actions={report.actions} />
    </Stack>
  );
}

/**
 * Reconcile now: a dry run first, showing the plan, then Apply. The dry run starts with the click that
 * opens the dialog, and its report stays shown while the plan is applied.
 */
function useReconcile() {
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [report, setReport] = useState<ReconcileReport | null>(null);
  const run = useMutation({
    mutationFn: (dryRun: boolean) => productApi.reconcile(dryRun),
    onSuccess: (result) => {
      setReport(result);
      if (result.dryRun) return;
      if (result.failed === 0 && !result.error) notifySuccess("The product now matches the sandbox.");
      return queryClient.invalidateQueries({ queryKey: productKeys.environment });
    },
  });
  return {
    opened,
    report,
    run,
    open: () => {
      setReport(null);
      setOpened(true);
      run.mutate(true);
    },
    close: () => {
      setOpened(false);
      setReport(null);
      run.reset();
    },
  };
}

function ReconcileDialog({ reconcile }: { reconcile: ReturnType<typeof useReconcile> }) {
  const { opened, report, run, close } = reconcile;
  const planned = Boolean(report?.dryRun && !report.error && report.actions.length > 0);
  const finished = report !== null && (!report.dryRun || report.error !== null);
  return (
    <Modal opened={opened} onClose={close} title="Reconcile with the product" size="xl">
      <Stack>
        <Text size="sm">
          Every user of the product is compared with the sandbox's people: members it lacks are created, what
          differs is corrected, and active users who are not sandbox members are deactivated.
        </Text>
        <ErrorAlert error={run.error} />
        {report ? <ReconcileSummary report={report} /> : run.isPending && <PageLoader />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {planned ? "Cancel" : "Close"}
          </Button>
          {planned && (
            <Button loading={run.isPending} onClick={() => run.mutate(false)}>
              Apply
            </Button>
          )}
          {finished && (
            <Button variant="light" loading={run.isPending} onClick={() => run.mutate(true)}>
              Check again
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function Provisioning({ provisioning }: { provisioning: NonNullable<ProductEnvironment["provisioning"]> }) {
  const queryClient = useQueryClient();
  const reconcile = useReconcile();
  const retry = useMutation({
    mutationFn: () => productApi.retryFailed(),
    onSuccess: (environment) => {
      queryClient.setQueryData(productKeys.environment, environment);
      const failing = environment.provisioning?.counts.failing ?? 0;
      if (failing === 0) notifySuccess("Every failing person was pushed to the product.");
    },
  });
  const { counts } = provisioning;
  return (
    <Stack>
      <Group justify="space-between" align="center" gap="sm">
        <Text size="sm" data-testid="provisioning-counts">
          {formatNumber(counts.inSync)} in sync, {formatNumber(counts.pending)} pending,{" "}
          <Text
            span
            size="sm"
            fw={counts.failing > 0 ? 700 : undefined}
            c={counts.failing > 0 ? "red" : undefined}
          >
            {formatNumber(counts.failing)} failing
          </Text>
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            loading={retry.isPending}
            disabled={counts.failing === 0}
            onClick={() => retry.mutate()}
          >
            Retry failed now
          </Button>
          <Button onClick={reconcile.open}>Reconcile now</Button>
        </Group>
      </Group>
      <ErrorAlert error={retry.error} />
      {retry.isSuccess && (retry.data.provisioning?.counts.failing ?? 0) > 0 && (
        <Alert color="orange" variant="light" title="Some people still fail">
          The product refused them again; each is retried on its own, later and later, until it works.
        </Alert>
      )}
      <ProvisioningTable people={provisioning.people} />
      <ReconcileDialog reconcile={reconcile} />
    </Stack>
  );
}

function CallsTable({ calls }: { calls: ProductCall[] }) {
  if (calls.length === 0) return <Text c="dimmed">No signed call has been made to the product yet.</Text>;
  return (
    <ResponsiveTable minWidth={760}>
      <Table verticalSpacing="sm" data-testid="product-calls">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Call</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="sm">Attempts</Table.Th>
            <Table.Th visibleFrom="sm">Last answer</Table.Th>
            <Table.Th visibleFrom="sm">Delivered</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {calls.map((call) => (
            <Table.Tr key={call.id} data-status={call.status}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {call.kind}
                </Text>
                <Text size="xs">{formatDateTime(call.createdAt)}</Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={2} align="flex-start">
                  <Badge
                    variant={call.status === "failed" ? "filled" : "light"}
                    color={callStatusColors[call.status]}
                  >
                    {callStatusLabels[call.status]}
                  </Badge>
                  {call.status === "pending" && call.attempts > 0 && (
                    <Text size="xs">Next attempt {formatDateTime(call.nextAttemptAt)}</Text>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td visibleFrom="sm">{call.attempts}</Table.Td>
              <Table.Td visibleFrom="sm" style={cellWrapping}>
                {call.lastStatusCode !== null && <Text size="sm">{call.lastStatusCode}</Text>}
                {call.lastError && (
                  <Text size="xs" c={call.status === "succeeded" ? undefined : "red"}>
                    {call.lastError}
                  </Text>
                )}
                {call.lastStatusCode === null && !call.lastError && "—"}
              </Table.Td>
              <Table.Td visibleFrom="sm" style={{ whiteSpace: "nowrap" }}>
                {formatDateTime(call.deliveredAt)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ResponsiveTable>
  );
}

function ProductEnvironmentView() {
  const environment = useProductEnvironment();
  if (environment.isPending) return <PageLoader />;
  if (environment.isError) return <ErrorAlert error={environment.error} />;
  const { connection, provisioning, calls } = environment.data;
  return (
    <>
      <Section
        title="Connection"
        description="Which parts of the vendor's product stand behind the development environment. Secrets are never shown."
      >
        <Connection connection={connection} />
      </Section>
      <Section
        title="Provisioning"
        description="Sandbox users pushed to the product's SCIM endpoint: added, changed, and deactivated when removed. Failing people come first; a failure is retried after 30 s, 2 min, 10 min, 1 h, then every 6 h."
      >
        {provisioning ? (
          <Provisioning provisioning={provisioning} />
        ) : (
          <NotConnected variables={productVariables.scim} />
        )}
      </Section>
      <Section
        title="Recent signed calls"
        description="The newest 50 calls Convene made to the product, signed."
      >
        <CallsTable calls={calls} />
      </Section>
    </>
  );
}

const counted = (count: number, one: string, many: string) =>
  `${formatNumber(count)} ${count === 1 ? one : many}`;

type ScanValues = { file: File | null };
type ScannedExport = { filename: string; report: PhiScanReport };

/** The answer first: clean, or how many values in how many fields look like a real person's. */
function ScanVerdict({ scanned: { filename, report } }: { scanned: ScannedExport }) {
  const rows = counted(report.rowsScanned, "row", "rows");
  const read = `${filename}: ${rows} and ${counted(report.fieldsScanned, "field", "fields")} read as ${report.format.toUpperCase()}.`;
  // A status, not an alert: the verdict is the answer the person asked for, read out once it arrives.
  if (report.clean)
    return (
      <Alert
        role="status"
        color="green"
        variant="light"
        title={`No real data found in ${rows}`}
        data-testid="phi-scan-verdict"
        style={wrapping}
      >
        {read} Every value passes the PHI guard.
      </Alert>
    );
  return (
    <Alert
      role="status"
      color="red"
      variant="light"
      title={`${counted(report.findings, "finding", "findings")} in ${counted(report.fields.length, "field", "fields")}`}
      data-testid="phi-scan-verdict"
      style={wrapping}
    >
      {read} Each value below looks like a real person's data: the volunteer form, the API and the import
      would refuse it. Only its first and last character are shown.
    </Alert>
  );
}

/** Each field with findings: how many, by which rule of the guard, and the first ones by row, masked. */
function FindingsTable({ fields }: { fields: PhiScanField[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" aria-label="Findings by field" data-testid="phi-scan-fields">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Findings</Table.Th>
            <Table.Th>Categories</Table.Th>
            <Table.Th>Examples (masked)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fields.map((field) => {
            const severalCategories = field.categories.length > 1;
            const unshown = field.findings - field.examples.length;
            return (
              <Table.Tr key={field.field}>
                <Table.Td style={cellWrapping}>
                  <Code>{field.field}</Code>
                </Table.Td>
                <Table.Td>{formatNumber(field.findings)}</Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    {field.categories.map(({ category, count }) => (
                      <Text key={category} size="sm" style={{ whiteSpace: "nowrap" }}>
                        <Code>{category}</Code>: {formatNumber(count)}
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    {field.examples.map((example, index) => (
                      // A list's elements share a field, so one row may give several examples: the place is the key.
                      // biome-ignore lint/suspicious/noArrayIndexKey: the report's examples never move.
                      <Text key={index} size="sm" style={cellWrapping}>
                        Row {example.row}: <Code>{example.masked}</Code>
                        {severalCategories && (
                          <Text span size="xs" c="dimmed">
                            {" "}
                            ({example.category})
                          </Text>
                        )}
                      </Text>
                    ))}
                    {unshown > 0 && (
                      <Text size="xs" c="dimmed">
                        and {counted(unshown, "more", "more")} in later rows
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Staff check an export of the real product for real people's data from the browser, as the CLI and the
 * API do: the file goes to the PHI scan and only the report, masked, comes back.
 */
function PhiScan() {
  const [scanned, setScanned] = useState<ScannedExport | null>(null);
  const form = useForm<ScanValues>({
    initialValues: { file: null },
    validate: { file: (value) => (value ? null : "Choose the export: a CSV or a JSON file.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: ScanValues) => {
      // A report stays only beside the file it is about: a failed scan of another file shows none.
      setScanned(null);
      return productApi.scanExport(values.file as File);
    },
    {
      // The file stays chosen, so it can be scanned again after the product's next refresh.
      afterSuccess: "keep",
      onSuccess: (report, values) => setScanned({ filename: values.file?.name ?? "The export", report }),
    },
  );
  const chosen = form.getValues().file;
  return (
    <Section
      title="Check an export for real data"
      description="Scan the product's volunteer export before or after a refresh: every value passes the PHI guard that volunteer writes pass. Nothing is stored, and the report masks every value."
    >
      <form onSubmit={onSubmit} noValidate data-testid="phi-scan-form">
        <Stack>
          <ErrorAlert error={error} title="The export was not scanned" />
          <FileInput
            label="Export file"
            description="A CSV file with a header row, or a JSON file: an array of records, or an object holding one."
            placeholder="Choose a .csv or .json file"
            accept=".csv,.json,text/csv,application/json"
            required
            clearable
            maw={480}
            {...form.getInputProps("file")}
          />
          <Group gap="sm">
            <Button type="submit" loading={pending}>
              Scan
            </Button>
            {pending && (
              <Text size="sm" c="dimmed" role="status" style={wrapping}>
                Scanning {chosen?.name ?? "the export"}…
              </Text>
            )}
          </Group>
        </Stack>
      </form>
      {scanned && (
        <Stack data-testid="phi-scan-report">
          <ScanVerdict scanned={scanned} />
          {scanned.report.fields.length > 0 && <FindingsTable fields={scanned.report.fields} />}
        </Stack>
      )}
    </Section>
  );
}

/** `/admin/sandbox/product`: the vendor's product behind the sandbox: its connection, provisioning and calls. */
export function ProductPage() {
  return (
    <Page
      title="Product environment"
      actions={
        <Group gap="lg">
          <Anchor component={Link} to="/admin/sandbox-flags">
            Flags
          </Anchor>
          <Anchor component={Link} to="/admin/sandbox-wipes">
            Wipes
          </Anchor>
        </Group>
      }
    >
      <ProductEnvironmentView />
      <PhiScan />
    </Page>
  );
}
