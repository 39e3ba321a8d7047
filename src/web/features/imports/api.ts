import { useQuery } from "@tanstack/react-query";
import type {
  ImportRun,
  ImportRunStatus,
  ImportSource,
  UnknownPeople,
} from "../../../server/modules/imports/contracts/imports.js";
import * as imports from "../../../server/modules/imports/contracts/imports.js";
import { callApi } from "../../app/api.js";

export type {
  ImportReport,
  ImportRun,
  ImportRunStatus,
  ImportSource,
  UnknownPeople,
} from "../../../server/modules/imports/contracts/imports.js";

export const importSources = imports.importSources;
export const importSourceLabels = imports.importSourceLabels;

export const importKeys = {
  all: ["admin", "imports"] as const,
  runs: ["admin", "imports", "runs"] as const,
  run: (id: string) => ["admin", "imports", "run", id] as const,
};

/** A run that moves no more by itself: the admin's word (import, resume, a new upload) comes next. */
export const isSettled = (status: ImportRunStatus) => status !== "surveying" && status !== "importing";

/** How often an open page asks again while a run surveys or imports. */
const POLL_MS = 1000;

/** The imports, newest first; asked again while one of them is still moving. */
export const useImportRuns = () =>
  useQuery({
    queryKey: importKeys.runs,
    queryFn: () => callApi(imports.listImportRuns, {}),
    select: (data) => data.runs,
    refetchInterval: (query) =>
      query.state.data?.runs.some((run) => !isSettled(run.status)) ? POLL_MS : false,
  });

/** One run, its report and progress; polled every second until it settles. */
export const useImportRun = (id: string) =>
  useQuery({
    queryKey: importKeys.run(id),
    queryFn: () => callApi(imports.getImportRun, { params: { id } }),
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data.status) ? false : POLL_MS),
  });

export type ExportUpload = {
  source: ImportSource;
  unknownPeople: UnknownPeople;
  groupHandle: string;
  file: File;
};

export const importsApi = {
  /** The fields first and the file last, as the route reads them; a group handle only for Groups.io. */
  upload: ({ source, unknownPeople, groupHandle, file }: ExportUpload): Promise<ImportRun> => {
    const form = new FormData();
    form.append("source", source);
    form.append("unknownPeople", unknownPeople);
    if (source === "groupsio") form.append("groupHandle", groupHandle.trim());
    form.append("file", file);
    return callApi(imports.startImportSurvey, { form });
  },
  start: (id: string) => callApi(imports.startImport, { params: { id } }),
};
