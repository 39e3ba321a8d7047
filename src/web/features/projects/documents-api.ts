import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ItemVisibility } from "../../../server/modules/projects/present.js";
import type {
  DiffPart,
  DocumentSummaryView,
  DocumentVersionSummaryView,
  DocumentVersionView,
  DocumentView,
  EditConflictDetails,
} from "../../../server/modules/projects/present-documents.js";
import { api, isApiError } from "../../app/api.js";

export type { DiffPart, EditConflictDetails, ItemVisibility };
export type DocumentSummary = DocumentSummaryView;
export type ProjectDocument = DocumentView;
export type DocumentVersionSummary = DocumentVersionSummaryView;
export type DocumentVersion = DocumentVersionView;

export type NewDocument = { title: string; body: string; visibility?: ItemVisibility };
/** An edit names the version it started from, so a save on top of someone else's is refused. */
export type DocumentEdit = { title: string; body: string; baseVersion: number };

export const documentKeys = {
  all: (projectId: string) => ["projects", projectId, "documents"] as const,
  one: (projectId: string, documentId: string) => ["projects", projectId, "documents", documentId] as const,
  versions: (projectId: string, documentId: string) =>
    ["projects", projectId, "documents", documentId, "versions"] as const,
  version: (projectId: string, documentId: string, version: number) =>
    ["projects", projectId, "documents", documentId, "versions", version] as const,
  diff: (projectId: string, documentId: string, from: number, to: number) =>
    ["projects", projectId, "documents", documentId, "diff", from, to] as const,
};

const documentsPath = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/documents`;
const documentPath = (projectId: string, documentId: string, rest = "") =>
  `${documentsPath(projectId)}/${encodeURIComponent(documentId)}${rest}`;

export const documentsApi = {
  create: (projectId: string, body: NewDocument) => api.post<ProjectDocument>(documentsPath(projectId), body),
  save: (projectId: string, documentId: string, body: DocumentEdit) =>
    api.put<ProjectDocument>(documentPath(projectId, documentId), body),
  /** `baseVersion` is the version the person looked at; a restore over a newer save is refused like an edit. */
  restore: (projectId: string, documentId: string, version: number, baseVersion: number) =>
    api.post<ProjectDocument>(documentPath(projectId, documentId, "/restore"), { version, baseVersion }),
};

/** The other side of a refused save, or null when the error is anything else. */
export function editConflictOf(error: unknown): EditConflictDetails | null {
  if (!isApiError(error, "edit_conflict")) return null;
  const details = error.details as Partial<EditConflictDetails>;
  return typeof details.currentVersion === "number" && details.theirs && Array.isArray(details.diff)
    ? (details as EditConflictDetails)
    : null;
}

export const useDocuments = (projectId: string) =>
  useQuery({
    queryKey: documentKeys.all(projectId),
    queryFn: () => api.get<{ documents: DocumentSummary[] }>(documentsPath(projectId)),
    select: (data) => data.documents,
  });

export const useDocument = (projectId: string, documentId: string) =>
  useQuery({
    queryKey: documentKeys.one(projectId, documentId),
    queryFn: () => api.get<ProjectDocument>(documentPath(projectId, documentId)),
  });

export const useDocumentVersions = (projectId: string, documentId: string) =>
  useQuery({
    queryKey: documentKeys.versions(projectId, documentId),
    queryFn: () =>
      api.get<{ versions: DocumentVersionSummary[] }>(documentPath(projectId, documentId, "/versions")),
    select: (data) => data.versions,
  });

export const useDocumentVersion = (projectId: string, documentId: string, version: number | null) =>
  useQuery({
    queryKey: documentKeys.version(projectId, documentId, version ?? 0),
    queryFn: () => api.get<DocumentVersion>(documentPath(projectId, documentId, `/versions/${version}`)),
    enabled: version !== null,
  });

export const useDocumentDiff = (projectId: string, documentId: string, from: number, to: number) =>
  useQuery({
    queryKey: documentKeys.diff(projectId, documentId, from, to),
    queryFn: () => api.get<{ diff: DiffPart[] }>(documentPath(projectId, documentId, "/diff"), { from, to }),
    select: (data) => data.diff,
    enabled: from !== to,
  });

/** After a save or restore: the document itself is the answer; its list and history are refetched. */
export function useDocumentRefresh(projectId: string) {
  const queryClient = useQueryClient();
  return async (document: ProjectDocument) => {
    queryClient.setQueryData(documentKeys.one(projectId, document.id), document);
    await queryClient.invalidateQueries({ queryKey: documentKeys.all(projectId), refetchType: "all" });
  };
}
