import type { QueryKey } from "@tanstack/react-query";
import { sandboxRecordsChanged } from "../../../server/modules/sandbox/clinical/contracts/audit.js";
import { type LiveRule, useLiveQueries, whenEvent } from "../../app/live.js";
import { pharmacyKeys } from "../pharmacy/api.js";
import { operationsKeys, operationsLive } from "./operations-api.js";
import { studyKeys } from "./studies-api.js";
import { volunteerKeys } from "./volunteers-api.js";

/** What a change of each kind of record shows in, besides the audit trail and the environment's counts. */
function staleRecordQueries(recordType: string, studyIds: string[]): QueryKey[] {
  const studies = studyIds.map((id) => studyKeys.study(id));
  if (recordType.startsWith("study")) return [["sandbox", "studies", "list"], ...studies];
  if (recordType === "enrolment") return [...studies, volunteerKeys.all];
  if (recordType === "volunteer") return [volunteerKeys.all];
  if (recordType.startsWith("pharmacy")) return [pharmacyKeys.all];
  return [];
}

/**
 * What others' changes to the environment's records make stale on open sandbox pages: the lists and
 * records of the kinds that changed (a study's page holds its subjects), the audit trail and the counts.
 */
export const sandboxRecordsLive: LiveRule[] = [
  whenEvent(sandboxRecordsChanged, ({ recordTypes, studyIds }) => [
    ["sandbox", "audit"],
    operationsKeys.environment,
    ...recordTypes.flatMap((recordType) => staleRecordQueries(recordType, studyIds)),
  ]),
];

/** Keeps every open sandbox page in step with the operators and the other users (the sandbox frame holds it). */
export function useSandboxLive(): void {
  useLiveQueries([...operationsLive, ...sandboxRecordsLive]);
}
