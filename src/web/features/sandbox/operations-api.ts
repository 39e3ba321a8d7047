import { useQuery } from "@tanstack/react-query";
import * as transfer from "../../../server/modules/sandbox/clinical/contracts/transfer.js";
import * as deployments from "../../../server/modules/sandbox/operations/contracts/deployments.js";
import type { Environment } from "../../../server/modules/sandbox/operations/contracts/environment.js";
import * as environment from "../../../server/modules/sandbox/operations/contracts/environment.js";
import type { FlagState } from "../../../server/modules/sandbox/operations/contracts/flags.js";
import * as flags from "../../../server/modules/sandbox/operations/contracts/flags.js";
import * as settings from "../../../server/modules/sandbox/operations/contracts/settings.js";
import type { WipeStatus } from "../../../server/modules/sandbox/operations/contracts/wipes.js";
import * as wipes from "../../../server/modules/sandbox/operations/contracts/wipes.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";
import { type LiveRule, whenEvent } from "../../app/live.js";

export type {
  StudyExport,
  StudyImportResult,
} from "../../../server/modules/sandbox/clinical/contracts/transfer.js";
export type { Deployment } from "../../../server/modules/sandbox/operations/contracts/deployments.js";
export type { Environment } from "../../../server/modules/sandbox/operations/contracts/environment.js";
export type { Flag, FlagState } from "../../../server/modules/sandbox/operations/contracts/flags.js";
export type { SandboxSettings } from "../../../server/modules/sandbox/operations/contracts/settings.js";
export type { Wipe, WipeStatus } from "../../../server/modules/sandbox/operations/contracts/wipes.js";

export type FlagInput = Request<typeof flags.createFlag>["body"];
export type FlagChanges = NonNullable<Request<typeof flags.updateFlag>["body"]>;
export type DeploymentInput = Request<typeof deployments.recordDeployment>["body"];
export type SettingsChanges = NonNullable<Request<typeof settings.updateSandboxSettings>["body"]>;
/** A study export as the server takes it back; a file read from disk is checked by the server alone. */
export type StudyImportFile = Request<typeof transfer.importStudies>["body"];

export const flagStateLabels: Record<FlagState, string> = { off: "Off", preview: "Preview", on: "On" };
export const flagStateColors: Record<FlagState, string> = { off: "gray", preview: "grape", on: "green" };
export const flagStateOptions = Object.entries(flagStateLabels).map(([value, label]) => ({ value, label }));

export const wipeStatusLabels: Record<WipeStatus, string> = {
  scheduled: "Scheduled",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};
export const wipeStatusColors: Record<WipeStatus, string> = {
  scheduled: "orange",
  running: "blue",
  completed: "green",
  failed: "red",
  cancelled: "gray",
};

export { WIPE_CONFIRMATION } from "../../../server/modules/sandbox/operations/contracts/wipes.js";

export const operationsKeys = {
  environment: ["sandbox", "environment"] as const,
  flags: ["sandbox", "flags"] as const,
  deployments: ["sandbox", "deployments"] as const,
  settings: ["admin", "sandbox", "settings"] as const,
  wipes: ["admin", "sandbox", "wipes"] as const,
};

/**
 * What the operators' changes make stale on open pages: a flag gates whole features (the pharmacy, say),
 * so a flag or a deployment has every sandbox page ask again, and a page of a feature switched off says
 * so at once instead of failing on its next click; a finished wipe does the same, since its data went
 * back to the baseline; a wipe scheduled or cancelled changes the banner's countdown and the wipes list.
 */
export const operationsLive: LiveRule[] = [
  whenEvent(flags.flagChanged, () => [["sandbox"], operationsKeys.flags]),
  whenEvent(deployments.deployed, () => [["sandbox"]]),
  whenEvent(wipes.wipeChanged, () => [operationsKeys.environment, operationsKeys.wipes]),
  whenEvent(wipes.wiped, () => [["sandbox"], operationsKeys.wipes]),
];

export const operationsApi = {
  createFlag: (body: FlagInput) => callApi(flags.createFlag, { body }),
  changeFlag: (key: string, body: FlagChanges) => callApi(flags.updateFlag, { params: { key }, body }),
  recordDeployment: (body: DeploymentInput) => callApi(deployments.recordDeployment, { body }),
  changeSettings: (body: SettingsChanges) => callApi(settings.updateSandboxSettings, { body }),
  scheduleWipe: (body: Request<typeof wipes.scheduleWipe>["body"]) => callApi(wipes.scheduleWipe, { body }),
  cancelWipe: (id: string) => callApi(wipes.cancelWipe, { params: { id } }),
  wipeNow: (body: Request<typeof wipes.wipeNow>["body"]) => callApi(wipes.wipeNow, { body }),
  importStudies: (exported: StudyImportFile, skipExisting: boolean) =>
    callApi(transfer.importStudies, {
      query: { skipExisting: skipExisting ? "true" : "false" },
      body: exported,
    }),
};

/** Where the export is downloaded from: a plain link, so the browser saves the server's file. */
export const STUDY_EXPORT_URL = "/api/sandbox/studies/export";

/**
 * The environment status. The banner sits on every sandbox page and events keep it current, so it is
 * not fetched again per page; the status page (`fresh`) asks each time for up-to-date counts.
 */
export const useEnvironment = ({ fresh = false } = {}) =>
  useQuery({
    queryKey: operationsKeys.environment,
    queryFn: () => callApi(environment.getEnvironment, {}),
    staleTime: 60_000,
    refetchOnMount: fresh ? "always" : true,
  });

export const useFlags = () =>
  useQuery({
    queryKey: operationsKeys.flags,
    queryFn: () => callApi(flags.listFlags, {}),
    select: (data) => data.flags,
  });

/** Who decides the flags' states: `product` when the product's flag service does, not staff here. */
export const useFlagsSource = () =>
  useQuery({
    queryKey: operationsKeys.flags,
    queryFn: () => callApi(flags.listFlags, {}),
    select: (data) => data.flagsSource,
  });

export const useDeployments = () =>
  useQuery({
    queryKey: operationsKeys.deployments,
    queryFn: () => callApi(deployments.listDeployments, {}),
  });

export const useSandboxSettings = () =>
  useQuery({
    queryKey: operationsKeys.settings,
    queryFn: () => callApi(settings.getSandboxSettings, {}),
  });

/** The wipes, and the host of the product's reset endpoint when wipes reset the vendor's product. */
export const useWipes = () =>
  useQuery({
    queryKey: operationsKeys.wipes,
    queryFn: () => callApi(wipes.listWipes, {}),
  });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * What is left before a wipe, as the banner says it: "3 d 4 h", "23 h 12 min", "4 min 05 s", and
 * "less than a second" at the end. Hours and minutes up to two days (a wipe is announced 24 h ahead
 * by default, and "25 h 0 min" says more than "1 d 1 h"), then by the second in the last hour.
 */
export function formatCountdown(milliseconds: number): string {
  if (milliseconds < 1000) return "less than a second";
  const totalHours = Math.floor(milliseconds / HOUR);
  const minutes = Math.floor((milliseconds % HOUR) / MINUTE);
  const seconds = Math.floor((milliseconds % MINUTE) / 1000);
  if (totalHours >= 48) return `${Math.floor(totalHours / 24)} d ${totalHours % 24} h`;
  if (totalHours > 0) return `${totalHours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
  return `${seconds} s`;
}

/** A `datetime-local` input's value (local time, no zone) as the ISO instant the API takes. */
export const localInputToIso = (value: string) => new Date(value).toISOString();

/** The `datetime-local` value for a moment `hoursAhead` from `now`, rounded up to the next quarter hour. */
export function localInputAhead(now: Date, hoursAhead: number): string {
  const quarter = 15 * MINUTE;
  const at = new Date(Math.ceil((now.getTime() + hoursAhead * HOUR) / quarter) * quarter);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The wipe's steps in the order the server runs them (wipe-runner.ts, then baseline.ts). */
const wipeSteps: { step: string; label: string }[] = [
  { step: "clearing", label: "clearing the old data" },
  { step: "studies", label: "restoring the baseline studies" },
  { step: "volunteers", label: "restoring the baseline volunteers" },
  { step: "enrolments", label: "restoring the baseline enrolments" },
];
export const WIPE_STEP_COUNT = wipeSteps.length;

/** "step n of m" and how far the whole wipe is, from the running wipe's step and count. */
export function wipeProgressOf(wipe: NonNullable<Environment["wipe"]>): {
  stepNumber: number | null;
  label: string | null;
  percent: number | null;
} {
  const index = wipeSteps.findIndex((candidate) => candidate.step === wipe.step);
  if (index < 0) return { stepNumber: null, label: null, percent: null };
  const withinStep = wipe.total ? Math.min(1, (wipe.done ?? 0) / wipe.total) : 0;
  return {
    stepNumber: index + 1,
    label: wipeSteps[index]?.label ?? null,
    percent: Math.round(((index + withinStep) / wipeSteps.length) * 100),
  };
}
