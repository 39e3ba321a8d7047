/**
 * Reading a Basecamp project export. Basecamp's own JSON shapes are kept (the bc3 API's documented
 * project, person and recording JSON, https://github.com/basecamp/bc3-api); the zip is laid out so:
 *
 * ```
 * <folder>/project.json                    the project: { id, name, description, created_at, updated_at,
 *                                          status, creator?, people: [{ id, name, email_address, client? }] }
 * <folder>/recordings/<anything>.json      recordings: each file one recording or an array of them
 *                                          (folders below recordings/ are read too)
 * <folder>/recordings.json                 or all of them as one array (both may be there)
 * <folder>/files/<upload id>/<filename>    an upload's bytes, when the export holds them
 * ```
 *
 * `<folder>` is any path in the zip (`acme-launch/`, `exports/2024/acme/`, or nothing: project.json at
 * the top): every project.json is one project, so one export may hold several. A recording is bc3's:
 * `id`, `type` ("Message", "Comment", "Document", "Upload", "Todolist", "Todo", and the others Basecamp
 * has), `status`, `title`/`subject`, `content` (HTML), `description` (HTML), `created_at`, `updated_at`,
 * `visible_to_clients`, `creator` {id, name, email_address}, `parent` {id, type}, `bucket` {id, name};
 * for uploads `filename`, `content_type`, `byte_size`, `download_url`; for to-dos `completed`,
 * `due_on`, `assignees` (for Messages also `category` {name}). Ids may be numbers or strings. The same
 * recording found twice (in recordings.json and in recordings/) is read once, its latest update kept.
 *
 * Everything here reads; nothing decides what a recording becomes (plan.ts) or writes (importer.ts).
 * A project's recordings are read whole when it is surveyed or written: a Basecamp project is small
 * next to a chat workspace, and comments, to-dos and files need their parents at hand.
 */

import path from "node:path";
import { invalid } from "../../../platform/errors.js";
import type { ExportFile, ExportPerson } from "../model.js";
import type { ZipExport } from "../zip.js";

export type BasecampId = number | string;

/** A person as bc3 shows one: in a project's people, as a creator or an assignee. */
export type BasecampPerson = {
  id: BasecampId;
  name?: string | null;
  email_address?: string | null;
  /** A client of the Basecamp account (someone outside the company). */
  client?: boolean;
  /** "User", "Client", or what bots and integrations are ("Integration", "Chatbot"). */
  personable_type?: string | null;
};

export type BasecampRecording = {
  id: BasecampId;
  type: string;
  status?: string | null;
  title?: string | null;
  subject?: string | null;
  name?: string | null;
  content?: string | null;
  description?: string | null;
  created_at: string;
  updated_at?: string | null;
  visible_to_clients?: boolean | null;
  creator?: BasecampPerson | null;
  parent?: { id: BasecampId; type?: string | null; title?: string | null } | null;
  bucket?: { id: BasecampId; name?: string | null; type?: string | null } | null;
  app_url?: string | null;
  // Messages
  category?: { name?: string | null } | null;
  // Uploads
  filename?: string | null;
  content_type?: string | null;
  byte_size?: number | null;
  download_url?: string | null;
  app_download_url?: string | null;
  // To-dos
  completed?: boolean | null;
  completion?: { created_at?: string | null; creator?: BasecampPerson | null } | null;
  due_on?: string | null;
  starts_on?: string | null;
  assignees?: BasecampPerson[] | null;
  position?: number | null;
};

export type BasecampProject = {
  id: BasecampId;
  name: string;
  description?: string | null;
  purpose?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  /** "active", "archived" or "trashed". */
  status?: string | null;
  creator?: BasecampPerson | null;
  people?: BasecampPerson[] | null;
  app_url?: string | null;
};

/** One project of the export: where it is in the zip and its project.json. */
export type ProjectEntry = {
  /** The folder holding project.json, with its trailing slash ("" at the top of the zip). */
  folder: string;
  project: BasecampProject;
};

/** A recording that could not be read as one (no id, type or date), for the dry run's report. */
export type UnreadableRecording = { entry: string; reason: string };

export type ProjectRecordings = { recordings: BasecampRecording[]; unreadable: UnreadableRecording[] };

export type BasecampExport = {
  projects: ProjectEntry[];
  /** Everyone the export names: the projects' people, and the creators and assignees of recordings. */
  people: ExportPerson[];
  /** One project's recordings, each once, oldest first. */
  recordings(project: ProjectEntry): Promise<ProjectRecordings>;
  /** Whether the export holds an upload's bytes. */
  hasBytes(project: ProjectEntry, upload: BasecampRecording): boolean;
  /** An upload as the pipeline stores it (bytes opened from the zip when the export holds them). */
  fileOf(project: ProjectEntry, upload: BasecampRecording): ExportFile;
};

const PROJECT_FILE = /(^|\/)project\.json$/;

export const idText = (id: BasecampId | null | undefined): string =>
  id === null || id === undefined ? "" : String(id);

/** A date of the export, or null when it is missing or not a date. */
export function dateOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const hasId = (value: unknown): boolean =>
  isObject(value) && (typeof value.id === "number" || (typeof value.id === "string" && value.id !== ""));

/** The folders holding a project.json, left out what macOS adds to zips it makes. */
export function projectFiles(zip: ZipExport): string[] {
  return zip.entries
    .map((entry) => entry.name)
    .filter((name) => PROJECT_FILE.test(name) && !name.startsWith("__MACOSX/"))
    .sort();
}

/** The export's projects, read from their project.json files; refuses a zip that has none. */
export async function readProjects(zip: ZipExport): Promise<ProjectEntry[]> {
  const files = projectFiles(zip);
  if (files.length === 0) {
    throw invalid({ file: "This zip is not a Basecamp project export: it holds no project.json." });
  }
  const projects: ProjectEntry[] = [];
  for (const file of files) {
    const project = await zip.json<unknown>(file);
    if (!hasId(project) || !isObject(project) || typeof project.name !== "string" || !project.name.trim()) {
      throw invalid({ file: `${file} in the Basecamp export names no project (an id and a name).` });
    }
    projects.push({
      folder: file.slice(0, file.length - "project.json".length),
      project: project as BasecampProject,
    });
  }
  const seen = new Map<string, string>();
  for (const { folder, project } of projects) {
    const earlier = seen.get(idText(project.id));
    if (earlier !== undefined) {
      throw invalid({
        file: `The Basecamp export holds project ${idText(project.id)} twice (${earlier || "/"}project.json and ${folder || "/"}project.json).`,
      });
    }
    seen.set(idText(project.id), folder);
  }
  return projects;
}

/** The zip entries holding a project's recordings: recordings.json and everything in recordings/. */
export function recordingFiles(zip: ZipExport, folder: string): string[] {
  const inFolder = `${folder}recordings/`;
  return zip.entries
    .map((entry) => entry.name)
    .filter(
      (name) => name === `${folder}recordings.json` || (name.startsWith(inFolder) && name.endsWith(".json")),
    )
    .sort();
}

/**
 * The recordings a JSON value holds: one recording, an array of them, or an object with a
 * `recordings` array. Anything without an id, a type and a creation date is named as unreadable.
 */
export function recordingsIn(value: unknown, entry: string): ProjectRecordings {
  const many = Array.isArray(value)
    ? value
    : isObject(value) && Array.isArray(value.recordings)
      ? value.recordings
      : null;
  const list: unknown[] = many ?? [value];
  const recordings: BasecampRecording[] = [];
  const unreadable: UnreadableRecording[] = [];
  list.forEach((item, index) => {
    const where = many ? `${entry} #${index + 1}` : entry;
    if (!hasId(item) || !isObject(item)) unreadable.push({ entry: where, reason: "It has no id." });
    else if (typeof item.type !== "string" || !item.type)
      unreadable.push({ entry: where, reason: "It has no type." });
    else if (!dateOf(typeof item.created_at === "string" ? item.created_at : null))
      unreadable.push({ entry: where, reason: "It has no creation date (created_at)." });
    else recordings.push(item as unknown as BasecampRecording);
  });
  return { recordings, unreadable };
}

const updatedAtOf = (recording: BasecampRecording) =>
  (dateOf(recording.updated_at) ?? dateOf(recording.created_at))?.getTime() ?? 0;

/** Recordings once each (the latest update of one found twice), oldest first, ties by id. */
export function distinctRecordings(recordings: BasecampRecording[]): BasecampRecording[] {
  const byId = new Map<string, BasecampRecording>();
  for (const recording of recordings) {
    const id = idText(recording.id);
    const earlier = byId.get(id);
    if (!earlier || updatedAtOf(recording) >= updatedAtOf(earlier)) byId.set(id, recording);
  }
  return [...byId.values()].sort(
    (a, b) =>
      (dateOf(a.created_at)?.getTime() ?? 0) - (dateOf(b.created_at)?.getTime() ?? 0) ||
      idText(a.id).localeCompare(idText(b.id), "en", { numeric: true }),
  );
}

/** A person of the export as the pipeline matches them (by address); bots keep the shared account. */
export function exportPerson(person: BasecampPerson): ExportPerson {
  const email = person.email_address?.trim().toLowerCase() || null;
  const type = person.personable_type ?? "";
  return {
    externalId: idText(person.id),
    email,
    name: person.name?.trim() || email || `Basecamp person ${idText(person.id)}`,
    ...(["Integration", "Chatbot", "Robot"].includes(type) ? { isBot: true } : {}),
  };
}

/** The people of a recording: its creator, its to-do's assignees and who completed it. */
export function peopleOf(recording: BasecampRecording): BasecampPerson[] {
  return [recording.creator, recording.completion?.creator, ...(recording.assignees ?? [])].filter(
    (person): person is BasecampPerson => hasId(person),
  );
}

/** Opens what a Basecamp export holds; reads every project.json and, for its people, every recording. */
export async function readBasecampExport(zip: ZipExport): Promise<BasecampExport> {
  const projects = await readProjects(zip);
  // Each upload's bytes, by project folder and upload id: `<folder>files/<upload id>/<filename>`.
  const uploadEntries = new Map<string, string>();
  const filePatterns = projects.map(({ folder }) => ({
    folder,
    pattern: new RegExp(`^${escapeRegExp(folder)}files/([^/]+)/[^/]+$`),
  }));
  for (const { name } of zip.entries) {
    for (const { folder, pattern } of filePatterns) {
      const id = pattern.exec(name)?.[1];
      if (id && !uploadEntries.has(`${folder}\0${id}`)) uploadEntries.set(`${folder}\0${id}`, name);
    }
  }

  const recordings = async (entry: ProjectEntry): Promise<ProjectRecordings> => {
    const all: BasecampRecording[] = [];
    const unreadable: UnreadableRecording[] = [];
    for (const file of recordingFiles(zip, entry.folder)) {
      const found = recordingsIn(await zip.json<unknown>(file), file);
      all.push(...found.recordings);
      unreadable.push(...found.unreadable);
    }
    return { recordings: distinctRecordings(all), unreadable };
  };

  const people = new Map<string, ExportPerson>();
  const meet = (person: BasecampPerson) => {
    const known = people.get(idText(person.id));
    const seen = exportPerson(person);
    // The fullest record of a person wins: the project's people list has addresses a creator may lack.
    if (!known || (!known.email && seen.email)) people.set(seen.externalId, seen);
  };
  for (const entry of projects) {
    for (const person of entry.project.people ?? []) if (hasId(person)) meet(person);
    if (entry.project.creator && hasId(entry.project.creator)) meet(entry.project.creator);
    for (const recording of (await recordings(entry)).recordings)
      for (const person of peopleOf(recording)) meet(person);
  }

  const uploadEntry = (entry: ProjectEntry, upload: BasecampRecording) =>
    uploadEntries.get(`${entry.folder}\0${idText(upload.id)}`);

  return {
    projects,
    people: [...people.values()],
    recordings,
    hasBytes: (entry, upload) => uploadEntry(entry, upload) !== undefined,
    fileOf(entry, upload) {
      const name = uploadEntry(entry, upload);
      const url = upload.download_url || upload.app_download_url || upload.app_url;
      return {
        externalId: `file:${idText(upload.id)}`,
        name: uploadName(upload, name),
        contentType: upload.content_type || "application/octet-stream",
        ...(name ? { open: () => zip.stream(name) } : {}),
        ...(url ? { url } : {}),
      };
    },
  };
}

/** An upload's file name: Basecamp's, else the name its bytes have in the export, else one made of its id. */
export function uploadName(upload: BasecampRecording, entry?: string): string {
  const named = upload.filename?.trim() || (entry ? path.posix.basename(entry) : "") || upload.title?.trim();
  return path.posix.basename(named || `upload-${idText(upload.id)}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
