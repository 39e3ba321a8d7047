/**
 * Basecamp's project export (read.ts says the layout): one Convene project per Basecamp project, its
 * messages, comments, documents, uploads and to-do lists written as plan.ts decides, through the
 * projects module's import writer (rows written directly, with their own dates: nothing is e-mailed,
 * notified or published). A project is written in one transaction after its uploads' bytes are
 * stored, and marked finished, so a run resumed after a stop skips the projects it had written.
 */

import type { ImportedProjectItems } from "../../projects/index.js";
import { writeImportedProject } from "../../projects/index.js";
import { escapeMarkdown } from "../html.js";
import type { ImportProblem, OpenedExport, SourceImporter, WriteContext } from "../model.js";
import { openZip, type ZipExport } from "../zip.js";
import { type BasecampCounts, type PlannedLink, type ProjectPlan, planProject } from "./plan.js";
import { type BasecampExport, dateOf, idText, type ProjectEntry, readBasecampExport } from "./read.js";

/** Every id a Basecamp export names is unique across Basecamp, so one key serves every export. */
export const BASECAMP_SOURCE_KEY = "basecamp";

/** import_records' kinds for what a Basecamp import writes. */
export const recordKinds = {
  project: "project",
  post: "project_post",
  comment: "project_comment",
  document: "project_document",
  file: "project_file",
} as const;

export const basecampImporter: SourceImporter = {
  source: "basecamp",
  async open(filePath) {
    const zip = await openZip(filePath, "Basecamp project export");
    try {
      return await openedBasecampExport(zip);
    } catch (error) {
      zip.close();
      throw error;
    }
  },
};

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** What the admin sees the export as: "Basecamp project Acme launch", "Basecamp projects A, B". */
export function exportTitle(projects: ProjectEntry[]): string {
  const names = projects.map(({ project }) => oneLine(project.name));
  const title = names.length === 1 ? `Basecamp project ${names[0]}` : `Basecamp projects ${names.join(", ")}`;
  return title.length <= 200 ? title : `${title.slice(0, 199).trimEnd()}…`;
}

async function openedBasecampExport(zip: ZipExport): Promise<OpenedExport> {
  const exported = await readBasecampExport(zip);
  const surveyPlan = async (entry: ProjectEntry): Promise<ProjectPlan> => {
    const { recordings, unreadable } = await exported.recordings(entry);
    return planProject(entry, recordings, (upload) => exported.hasBytes(entry, upload), unreadable);
  };

  return {
    sourceKey: BASECAMP_SOURCE_KEY,
    title: exportTitle(exported.projects),
    people: exported.people,
    async survey(progress) {
      const counts: BasecampCounts = { projects: 0, posts: 0, comments: 0, documents: 0, files: 0, todos: 0 };
      const problems: ImportProblem[] = [];
      let total = 0;
      for (const entry of exported.projects) {
        const plan = await surveyPlan(entry);
        for (const key of Object.keys(counts) as (keyof BasecampCounts)[]) counts[key] += plan.counts[key];
        problems.push(...plan.problems);
        total += plan.recordings;
        progress(total);
      }
      return { counts, problems, total };
    },
    async write(target, progress) {
      let done = 0;
      for (const entry of exported.projects) {
        const unit = `project:${idText(entry.project.id)}`;
        if (target.finished.has(unit)) {
          done += (await surveyPlan(entry)).recordings;
          progress(done);
          continue;
        }
        done = await writeProject(target, exported, entry, done, progress);
        await target.markFinished(unit);
      }
    },
    async close() {
      zip.close();
    },
  };
}

/** Stores the project's uploads, then writes it; returns the progress count after it. */
async function writeProject(
  target: WriteContext,
  exported: BasecampExport,
  entry: ProjectEntry,
  doneBefore: number,
  progress: (done: number) => void,
): Promise<number> {
  const { recordings, unreadable } = await exported.recordings(entry);
  const stored = new Map<string, string>();
  for (const upload of recordings) {
    if (upload.type !== "Upload" || upload.status === "trashed" || !exported.hasBytes(entry, upload))
      continue;
    const at = dateOf(upload.created_at) ?? new Date(0);
    const fileId = await target.storeFile(exported.fileOf(entry, upload), at);
    if (fileId) stored.set(idText(upload.id), fileId);
  }
  const plan = planProject(entry, recordings, (upload) => stored.has(idText(upload.id)), unreadable);
  const { items, weights, records } = itemsOf(target, plan, stored);
  let done = doneBefore;
  await writeImportedProject(target.ctx, items, (ids) => {
    for (const id of ids) done += weights.get(id) ?? 0;
    progress(done);
  });
  for (let start = 0; start < records.length; start += 1000) {
    await target.remember(records.slice(start, start + 1000));
  }
  return done;
}

type ImportRecord = { kind: string; externalId: string; itemId: string };

/** The plan as the projects writer's rows: ids from the export's, people as their accounts. */
export function itemsOf(
  target: Pick<WriteContext, "ctx" | "authorOf" | "idOf">,
  plan: ProjectPlan,
  stored: Map<string, string>,
): { items: ImportedProjectItems; weights: Map<string, number>; records: ImportRecord[] } {
  const { project } = plan;
  const projectId = target.idOf(project.externalId, project.createdAt);
  const formerMember = target.authorOf(undefined);
  const weights = new Map<string, number>();
  const records: ImportRecord[] = [
    { kind: recordKinds.project, externalId: project.externalId, itemId: projectId },
  ];

  const participants = new Map<string, ImportedProjectItems["participants"][number]>();
  for (const person of project.people) {
    const userId = target.authorOf(person);
    if (userId === formerMember || participants.has(userId)) continue;
    participants.set(userId, {
      id: target.idOf(`${project.externalId}:person:${person}`, project.createdAt),
      userId,
      addedAt: project.createdAt,
    });
  }

  const urlOf = (link: PlannedLink) => {
    const id = target.idOf(link.externalId, link.createdAt);
    if (link.kind === "document") return `/projects/${projectId}/documents?document=${id}`;
    if (link.kind === "file") return `/projects/${projectId}/files?file=${id}`;
    return `/projects/${projectId}/board?post=${id}`;
  };
  const postIds = new Map<string, string>();
  const posts = plan.posts.map((post) => {
    const id = target.idOf(post.externalId, post.createdAt);
    postIds.set(post.externalId, id);
    weights.set(id, post.recordings);
    records.push({ kind: recordKinds.post, externalId: post.externalId, itemId: id });
    const intro = post.about
      ? `${post.about.intro} [${escapeMarkdown(post.about.label)}](${urlOf(post.about)}).`
      : "";
    return {
      id,
      category: post.category,
      title: post.title,
      body: [intro, post.body].filter(Boolean).join("\n\n"),
      visibility: post.visibility,
      authorId: target.authorOf(post.author),
      createdAt: post.createdAt,
      editedAt: post.editedAt,
    };
  });
  const comments = plan.comments.flatMap((comment) => {
    const postId = postIds.get(comment.postExternalId);
    if (!postId) return [];
    const id = target.idOf(comment.externalId, comment.createdAt);
    weights.set(id, 1);
    records.push({ kind: recordKinds.comment, externalId: comment.externalId, itemId: id });
    return [
      {
        id,
        postId,
        body: comment.body,
        authorId: target.authorOf(comment.author),
        createdAt: comment.createdAt,
        editedAt: comment.editedAt,
      },
    ];
  });
  const documents = plan.documents.map((document) => {
    const id = target.idOf(document.externalId, document.createdAt);
    weights.set(id, 1);
    records.push({ kind: recordKinds.document, externalId: document.externalId, itemId: id });
    return {
      id,
      versionId: target.idOf(`${document.externalId}:version:1`, document.createdAt),
      title: document.title,
      body: document.body,
      visibility: document.visibility,
      authorId: target.authorOf(document.author),
      createdAt: document.createdAt,
      updatedAt: document.updatedAt,
    };
  });
  const files = plan.files.flatMap((file) => {
    const fileId = stored.get(idText(file.upload.id));
    if (!fileId) return [];
    const id = target.idOf(file.externalId, file.createdAt);
    weights.set(id, 1);
    records.push({ kind: recordKinds.file, externalId: file.externalId, itemId: id });
    return [
      {
        id,
        versionId: target.idOf(`${file.externalId}:version:1`, file.createdAt),
        name: file.name,
        visibility: file.visibility,
        fileId,
        uploadedBy: target.authorOf(file.author),
        createdAt: file.createdAt,
        updatedAt: file.updatedAt,
      },
    ];
  });

  return {
    items: {
      project: {
        id: projectId,
        name: project.name,
        purpose: project.purpose,
        startsOn: project.createdAt.toISOString().slice(0, 10),
        createdBy: project.creator ? target.authorOf(project.creator) : target.ctx.actor.id,
        createdAt: project.createdAt,
        updatedAt: project.updatedAt,
        archivedAt: project.archived ? project.updatedAt : null,
      },
      participants: [...participants.values()],
      posts,
      comments,
      documents,
      files,
      source: "Basecamp",
    },
    weights,
    records,
  };
}
