import { Alert, Anchor, Badge, Button, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { getEnvironment } from "../../../server/modules/sandbox/operations/contracts/environment.js";
import { callApi } from "../../app/api.js";
import { formatDateTime } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { ConfirmAction } from "./ConfirmAction.js";
import { useOperationsEvents, WipeProgressView } from "./EnvironmentBanner.js";
import {
  type Environment,
  localInputAhead,
  localInputToIso,
  operationsApi,
  operationsKeys,
  useSandboxSettings,
  useWipes,
  WIPE_CONFIRMATION,
  type Wipe,
  wipeStatusColors,
  wipeStatusLabels,
} from "./operations-api.js";

type ScheduleForm = { scheduledFor: string; message: string };

function ScheduleWipe({ noticeHours }: { noticeHours: number }) {
  const queryClient = useQueryClient();
  const form = useForm<ScheduleForm, { scheduledFor: string; message: string }>({
    // One hour beyond the notice period, so the default is allowed however long the form stays open.
    initialValues: { scheduledFor: localInputAhead(new Date(), noticeHours + 1), message: "" },
    validate: {
      // Checked here in the person's own time zone; the server's own check answers in UTC.
      scheduledFor: (value) => {
        if (!value) return "Choose the date and time of the wipe.";
        const earliest = new Date(Date.now() + noticeHours * 3600_000);
        if (new Date(localInputToIso(value)).getTime() >= earliest.getTime()) return null;
        return `Schedule the wipe at least ${noticeHours} hours ahead: ${formatDateTime(earliest.toISOString())} or later.`;
      },
      message: isNotEmpty("Say why the environment is wiped."),
    },
    transformValues: (values) => ({
      scheduledFor: localInputToIso(values.scheduledFor),
      message: values.message.trim(),
    }),
  });
  const { onSubmit, error, pending } = useFormSubmit(form, operationsApi.scheduleWipe, {
    onSuccess: (wipe) => {
      notifySuccess(`Wipe scheduled for ${formatDateTime(wipe.scheduledFor)}; everyone is told.`);
      void queryClient.invalidateQueries({ queryKey: operationsKeys.wipes });
      void queryClient.invalidateQueries({ queryKey: operationsKeys.environment });
    },
  });
  return (
    <form onSubmit={onSubmit} noValidate data-testid="schedule-wipe-form">
      <Stack>
        <ErrorAlert error={error} />
        <TextInput
          type="datetime-local"
          label="Wipe at"
          description={`Your local time; at least ${noticeHours} hours from now.`}
          w="fit-content"
          required
          {...form.getInputProps("scheduledFor")}
        />
        <Textarea
          label="Message"
          description="Shown in the countdown banner, the chat notice and the e-mail."
          autosize
          minRows={2}
          required
          {...form.getInputProps("message")}
        />
        <Button type="submit" loading={pending} w="fit-content">
          Schedule wipe
        </Button>
      </Stack>
    </form>
  );
}

/** "Resets the product at dev.product.example", and how many calls it took, for a wipe of the product. */
function ProductReset({ wipe, host }: { wipe: Wipe; host: string | null }) {
  if (!wipe.resetsProduct && !(wipe.status === "scheduled" && host)) return null;
  const attempts =
    wipe.resetAttempts > 0
      ? ` (${wipe.resetAttempts} ${wipe.resetAttempts === 1 ? "attempt" : "attempts"})`
      : "";
  return (
    <Text size="xs" c="dimmed" data-testid="wipe-product-reset">
      {host ? `Resets the product at ${host}` : "Resets the product"}
      {attempts}
    </Text>
  );
}

function PendingWipe({ wipe, productResetHost }: { wipe: Wipe; productResetHost: string | null }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => operationsApi.cancelWipe(wipe.id),
    onSuccess: () => {
      setConfirming(false);
      notifySuccess("The wipe is cancelled; everyone is told.");
      void queryClient.invalidateQueries({ queryKey: operationsKeys.wipes });
      void queryClient.invalidateQueries({ queryKey: operationsKeys.environment });
    },
  });
  return (
    <Alert
      color="orange"
      variant="light"
      title={`Wipe scheduled for ${formatDateTime(wipe.scheduledFor)}`}
      data-testid="pending-wipe"
    >
      <Stack gap="xs">
        <Text size="sm">{wipe.message}</Text>
        <ProductReset wipe={wipe} host={productResetHost} />
        <Button color="orange" variant="default" w="fit-content" onClick={() => setConfirming(true)}>
          Cancel wipe
        </Button>
      </Stack>
      <ConfirmAction
        opened={confirming}
        title="Cancel the scheduled wipe?"
        confirmLabel="Cancel the wipe"
        color="orange"
        pending={cancel.isPending}
        error={<ErrorAlert error={cancel.error} />}
        onConfirm={() => cancel.mutate()}
        onClose={() => setConfirming(false)}
      >
        Nothing will be reset; the banner goes away and everyone gets a notice that it is cancelled.
      </ConfirmAction>
    </Alert>
  );
}

/**
 * Follows a wipe started now through the environment status (the one sandbox route that answers
 * while a wipe runs) until it has finished, then refreshes everything it changed.
 */
function WipeFollower({ wipe, productResetHost }: { wipe: Wipe; productResetHost: string | null }) {
  const queryClient = useQueryClient();
  const environment = useQuery({
    queryKey: [...operationsKeys.environment, "following", wipe.id],
    queryFn: () => callApi(getEnvironment, {}),
    refetchInterval: (query) => (finishedFor(query.state.data, wipe) ? false : 1000),
  });
  const finished = finishedFor(environment.data, wipe);
  useEffect(() => {
    if (!finished) return;
    void queryClient.invalidateQueries({ queryKey: ["sandbox"] });
    void queryClient.invalidateQueries({ queryKey: operationsKeys.wipes });
  }, [finished, queryClient]);
  if (!finished)
    return (
      <WipeProgressView
        wipe={environment.data?.wipe ?? null}
        afterwards="the result shows here when it is done."
      />
    );
  if (productResetHost)
    return finished.status === "completed" ? (
      <Alert color="green" variant="light" title="The wipe has finished" data-testid="wipe-finished">
        The product at {productResetHost} has reset its environment.
      </Alert>
    ) : (
      <Alert color="red" variant="light" title="The wipe failed" data-testid="wipe-finished">
        The product at {productResetHost} did not confirm the reset. The history below says what its reset
        endpoint answered.
      </Alert>
    );
  return finished.status === "completed" ? (
    <Alert color="green" variant="light" title="The wipe has finished" data-testid="wipe-finished">
      Studies, volunteers, enrolments and pharmacy data are back at the generated baseline (
      {finished.counts.studies ?? 0} studies, {finished.counts.volunteers ?? 0} volunteers).
    </Alert>
  ) : (
    <Alert color="red" variant="light" title="The wipe failed" data-testid="wipe-finished">
      Nothing was changed: the data from before the wipe is intact. The history below says why.
    </Alert>
  );
}

/** The environment once `wipe` is over (no wipe running, and a last wipe that ended after it was made). */
function finishedFor(environment: Environment | undefined, wipe: Wipe) {
  if (!environment || environment.wipe || !environment.lastWipe) return null;
  if (new Date(environment.lastWipe.finishedAt).getTime() < new Date(wipe.createdAt).getTime()) return null;
  return { status: environment.lastWipe.status, counts: environment.counts };
}

type WipeNowForm = { confirmation: string; message: string };

function WipeNow({ onStarted }: { onStarted: (wipe: Wipe) => void }) {
  const queryClient = useQueryClient();
  const form = useForm<WipeNowForm>({
    initialValues: { confirmation: "", message: "" },
    validate: { message: isNotEmpty("Say why the environment is wiped.") },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, operationsApi.wipeNow, {
    onSuccess: ({ wipe }) => {
      notifySuccess("The wipe started: everyone is told, and the sandbox is back once it finishes.");
      void queryClient.invalidateQueries({ queryKey: operationsKeys.wipes });
      onStarted(wipe);
    },
  });
  const confirmed = form.getValues().confirmation.trim().toLowerCase() === WIPE_CONFIRMATION;
  return (
    <form onSubmit={onSubmit} noValidate data-testid="wipe-now-form">
      <Stack>
        <ErrorAlert error={error} />
        <Textarea label="Message" autosize minRows={2} required {...form.getInputProps("message")} />
        <TextInput
          label="Confirmation"
          description={`Type “${WIPE_CONFIRMATION}” to confirm.`}
          autoComplete="off"
          {...form.getInputProps("confirmation")}
        />
        <Button type="submit" color="red" loading={pending} disabled={!confirmed} w="fit-content">
          Wipe now
        </Button>
      </Stack>
    </form>
  );
}

function WipeHistory({ wipes, productResetHost }: { wipes: Wipe[]; productResetHost: string | null }) {
  if (wipes.length === 0) return <Text c="dimmed">No wipe has been scheduled yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table verticalSpacing="sm" data-testid="wipe-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>For</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Finished</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {wipes.map((wipe) => (
            <Table.Tr key={wipe.id}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {formatDateTime(wipe.scheduledFor)}
                {wipe.immediate && (
                  <Text size="xs" c="dimmed">
                    wiped now
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={wipeStatusColors[wipe.status]}>
                  {wipeStatusLabels[wipe.status]}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{wipe.message}</Text>
                <ProductReset wipe={wipe} host={productResetHost} />
                {wipe.error && (
                  <Text size="xs" c="red">
                    {wipe.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {wipe.scheduledBy?.name ?? "—"}
                {wipe.cancelledBy && (
                  <Text size="xs" c="dimmed">
                    cancelled by {wipe.cancelledBy.name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDateTime(wipe.finishedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Wipes() {
  const wipes = useWipes();
  const settings = useSandboxSettings();
  const [started, setStarted] = useState<Wipe | null>(null);
  if (wipes.isPending || settings.isPending) return <PageLoader />;
  if (!started && (wipes.isError || settings.isError))
    return <ErrorAlert error={wipes.error ?? settings.error} />;
  const productResetHost = wipes.data?.productResetHost ?? null;
  const pending = wipes.data?.wipes.find((wipe) => wipe.status === "scheduled" && !wipe.immediate);
  const resets = productResetHost
    ? `The product at ${productResetHost} is asked to reset itself (its reset endpoint, signed, with retries); sandbox users, agreements, flags and deployments stay in Convene.`
    : "Studies, volunteers, enrolments and pharmacy data go back to the generated baseline; sandbox users, agreements, flags and deployments stay.";
  return (
    <>
      {started && <WipeFollower key={started.id} wipe={started} productResetHost={productResetHost} />}
      <Section
        title="Schedule a wipe"
        description={`${resets} Everyone sees a countdown banner, the notice channel gets a notice and sandbox users an e-mail.`}
      >
        {pending ? (
          <PendingWipe wipe={pending} productResetHost={productResetHost} />
        ) : (
          <ScheduleWipe noticeHours={settings.data?.wipeNoticeHours ?? 24} />
        )}
      </Section>
      <Section
        title="Wipe now"
        description="Resets the environment at once, without notice (a scheduled wipe is taken over). Sandbox pages show the progress and are refused until it has finished."
      >
        <WipeNow onStarted={setStarted} />
      </Section>
      <Section title="History">
        <WipeHistory wipes={wipes.data?.wipes ?? []} productResetHost={productResetHost} />
      </Section>
    </>
  );
}

/** `/admin/sandbox-wipes`: staff announce a wipe, cancel it, or wipe now; and read the history. */
export function WipesPage() {
  useOperationsEvents();
  return (
    <Page
      title="Sandbox wipes"
      actions={
        <Anchor component={Link} to="/sandbox/status">
          Environment status
        </Anchor>
      }
    >
      <Wipes />
    </Page>
  );
}
