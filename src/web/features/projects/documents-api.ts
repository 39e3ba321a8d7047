import { useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  DocumentEditInput,
  EditConflictDetails,
  NewDocumentInput,
  ProjectDocument,
} from "../../../server/modules/projects/contracts/documents.js";
import * as documents from "../../../server/modules/projects/contracts/documents.js";
import { callApi, isApiError } from "../../app/api.js";

export type { ItemVisibility } from "../../../server/modules/projects/contracts/common.js";
export type {
  DiffPart,
  DocumentSummary,
  DocumentVersion,
  DocumentVersionSummary,
  EditConflictDetails,
  ProjectDocument,
} from "../../../server/modules/projects/contracts/documents.js";
export type NewDocument = NewDocumentInput;
/** An edit names the version it started from, so a save on top of someone else's is refused. */
export type DocumentEdit = DocumentEditInput;

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

export const documentsApi = {
  create: (projectId: string, body: NewDocument) =>
    callApi(documents.createDocument, { params: { id: projectId }, body }),
  save: (projectId: string, documentId: string, body: DocumentEdit) =>
    callApi(documents.saveDocument, { params: { id: projectId, docId: documentId }, body }),
  /** `baseVersion` is the version the person looked at; a restore over a newer save is refused like an edit. */
  restore: (projectId: string, documentId: string, version: number, baseVersion: number) =>
    callApi(documents.restoreDocumentVersion, {
      params: { id: projectId, docId: documentId },
      body: { version, baseVersion },
    }),
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
    queryFn: () => callApi(documents.listDocuments, { params: { id: projectId } }),
    select: (data) => data.documents,
  });

export const useDocument = (projectId: string, documentId: string) =>
  useQuery({
    queryKey: documentKeys.one(projectId, documentId),
    queryFn: () => callApi(documents.getDocument, { params: { id: projectId, docId: documentId } }),
  });

export const useDocumentVersions = (projectId: string, documentId: string) =>
  useQuery({
    queryKey: documentKeys.versions(projectId, documentId),
    queryFn: () => callApi(documents.listDocumentVersions, { params: { id: projectId, docId: documentId } }),
    select: (data) => data.versions,
  });

export const useDocumentVersion = (projectId: string, documentId: string, version: number | null) =>
  useQuery({
    queryKey: documentKeys.version(projectId, documentId, version ?? 0),
    queryFn: () =>
      callApi(documents.getDocumentVersion, {
        params: { id: projectId, docId: documentId, n: version ?? 0 },
      }),
    enabled: version !== null,
  });

export const useDocumentDiff = (projectId: string, documentId: string, from: number, to: number) =>
  useQuery({
    queryKey: documentKeys.diff(projectId, documentId, from, to),
    queryFn: () =>
      callApi(documents.diffDocumentVersions, {
        params: { id: projectId, docId: documentId },
        query: { from, to },
      }),
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
