import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineActivityScope, defineEvent } from "../../../../shared/events.js";
import { requiredText, uuidField } from "../../../../shared/fields.js";
import {
  itemVisibilities,
  projectParams,
  projectPerson,
  tag,
  versionNumber,
  visibilityField,
} from "./common.js";

// --- input ---

const documentParams = z.object({ id: uuidField, docId: uuidField });
const titleField = requiredText("Enter a title.", 200);
// Generous for a working document, well inside the 1 MB request limit.
const bodyField = z
  .string({ error: "Enter the text (it may be empty)." })
  .max(200_000, "Use at most 200,000 characters.");
export const newDocumentInput = z.object({
  title: titleField,
  body: bodyField,
  visibility: visibilityField.optional(),
});
export type NewDocumentInput = z.output<typeof newDocumentInput>;
/** An edit names the version it started from, so a save on top of someone else's is refused. */
export const documentEditInput = z.object({
  title: titleField,
  body: bodyField,
  baseVersion: versionNumber("baseVersion"),
});
export type DocumentEditInput = z.output<typeof documentEditInput>;
/** `baseVersion` is the version the person looked at; a restore over a newer save is refused like an edit. */
export const restoreInput = z.object({
  version: versionNumber("the version to restore"),
  baseVersion: versionNumber("baseVersion").optional(),
});
export type RestoreInput = z.output<typeof restoreInput>;
export const diffQuery = z.object({ from: versionNumber("from"), to: versionNumber("to") });
export type DiffQuery = z.output<typeof diffQuery>;

// --- output ---

export const diffOps = ["equal", "insert", "delete"] as const;
export type DiffOp = (typeof diffOps)[number];
export const diffPart = z.object({ op: z.enum(diffOps), text: z.string() });
export type DiffPart = z.infer<typeof diffPart>;

export const documentSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  visibility: z.enum(itemVisibilities),
  /** The current version's number; versions count up from 1 and are never rewritten. */
  version: z.number(),
  createdBy: projectPerson,
  createdAt: z.string(),
  /** Who wrote the current version, and when. */
  updatedBy: projectPerson,
  updatedAt: z.string(),
});
export type DocumentSummary = z.infer<typeof documentSummary>;
export const projectDocument = documentSummary.extend({ body: z.string(), bodyHtml: z.string() });
export type ProjectDocument = z.infer<typeof projectDocument>;
export const documentVersionSummary = z.object({
  version: z.number(),
  title: z.string(),
  author: projectPerson,
  createdAt: z.string(),
  /** The older version this one brought back, when it was a restore. */
  restoredFrom: z.number().nullable(),
});
export type DocumentVersionSummary = z.infer<typeof documentVersionSummary>;
export const documentVersion = documentVersionSummary.extend({ body: z.string(), bodyHtml: z.string() });
export type DocumentVersion = z.infer<typeof documentVersion>;
/** `details` of a 409 `edit_conflict`: the version that replaced the caller's base, and how it differs. */
export const editConflictDetails = z.object({
  currentVersion: z.number(),
  theirs: z.object({ title: z.string(), body: z.string(), author: projectPerson, at: z.string() }),
  /** From the caller's text to the current one: `delete` lines are only the caller's, `insert` only theirs. */
  diff: z.array(diffPart),
});
export type EditConflictDetails = z.infer<typeof editConflictDetails>;

// --- operations ---

export const listDocuments = operation({
  operationId: "listProjectDocuments",
  summary: "A project's documents",
  method: "GET",
  path: "/api/projects/:id/documents",
  access: "member",
  tag,
  params: projectParams,
  response: z.object({ documents: z.array(documentSummary) }),
});

export const createDocument = operation({
  operationId: "createProjectDocument",
  summary: "Write a document (its version 1)",
  method: "POST",
  path: "/api/projects/:id/documents",
  access: "member",
  tag,
  params: projectParams,
  body: newDocumentInput,
  response: projectDocument,
  status: 201,
});

export const getDocument = operation({
  operationId: "getProjectDocument",
  summary: "One document at its current version",
  method: "GET",
  path: "/api/projects/:id/documents/:docId",
  access: "member",
  tag,
  params: documentParams,
  response: projectDocument,
});

export const saveDocument = operation({
  operationId: "saveProjectDocument",
  summary: "Save a new version of a document",
  description:
    "Saves a new version on top of `baseVersion`. When someone else saved since, nothing is written: 409 `edit_conflict` with `details: { currentVersion, theirs: { title, body, author, at }, diff }`, the diff going from the caller's body to the current one.",
  method: "PUT",
  path: "/api/projects/:id/documents/:docId",
  access: "member",
  tag,
  params: documentParams,
  body: documentEditInput,
  response: projectDocument,
  errors: ["edit_conflict"],
});

export const listDocumentVersions = operation({
  operationId: "listProjectDocumentVersions",
  summary: "A document's history, newest first",
  method: "GET",
  path: "/api/projects/:id/documents/:docId/versions",
  access: "member",
  tag,
  params: documentParams,
  response: z.object({ versions: z.array(documentVersionSummary) }),
});

export const getDocumentVersion = operation({
  operationId: "getProjectDocumentVersion",
  summary: "One version of a document",
  method: "GET",
  path: "/api/projects/:id/documents/:docId/versions/:n",
  access: "member",
  tag,
  params: documentParams.extend({ n: versionNumber("the version") }),
  response: documentVersion,
});

export const diffDocumentVersions = operation({
  operationId: "diffProjectDocumentVersions",
  summary: "How two versions of a document differ, line by line",
  method: "GET",
  path: "/api/projects/:id/documents/:docId/diff",
  access: "member",
  tag,
  params: documentParams,
  query: diffQuery,
  response: z.object({ from: z.number(), to: z.number(), diff: z.array(diffPart) }),
});

export const restoreDocumentVersion = operation({
  operationId: "restoreProjectDocumentVersion",
  summary: "Bring an older version back as the newest",
  method: "POST",
  path: "/api/projects/:id/documents/:docId/restore",
  access: "member",
  tag,
  params: documentParams,
  body: restoreInput,
  response: projectDocument,
  status: 201,
  errors: ["edit_conflict"],
});

// --- live ---

/**
 * Someone saved a new version of a document (an edit or a restore), to the same people as its timeline
 * line: a page open on it offers the new version rather than replacing what its reader has on screen.
 */
export const documentSaved = defineEvent<{
  projectId: string;
  documentId: string;
  version: number;
  by: { id: string; name: string };
}>("projects.document_saved");

/**
 * Who has a document's editor open, told to the others who have the document open (`active` again
 * every few seconds while the editor is open). Only people who may read the document may watch it.
 */
export const documentEditing = defineActivityScope("projects.document");
