import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { uuidField } from "../../../../shared/fields.js";
import {
  type ItemVisibility,
  itemVisibilities,
  type ProjectPerson,
  projectParams,
  projectPerson,
  storedFile,
  tag,
  versionNumber,
  visibilityField,
} from "./common.js";

// --- input ---

const fileParams = z.object({ id: uuidField, fileId: uuidField });
export const newFolderInput = z.object({
  name: z
    .string({ error: "Enter a folder name." })
    .trim()
    .min(1, "Enter a folder name.")
    .max(120, "Use at most 120 characters.")
    .refine((name) => !/[/\\]/.test(name), "A folder name cannot contain / or \\."),
  parentId: uuidField.optional(),
  visibility: visibilityField.optional(),
});
export type NewFolderInput = z.output<typeof newFolderInput>;
/** The upload form's fields besides `file`; an empty field (a select left at "top level") is left out. */
export const uploadFields = z.object({
  folderId: uuidField.optional(),
  visibility: visibilityField.optional(),
});
export type UploadOptions = z.output<typeof uploadFields>;

// --- output ---

export type Folder = {
  id: string;
  parentId: string | null;
  name: string;
  visibility: ItemVisibility;
  createdBy: ProjectPerson;
  createdAt: string;
  children: Folder[];
};
// A tree refers to itself, so OpenAPI needs it as a named component (see `transformObject` in app.ts).
export const folder: z.ZodType<Folder> = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    visibility: z.enum(itemVisibilities),
    createdBy: projectPerson,
    createdAt: z.string(),
    get children() {
      return z.array(folder);
    },
  })
  .meta({ id: "ProjectFolder" });
export const fileVersion = z.object({
  version: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  uploadedBy: projectPerson,
  createdAt: z.string(),
  url: z.string(),
});
export type FileVersion = z.infer<typeof fileVersion>;
export const fileSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  folderId: z.string().nullable(),
  name: z.string(),
  visibility: z.enum(itemVisibilities),
  version: z.number(),
  contentType: z.string(),
  size: z.number(),
  /** Images are served inline, so the page can preview them. */
  isImage: z.boolean(),
  updatedBy: projectPerson,
  updatedAt: z.string(),
  /** The current version's download. */
  url: z.string(),
});
export type FileSummary = z.infer<typeof fileSummary>;
export const projectFile = fileSummary.extend({ versions: z.array(fileVersion) });
export type ProjectFile = z.infer<typeof projectFile>;

// --- operations ---

export const listFolders = operation({
  operationId: "listProjectFolders",
  summary: "A project's folders, as a tree",
  method: "GET",
  path: "/api/projects/:id/folders",
  access: "member",
  tag,
  params: projectParams,
  response: z.object({ folders: z.array(folder) }),
});

export const createFolder = operation({
  operationId: "createProjectFolder",
  summary: "Make a folder",
  method: "POST",
  path: "/api/projects/:id/folders",
  access: "member",
  tag,
  params: projectParams,
  body: newFolderInput,
  response: folder,
  status: 201,
});

export const listFiles = operation({
  operationId: "listProjectFiles",
  summary: "The files of a folder (or of the top level)",
  method: "GET",
  path: "/api/projects/:id/files",
  access: "member",
  tag,
  params: projectParams,
  query: z.object({ folderId: uuidField.optional() }),
  response: z.object({ files: z.array(fileSummary) }),
});

export const uploadFile = operation({
  operationId: "uploadProjectFile",
  summary: "Upload a file, or a new version of one with the same name",
  description:
    "Field `file` and optional `folderId` and `visibility`, in any order. The file is capped at the configured upload size (413); the file store checks its type.",
  method: "POST",
  path: "/api/projects/:id/files",
  access: "member",
  tag,
  params: projectParams,
  body: "multipart",
  response: projectFile,
  status: 201,
});

export const getFile = operation({
  operationId: "getProjectFile",
  summary: "One file with its versions",
  method: "GET",
  path: "/api/projects/:id/files/:fileId",
  access: "member",
  tag,
  params: fileParams,
  response: projectFile,
});

export const downloadFile = operation({
  operationId: "downloadProjectFile",
  summary: "A file's bytes, the current version or an older one",
  description:
    "The bytes with their stored type; images inline (for the preview), anything else as an attachment.",
  method: "GET",
  path: "/api/projects/:id/files/:fileId/download",
  access: "member",
  tag,
  params: fileParams,
  query: z.object({ version: versionNumber("the version").optional() }),
  response: storedFile,
});
