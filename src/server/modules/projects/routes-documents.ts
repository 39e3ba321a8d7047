import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor } from "../../platform/auth/http.js";
import { invalid } from "../../platform/errors.js";
import { sendStoredFile } from "../../platform/files/download.js";
import { typed } from "../../platform/http.js";
import {
  createDocument,
  diffVersions,
  getDocument,
  getVersion,
  listDocuments,
  listVersions,
  restoreVersion,
  updateDocument,
} from "./documents.js";
import {
  createFolder,
  type FileUpload,
  getFile,
  listFiles,
  listFolders,
  loadFileDownload,
  uploadFile,
} from "./files.js";
import type { FolderView } from "./present-documents.js";
import { itemVisibilities } from "./schema.js";

const uuid = z.uuid({ error: "Not a valid id." });
const projectParams = z.object({ id: uuid });
const documentParams = z.object({ id: uuid, docId: uuid });
const fileParams = z.object({ id: uuid, fileId: uuid });
const versionNumber = (name: string) =>
  z.coerce
    .number({ error: `Give ${name} as a version number.` })
    .int(`Give ${name} as a version number.`)
    .min(1, "Versions count from 1.");
const versionParams = documentParams.extend({ n: versionNumber("the version") });

const visibilityField = z.enum(itemVisibilities, {
  error: "Choose project (everyone in the project) or staff (the product team only).",
});
const titleField = z
  .string({ error: "Enter a title." })
  .trim()
  .min(1, "Enter a title.")
  .max(200, "Use at most 200 characters.");
// Generous for a working document, well inside the 1 MB request limit.
const bodyField = z
  .string({ error: "Enter the text (it may be empty)." })
  .max(200_000, "Use at most 200,000 characters.");
const folderNameField = z
  .string({ error: "Enter a folder name." })
  .trim()
  .min(1, "Enter a folder name.")
  .max(120, "Use at most 120 characters.")
  .refine((name) => !/[/\\]/.test(name), "A folder name cannot contain / or \\.");

const person = z.object({
  id: z.string(),
  name: z.string(),
  isStaff: z.boolean(),
  organisationName: z.string(),
});
const documentSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  visibility: z.enum(itemVisibilities),
  version: z.number(),
  createdBy: person,
  createdAt: z.string(),
  updatedBy: person,
  updatedAt: z.string(),
});
const documentSchema = documentSummarySchema.extend({ body: z.string(), bodyHtml: z.string() });
const versionSummarySchema = z.object({
  version: z.number(),
  title: z.string(),
  author: person,
  createdAt: z.string(),
  restoredFrom: z.number().nullable(),
});
const versionSchema = versionSummarySchema.extend({ body: z.string(), bodyHtml: z.string() });
const diffSchema = z.array(z.object({ op: z.enum(["equal", "insert", "delete"]), text: z.string() }));
// A tree refers to itself, so OpenAPI needs it as a named component (see `transformObject` in app.ts).
const folderSchema: z.ZodType<FolderView> = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    visibility: z.enum(itemVisibilities),
    createdBy: person,
    createdAt: z.string(),
    get children() {
      return z.array(folderSchema);
    },
  })
  .meta({ id: "ProjectFolder" });
const fileVersionSchema = z.object({
  version: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  uploadedBy: person,
  createdAt: z.string(),
  url: z.string(),
});
const fileSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  folderId: z.string().nullable(),
  name: z.string(),
  visibility: z.enum(itemVisibilities),
  version: z.number(),
  contentType: z.string(),
  size: z.number(),
  isImage: z.boolean(),
  updatedBy: person,
  updatedAt: z.string(),
  url: z.string(),
});
const fileSchema = fileSummarySchema.extend({ versions: z.array(fileVersionSchema) });

const uploadFields = z.object({ folderId: uuid.optional(), visibility: visibilityField.optional() });

/**
 * The upload form: field `file` and optional `folderId` and `visibility`, in any order. The multipart
 * plugin caps the file at the configured upload size (413); the file store checks its type.
 */
async function readFileForm(
  request: FastifyRequest,
): Promise<{ upload: FileUpload } & z.infer<typeof uploadFields>> {
  if (!request.isMultipart())
    throw invalid({ file: "Choose a file." }, "Send the file as multipart/form-data.");
  let upload: FileUpload | null = null;
  const values: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === "file") {
      const data = await part.toBuffer();
      if (part.fieldname === "file") upload = { filename: part.filename, contentType: part.mimetype, data };
    } else if (part.fieldname === "folderId" || part.fieldname === "visibility") {
      // An empty form field (a select left at "top level") means "not given".
      if (String(part.value) !== "") values[part.fieldname] = String(part.value);
    }
  }
  const fields = uploadFields.safeParse(values);
  if (!fields.success)
    throw invalid(
      Object.fromEntries(fields.error.issues.map((issue) => [issue.path.join("."), issue.message])),
    );
  if (!upload) throw invalid({ file: "Choose a file." }, "No file was sent.");
  return { upload, ...fields.data };
}

/** Documents (versioned Markdown, conflict-checked saves, history, diff, restore) and folders of files. */
export function registerDocumentRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["projects"];

  app.get(
    "/api/projects/:id/documents",
    {
      schema: {
        tags,
        params: projectParams,
        response: { 200: z.object({ documents: z.array(documentSummarySchema) }) },
      },
    },
    async (request) => ({
      documents: await listDocuments(contextOf(request, deps), requireActor(request), request.params.id),
    }),
  );

  app.post(
    "/api/projects/:id/documents",
    {
      schema: {
        tags,
        params: projectParams,
        body: z.object({ title: titleField, body: bodyField, visibility: visibilityField.optional() }),
        response: { 201: documentSchema },
      },
    },
    async (request, reply) => {
      const document = await createDocument(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(document);
    },
  );

  app.get(
    "/api/projects/:id/documents/:docId",
    { schema: { tags, params: documentParams, response: { 200: documentSchema } } },
    async (request) =>
      getDocument(contextOf(request, deps), requireActor(request), request.params.id, request.params.docId),
  );

  app.put(
    "/api/projects/:id/documents/:docId",
    {
      schema: {
        tags,
        params: documentParams,
        description:
          "Saves a new version on top of `baseVersion`. When someone else saved since, nothing is written: 409 `edit_conflict` with `details: { currentVersion, theirs: { title, body, author, at }, diff }`, the diff going from the caller's body to the current one.",
        body: z.object({ title: titleField, body: bodyField, baseVersion: versionNumber("baseVersion") }),
        response: { 200: documentSchema },
      },
    },
    async (request) =>
      updateDocument(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.docId,
        request.body,
      ),
  );

  app.get(
    "/api/projects/:id/documents/:docId/versions",
    {
      schema: {
        tags,
        params: documentParams,
        response: { 200: z.object({ versions: z.array(versionSummarySchema) }) },
      },
    },
    async (request) => ({
      versions: await listVersions(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.docId,
      ),
    }),
  );

  app.get(
    "/api/projects/:id/documents/:docId/versions/:n",
    { schema: { tags, params: versionParams, response: { 200: versionSchema } } },
    async (request) =>
      getVersion(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.docId,
        request.params.n,
      ),
  );

  app.get(
    "/api/projects/:id/documents/:docId/diff",
    {
      schema: {
        tags,
        params: documentParams,
        querystring: z.object({ from: versionNumber("from"), to: versionNumber("to") }),
        response: { 200: z.object({ from: z.number(), to: z.number(), diff: diffSchema }) },
      },
    },
    async (request) =>
      diffVersions(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.docId,
        request.query,
      ),
  );

  app.post(
    "/api/projects/:id/documents/:docId/restore",
    {
      schema: {
        tags,
        params: documentParams,
        body: z.object({
          version: versionNumber("the version to restore"),
          baseVersion: versionNumber("baseVersion").optional(),
        }),
        response: { 201: documentSchema },
      },
    },
    async (request, reply) => {
      const document = await restoreVersion(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.docId,
        request.body,
      );
      return reply.status(201).send(document);
    },
  );

  app.get(
    "/api/projects/:id/folders",
    {
      schema: {
        tags,
        params: projectParams,
        response: { 200: z.object({ folders: z.array(folderSchema) }) },
      },
    },
    async (request) => ({
      folders: await listFolders(contextOf(request, deps), requireActor(request), request.params.id),
    }),
  );

  app.post(
    "/api/projects/:id/folders",
    {
      schema: {
        tags,
        params: projectParams,
        body: z.object({
          name: folderNameField,
          parentId: uuid.optional(),
          visibility: visibilityField.optional(),
        }),
        response: { 201: folderSchema },
      },
    },
    async (request, reply) => {
      const folder = await createFolder(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(folder);
    },
  );

  app.get(
    "/api/projects/:id/files",
    {
      schema: {
        tags,
        params: projectParams,
        querystring: z.object({ folderId: uuid.optional() }),
        response: { 200: z.object({ files: z.array(fileSummarySchema) }) },
      },
    },
    async (request) => ({
      files: await listFiles(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.query.folderId,
      ),
    }),
  );

  app.post(
    "/api/projects/:id/files",
    {
      schema: {
        tags,
        params: projectParams,
        consumes: ["multipart/form-data"],
        response: { 201: fileSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { upload, ...options } = await readFileForm(request);
      const file = await uploadFile(contextOf(request, deps), actor, request.params.id, upload, options);
      return reply.status(201).send(file);
    },
  );

  app.get(
    "/api/projects/:id/files/:fileId",
    { schema: { tags, params: fileParams, response: { 200: fileSchema } } },
    async (request) =>
      getFile(contextOf(request, deps), requireActor(request), request.params.id, request.params.fileId),
  );

  app.get(
    "/api/projects/:id/files/:fileId/download",
    {
      schema: {
        tags,
        params: fileParams,
        querystring: z.object({ version: versionNumber("the version").optional() }),
        description:
          "The bytes with their stored type; images inline (for the preview), anything else as an attachment.",
      },
    },
    async (request, reply) => {
      const stored = await loadFileDownload(
        contextOf(request, deps),
        requireActor(request),
        request.params.id,
        request.params.fileId,
        request.query.version,
      );
      return sendStoredFile(reply, deps.config.dataDir, stored);
    },
  );
}
