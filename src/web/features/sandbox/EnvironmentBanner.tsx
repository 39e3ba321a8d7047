import { Alert, Anchor, Badge, Group, Progress, Stack, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { Link, useLocation } from "react-router";
import { isApiError } from "../../app/api.js";
import { formatDateTime, formatRelativeTime, renderNow } from "../../app/format.js";
import { useLiveQueries } from "../../app/live.js";
import { reportProblemLink } from "./AgreementPanel.js";
import { useSandboxLive } from "./live.js";
import {
  type Environment,
  formatCountdown,
  operationsKeys,
  operationsLive,
  useEnvironment,
  WIPE_STEP_COUNT,
  wipeProgressOf,
} from "./operations-api.js";

/** Re-renders every `intervalMs` with the current time, for countdowns and "deployed 3 minutes ago". */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(renderNow);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Keeps open sandbox pages in step with the operators (see `operationsLive`). */
export function useOperationsEvents(): void {
  useLiveQueries(operationsLive);
}

function BuildLine({ build }: { build: NonNullable<Environment["build"]> }) {
  const now = useNow(30_000);
  return (
    <Group gap="xs" data-testid="environment-build">
      <Text size="sm">
        Build <strong data-testid="build-id">{build.buildId}</strong>, version{" "}
        <strong data-testid="build-version">{build.version}</strong>, deployed{" "}
        <span title={formatDateTime(build.deployedAt)}>{formatRelativeTime(build.deployedAt, now)}</span>
      </Text>
      {build.unreleased && (
        <Badge color="grape" variant="light" size="sm" data-testid="unreleased-badge">
          Unreleased features
        </Badge>
      )}
    </Group>
  );
}

/**
 * Shown on every sandbox page once inside, kept to two short lines so the page stays in view: what this
 * instance is and is not (the agreement has the whole of it), and the build that runs on it.
 */
export function EnvironmentBanner() {
  const environment = useEnvironment();
  const { pathname } = useLocation();
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="sandbox-banner">
      <Group gap="xs" justify="space-between" wrap="wrap">
        <Text size="sm" fw={700}>
          Community development environment
        </Text>
        {environment.data?.build && <BuildLine build={environment.data.build} />}
        {environment.data?.productUrl && (
          <Anchor href={environment.data.productUrl} size="sm" fw={600} data-testid="open-product">
            Open the clinical product
          </Anchor>
        )}
      </Group>
      <Group gap="xs" justify="space-between" wrap="wrap" align="flex-end">
        <Text size="xs" style={{ flex: "1 1 20rem" }}>
          There is no service-level agreement. Never enter real, production or PHI data: every volunteer here
          is synthetic or obfuscated. The data may be changed or wiped at any time.
        </Text>
        {/* The desk's ticket then carries this page, the build and the flag states. */}
        <Anchor
          component={Link}
          to={reportProblemLink(pathname)}
          size="sm"
          fw={600}
          data-testid="report-problem"
        >
          Report a problem
        </Anchor>
      </Group>
    </Alert>
  );
}

const HOUR_MS = 3600_000;

/** How loudly a wipe is announced: a note while it is days away, a warning on its day, an alarm in its last hour. */
function wipeUrgency(msLeft: number): { color: string; variant: "light" | "filled"; detailed: boolean } {
  if (msLeft <= HOUR_MS) return { color: "red", variant: "filled", detailed: true };
  if (msLeft <= 24 * HOUR_MS) return { color: "orange", variant: "light", detailed: true };
  return { color: "yellow", variant: "light", detailed: false };
}

/** The countdown to an announced wipe, ticking by the second, on every sandbox page until it runs. */
export function WipeCountdown() {
  const environment = useEnvironment();
  const now = useNow(1000);
  const nextWipe = environment.data?.nextWipe;
  if (!nextWipe || environment.data?.wipe) return null;
  const left = new Date(nextWipe.scheduledFor).getTime() - now;
  const urgency = wipeUrgency(left);
  return (
    <Alert
      color={urgency.color}
      variant={urgency.variant}
      p={urgency.detailed ? undefined : "xs"}
      data-testid="wipe-countdown"
      data-urgency={urgency.color}
      title={`Wipe in ${formatCountdown(left)}, at ${formatDateTime(nextWipe.scheduledFor)}`}
    >
      <Stack gap={4}>
        <Text size="sm">{nextWipe.message}</Text>
        {urgency.detailed ? (
          <Text size="sm">
            Studies, volunteers, enrolments and pharmacy data then go back to the generated baseline. Export
            your organisation's studies from the studies page before then.
          </Text>
        ) : (
          <Text size="xs">
            Studies, volunteers, enrolments and pharmacy data then go back to the baseline.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

type WipeProgressViewProps = {
  wipe: Environment["wipe"];
  /** What happens on this page once the wipe is over. */
  afterwards?: string;
};

/** While a wipe runs: what it is doing, step by step. */
export function WipeProgressView({
  wipe,
  afterwards = "this page reloads when it is done.",
}: WipeProgressViewProps) {
  const progress = wipe ? wipeProgressOf(wipe) : null;
  // An external environment's reset: Convene calls the product's reset endpoint, step "product".
  const resettingProduct = wipe?.step === "product";
  return (
    <Alert
      color="blue"
      variant="light"
      title="The development environment is being reset…"
      data-testid="wipe-progress"
    >
      <Stack gap="xs">
        {resettingProduct ? (
          <Text size="sm">
            The clinical product is resetting its data (call {wipe?.done} of {wipe?.total} to its reset
            endpoint); {afterwards}
          </Text>
        ) : (
          <Text size="sm">
            {progress?.stepNumber
              ? `Step ${progress.stepNumber} of ${WIPE_STEP_COUNT}: ${progress.label}.`
              : "Starting the wipe."}{" "}
            Studies, volunteers, enrolments and pharmacy data go back to the generated baseline; {afterwards}
          </Text>
        )}
        <Progress
          // The product does not say how far it is: the bar runs full while it works.
          value={resettingProduct ? 100 : (progress?.percent ?? 0)}
          animated
          aria-label="Wipe progress"
          data-testid="wipe-progress-bar"
        />
      </Stack>
    </Alert>
  );
}

/**
 * Notices a wipe in progress on this page: from the environment status, or from any sandbox request
 * the server refused with 503 `sandbox_resetting` (a query, even before its retries, or a form),
 * whichever comes first. Answers when it was first noticed, or null while nothing runs.
 */
function useResetNoticedAt(environment: Environment | undefined, refusedAlready: boolean): number | null {
  const queryClient = useQueryClient();
  const [refusedAt, setRefusedAt] = useState<number | null>(() => (refusedAlready ? Date.now() : null));
  const [runningSeenAt, setRunningSeenAt] = useState<number | null>(null);
  useEffect(() => {
    const markRefused = (error: unknown) => {
      if (isApiError(error, "sandbox_resetting")) setRefusedAt((at) => at ?? Date.now());
    };
    const stopQueries = queryClient
      .getQueryCache()
      .subscribe((event) => markRefused(event.query.state.error ?? event.query.state.fetchFailureReason));
    const stopMutations = queryClient
      .getMutationCache()
      .subscribe((event) => markRefused(event.mutation?.state.error));
    return () => {
      stopQueries();
      stopMutations();
    };
  }, [queryClient]);
  const running = Boolean(environment?.wipe);
  useEffect(() => {
    if (running) setRunningSeenAt((at) => at ?? Date.now());
  }, [running]);
  if (refusedAt === null) return runningSeenAt;
  return runningSeenAt === null ? refusedAt : Math.min(refusedAt, runningSeenAt);
}

const WIPE_POLL_MS = 1000;

type SandboxFrameProps = {
  /** The page's first request was already refused with `sandbox_resetting` (the gate's status). */
  refused?: boolean;
  children: ReactNode;
};

/**
 * The banner, the wipe countdown and the page; while a wipe runs the page makes way for the wipe's
 * progress, polled each second, and reloads once the environment answers without a running wipe
 * (every query on the page holds data from before the wipe).
 */
export function SandboxFrame({ refused = false, children }: SandboxFrameProps) {
  useSandboxLive();
  const queryClient = useQueryClient();
  const environment = useEnvironment();
  const noticedAt = useResetNoticedAt(environment.data, refused);
  const resetting = noticedAt !== null;

  useEffect(() => {
    if (!resetting) return;
    const timer = window.setInterval(
      () => void queryClient.invalidateQueries({ queryKey: operationsKeys.environment }),
      WIPE_POLL_MS,
    );
    return () => window.clearInterval(timer);
  }, [resetting, queryClient]);

  // Only a status fetched after the wipe was noticed can say it is over.
  const finished =
    noticedAt !== null &&
    environment.dataUpdatedAt > noticedAt &&
    environment.data !== undefined &&
    environment.data.wipe === null;
  useEffect(() => {
    if (finished) window.location.reload();
  }, [finished]);

  return (
    <Stack>
      <EnvironmentBanner />
      <WipeCountdown />
      {resetting ? <WipeProgressView wipe={environment.data?.wipe ?? null} /> : children}
    </Stack>
  );
}
