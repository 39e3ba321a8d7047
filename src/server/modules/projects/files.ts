import path from "node:path";
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { files } from "../../platform/files/schema.js";
import { type FileUpload, type StoredFile, storeFile } from "../../platform/files/store.js";
import { recordActivity, requireProject, visibleTo } from "./access.js";
import type { ProjectPerson } from "./contracts/common.js";
import type {
  FileSummary,
  FileVersion,
  Folder,
  NewFolderInput,
  ProjectFile,
  UploadOptions,
} from "./contracts/files.js";
import { chosenVisibility } from "./documents.js";
import { personViews } from "./people.js";
import {
  type ItemVisibility,
  projectFiles,
  projectFileVersions,
  projectFolders,
  projects,
} from "./schema.js";

type FolderRow = typeof projectFolders.$inferSelect;
type FileRow = typeof projectFiles.$inferSelect;

export type { FileUpload };

const downloadUrl = (projectId: string, fileId: string, version: number) =>
  `/api/projects/${projectId}/files/${fileId}/download?version=${version}`;

/**
 * Serialises folder creation and uploads within one project, so "same name in the same folder" is
 * decided by one writer at a time (two uploads of report.pdf make versions 1 and 2, never two files).
 */
async function lockProjectItems(db: Db, projectId: string): Promise<void> {
  await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for("update");
}

/** A folder of the project the actor may see; `field` names the input that pointed at it. */
async function loadFolder(db: Db, actor: Actor, projectId: string, folderId: string, field: string) {
  const [folder] = await db
    .select()
    .from(projectFolders)
    .where(
      and(
        eq(projectFolders.id, folderId),
        eq(projectFolders.projectId, projectId),
        isNull(projectFolders.removedAt),
        inArray(projectFolders.visibility, visibleTo(actor)),
      ),
    );
  if (!folder) throw invalid({ [field]: "There is no such folder in this project." });
  return folder;
}

/**
 * What a folder or file inside `parent` is visible to: a staff-only folder keeps everything in it
 * staff-only, so no customer ever reaches an item through a folder they cannot see.
 */
function visibilityInside(
  actor: Actor,
  parent: FolderRow | null,
  requested?: ItemVisibility,
): ItemVisibility {
  if (parent?.visibility === "staff" && requested === "project")
    throw invalid({ visibility: `Everything in “${parent.name}” is for the product team only.` });
  return chosenVisibility(actor, requested ?? parent?.visibility);
}

/** The project's folders the actor may see, as a tree sorted by name. */
export async function listFolders(ctx: ActorCtx, projectId: string): Promise<Folder[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const rows = await ctx.db
    .select()
    .from(projectFolders)
    .where(
      and(
        eq(projectFolders.projectId, projectId),
        isNull(projectFolders.removedAt),
        inArray(projectFolders.visibility, visibleTo(actor)),
      ),
    )
    .orderBy(asc(projectFolders.name));
  const person = await personViews(
    ctx.db,
    rows.map((row) => row.createdBy),
  );
  const views = new Map<string, Folder>(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        parentId: row.parentId,
        name: row.name,
        visibility: row.visibility,
        createdBy: person(row.createdBy),
        createdAt: row.createdAt.toISOString(),
        children: [],
      },
    ]),
  );
  const roots: Folder[] = [];
  for (const view of views.values()) {
    if (view.parentId === null) roots.push(view);
    else views.get(view.parentId)?.children.push(view);
  }
  return roots;
}

export async function createFolder(ctx: ActorCtx, projectId: string, input: NewFolderInput): Promise<Folder> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    await lockProjectItems(tx.db, projectId);
    const parent = input.parentId
      ? await loadFolder(tx.db, actor, projectId, input.parentId, "parentId")
      : null;
    const visibility = visibilityInside(actor, parent, input.visibility);
    const [sibling] = await tx.db
      .select({ id: projectFolders.id })
      .from(projectFolders)
      .where(
        and(
          eq(projectFolders.projectId, projectId),
          parent ? eq(projectFolders.parentId, parent.id) : isNull(projectFolders.parentId),
          eq(projectFolders.name, input.name),
          isNull(projectFolders.removedAt),
          inArray(projectFolders.visibility, visibleTo(actor)),
        ),
      );
    if (sibling)
      throw new AppError("conflict", `There is already a folder “${input.name}” here.`, {
        name: "Choose another name.",
      });
    const [folder] = await tx.db
      .insert(projectFolders)
      .values({ projectId, parentId: parent?.id ?? null, name: input.name, visibility, createdBy: actor.id })
      .returning();
    if (!folder) throw new Error("folder row was not written");
    await recordActivity(tx, {
      projectId,
      verb: "folder_created",
      itemType: "folder",
      itemId: folder.id,
      summary: `${actor.name} created the folder “${folder.name}”.`,
      visibility,
    });
    const person = await personViews(tx.db, [actor.id]);
    return {
      id: folder.id,
      parentId: folder.parentId,
      name: folder.name,
      visibility: folder.visibility,
      createdBy: person(actor.id),
      createdAt: folder.createdAt.toISOString(),
      children: [],
    };
  });
}

/** The file if the actor may see it (staff-only files do not exist for customers). */
async function loadFile(db: Db, actor: Actor, projectId: string, fileId: string): Promise<FileRow> {
  const [file] = await db
    .select()
    .from(projectFiles)
    .where(
      and(
        eq(projectFiles.id, fileId),
        eq(projectFiles.projectId, projectId),
        isNull(projectFiles.removedAt),
        inArray(projectFiles.visibility, visibleTo(actor)),
      ),
    );
  if (!file) throw notFound("The file");
  return file;
}

type VersionWithBytes = { version: number; uploadedBy: string; createdAt: Date; stored: StoredFile };

async function versionsOf(db: Db, fileIds: string[]): Promise<Map<string, VersionWithBytes[]>> {
  const byFile = new Map<string, VersionWithBytes[]>();
  if (fileIds.length === 0) return byFile;
  const rows = await db
    .select({ version: projectFileVersions, stored: files })
    .from(projectFileVersions)
    .innerJoin(files, eq(files.id, projectFileVersions.fileId))
    .where(inArray(projectFileVersions.projectFileId, fileIds))
    .orderBy(desc(projectFileVersions.version));
  for (const { version, stored } of rows) {
    const list = byFile.get(version.projectFileId) ?? [];
    list.push({
      version: version.version,
      uploadedBy: version.uploadedBy,
      createdAt: version.createdAt,
      stored,
    });
    byFile.set(version.projectFileId, list);
  }
  return byFile;
}

function presentFile(
  file: FileRow,
  versions: VersionWithBytes[],
  person: (id: string) => ProjectPerson,
): ProjectFile {
  const current = versions.find((v) => v.version === file.currentVersion);
  if (!current) throw new Error(`file ${file.id} has no version ${file.currentVersion}`);
  const presentVersion = (v: VersionWithBytes): FileVersion => ({
    version: v.version,
    filename: v.stored.filename,
    contentType: v.stored.contentType,
    size: v.stored.size,
    uploadedBy: person(v.uploadedBy),
    createdAt: v.createdAt.toISOString(),
    url: downloadUrl(file.projectId, file.id, v.version),
  });
  return {
    id: file.id,
    projectId: file.projectId,
    folderId: file.folderId,
    name: file.name,
    visibility: file.visibility,
    version: file.currentVersion,
    contentType: current.stored.contentType,
    size: current.stored.size,
    isImage: current.stored.contentType.startsWith("image/"),
    updatedBy: person(current.uploadedBy),
    updatedAt: file.updatedAt.toISOString(),
    url: downloadUrl(file.projectId, file.id, file.currentVersion),
    versions: versions.map(presentVersion),
  };
}

async function presentFiles(db: Db, rows: FileRow[]): Promise<ProjectFile[]> {
  const versions = await versionsOf(
    db,
    rows.map((row) => row.id),
  );
  const person = await personViews(
    db,
    [...versions.values()].flat().map((v) => v.uploadedBy),
  );
  return rows.map((row) => presentFile(row, versions.get(row.id) ?? [], person));
}

/** The files of one folder (the project's top level without `folderId`) the actor may see, by name. */
export async function listFiles(ctx: ActorCtx, projectId: string, folderId?: string): Promise<FileSummary[]> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  if (folderId) await loadFolder(ctx.db, actor, projectId, folderId, "folderId");
  const rows = await ctx.db
    .select()
    .from(projectFiles)
    .where(
      and(
        eq(projectFiles.projectId, projectId),
        folderId ? eq(projectFiles.folderId, folderId) : isNull(projectFiles.folderId),
        isNull(projectFiles.removedAt),
        inArray(projectFiles.visibility, visibleTo(actor)),
      ),
    )
    .orderBy(asc(projectFiles.name));
  return (await presentFiles(ctx.db, rows)).map(({ versions: _versions, ...summary }) => summary);
}

export async function getFile(ctx: ActorCtx, projectId: string, fileId: string) {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const file = await loadFile(ctx.db, actor, projectId, fileId);
  const [view] = await presentFiles(ctx.db, [file]);
  if (!view) throw new Error(`file ${fileId} was not presented`);
  return view;
}

/**
 * Stores an upload in a folder (type and size checked by the platform file store). A file of the same
 * name and visibility already in that folder gets a new version; otherwise a new file starts at 1.
 */
export async function uploadFile(
  ctx: ActorCtx,
  projectId: string,
  upload: FileUpload,
  options: UploadOptions,
): Promise<ProjectFile> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    await requireProject(tx, projectId, "write");
    await lockProjectItems(tx.db, projectId);
    const folder = options.folderId
      ? await loadFolder(tx.db, actor, projectId, options.folderId, "folderId")
      : null;
    const visibility = visibilityInside(actor, folder, options.visibility);
    const stored = await storeFile(tx, { ...upload, field: "file" });
    const name = path.basename(upload.filename);
    const [existing] = await tx.db
      .select()
      .from(projectFiles)
      .where(
        and(
          eq(projectFiles.projectId, projectId),
          folder ? eq(projectFiles.folderId, folder.id) : isNull(projectFiles.folderId),
          eq(projectFiles.name, name),
          eq(projectFiles.visibility, visibility),
          isNull(projectFiles.removedAt),
        ),
      );
    const version = existing ? existing.currentVersion + 1 : 1;
    const [file] = existing
      ? await tx.db
          .update(projectFiles)
          .set({ currentVersion: version, updatedAt: new Date() })
          .where(eq(projectFiles.id, existing.id))
          .returning()
      : await tx.db
          .insert(projectFiles)
          .values({ projectId, folderId: folder?.id ?? null, name, visibility, createdBy: actor.id })
          .returning();
    if (!file) throw new Error("file row was not written");
    await tx.db
      .insert(projectFileVersions)
      .values({ projectFileId: file.id, version, fileId: stored.id, uploadedBy: actor.id });
    await recordActivity(tx, {
      projectId,
      verb: "file_uploaded",
      itemType: "file",
      itemId: file.id,
      summary:
        version === 1
          ? `${actor.name} uploaded “${name}”.`
          : `${actor.name} uploaded version ${version} of “${name}”.`,
      visibility,
    });
    const [view] = await presentFiles(tx.db, [file]);
    if (!view) throw new Error(`file ${file.id} was not presented`);
    return view;
  });
}

/** The stored bytes of one version (the current one by default) of a file the actor may see. */
export async function loadFileDownload(
  ctx: ActorCtx,
  projectId: string,
  fileId: string,
  version?: number,
): Promise<StoredFile> {
  const { actor } = ctx;
  await requireProject(ctx, projectId, "read");
  const file = await loadFile(ctx.db, actor, projectId, fileId);
  const [row] = await ctx.db
    .select({ stored: files })
    .from(projectFileVersions)
    .innerJoin(files, eq(files.id, projectFileVersions.fileId))
    .where(
      and(
        eq(projectFileVersions.projectFileId, file.id),
        eq(projectFileVersions.version, version ?? file.currentVersion),
      ),
    );
  if (!row) throw notFound(`Version ${version} of ${file.name}`);
  return row.stored;
}
