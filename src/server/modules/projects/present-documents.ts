// The shapes the documents and files routes answer with; the web imports them with `import type`.
import type { DiffPart } from "./diff.js";
import type { ItemVisibility, ProjectPersonView } from "./present.js";

export type { DiffPart };

export type DocumentSummaryView = {
  id: string;
  projectId: string;
  title: string;
  visibility: ItemVisibility;
  /** The current version's number; versions count up from 1 and are never rewritten. */
  version: number;
  createdBy: ProjectPersonView;
  createdAt: string;
  /** Who wrote the current version, and when. */
  updatedBy: ProjectPersonView;
  updatedAt: string;
};

export type DocumentView = DocumentSummaryView & { body: string; bodyHtml: string };

export type DocumentVersionSummaryView = {
  version: number;
  title: string;
  author: ProjectPersonView;
  createdAt: string;
  /** The older version this one brought back, when it was a restore. */
  restoredFrom: number | null;
};

export type DocumentVersionView = DocumentVersionSummaryView & { body: string; bodyHtml: string };

/** `details` of a 409 `edit_conflict`: the version that replaced the caller's base, and how it differs. */
export type EditConflictDetails = {
  currentVersion: number;
  theirs: { title: string; body: string; author: ProjectPersonView; at: string };
  /** From the caller's text to the current one: `delete` lines are only the caller's, `insert` only theirs. */
  diff: DiffPart[];
};

export type FolderView = {
  id: string;
  parentId: string | null;
  name: string;
  visibility: ItemVisibility;
  createdBy: ProjectPersonView;
  createdAt: string;
  children: FolderView[];
};

export type FileVersionView = {
  version: number;
  filename: string;
  contentType: string;
  size: number;
  uploadedBy: ProjectPersonView;
  createdAt: string;
  url: string;
};

export type ProjectFileSummaryView = {
  id: string;
  projectId: string;
  folderId: string | null;
  name: string;
  visibility: ItemVisibility;
  version: number;
  contentType: string;
  size: number;
  /** Images are served inline, so the page can preview them. */
  isImage: boolean;
  updatedBy: ProjectPersonView;
  updatedAt: string;
  /** The current version's download. */
  url: string;
};

export type ProjectFileView = ProjectFileSummaryView & { versions: FileVersionView[] };
