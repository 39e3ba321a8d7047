/**
 * What each Basecamp recording of a project becomes in Convene, decided without writing anything (the
 * dry run and the import plan the same way):
 *
 * - the project: its name, its description as the purpose, its people as participants; archived (or
 *   trashed) in Basecamp, it arrives archived.
 * - a Message: a post (category from Basecamp's message type where one fits, else FYI).
 * - a Comment: a comment on the post its parent became. Convene's documents and files take no
 *   comments, so comments on a Document or an Upload go to a post made for them ("Comments on …",
 *   linking the item); a comment Basecamp hid from clients on an item they saw goes to a staff-only
 *   post beside it ("Staff notes on …"), since a Convene comment has its post's visibility.
 * - a Document: a document with one version.
 * - an Upload: a file (no folder) with one version, when the export holds its bytes; one it does not
 *   hold becomes a post naming the file and linking to it in Basecamp, so its comments have a home.
 *   An upload's description, if any, opens the post of its comments.
 * - a Todolist: one post whose body is the list as a Markdown checklist (`- [x] done`, `- [ ] open`,
 *   assignees, due date, notes; its groups as sub-headings); its to-dos' comments are comments on that
 *   post, each saying which to-do it is about. A post per to-do would fill the board with one-line
 *   posts and lose the list's order; the list is what people read and discuss. To-dos Basecamp hid
 *   from clients in a list they saw go to a staff-only post beside it.
 *
 * Visibility: `visible_to_clients: true` is "project" (everyone in it), anything else "staff" (a
 * recording that does not say is kept from customers rather than shown to them). Dates: an item's
 * `created_at` is its creation; `updated_at` is its edit when more than a minute later (Basecamp
 * touches a recording as it is processed). Containers (message boards, to-do sets, vaults, ...) carry
 * nothing of their own and are passed over; every other type, the trash, comments whose parent is not
 * in the export and to-dos without their list are named as problems and left out.
 */

import type { ImportedPost } from "../../projects/index.js";
import { escapeMarkdown, htmlToMarkdown } from "../html.js";
import type { ImportProblem } from "../model.js";
import {
  type BasecampRecording,
  dateOf,
  idText,
  type ProjectEntry,
  type UnreadableRecording,
  uploadName,
} from "./read.js";

type Visibility = ImportedPost["visibility"];
type Category = ImportedPost["category"];

/** A Basecamp person's id, or null: written as the shared former-member account. */
export type PersonKey = string | null;

/** A place a post links to at the top of its body (what its comments are about). */
export type PlannedLink = {
  kind: "post" | "document" | "file";
  externalId: string;
  createdAt: Date;
  /** The sentence before the link, and the link's text: "Comments on the document", "Launch plan". */
  intro: string;
  label: string;
};

export type PlannedProject = {
  externalId: string;
  name: string;
  purpose: string;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
  creator: PersonKey;
  /** The project's people, by their Basecamp id. */
  people: string[];
};

export type PlannedPost = {
  externalId: string;
  category: Category;
  title: string;
  body: string;
  visibility: Visibility;
  author: PersonKey;
  createdAt: Date;
  editedAt: Date | null;
  about?: PlannedLink;
  /** How many recordings of the export it carries (a list's post: the list and its to-dos). */
  recordings: number;
};

export type PlannedComment = {
  externalId: string;
  postExternalId: string;
  body: string;
  author: PersonKey;
  createdAt: Date;
  editedAt: Date | null;
};

export type PlannedDocument = {
  externalId: string;
  title: string;
  body: string;
  visibility: Visibility;
  author: PersonKey;
  createdAt: Date;
  updatedAt: Date;
};

export type PlannedFile = {
  externalId: string;
  upload: BasecampRecording;
  /** Unique in the project: a second "report.pdf" is "report (2).pdf". */
  name: string;
  visibility: Visibility;
  author: PersonKey;
  createdAt: Date;
  updatedAt: Date;
};

export type BasecampCounts = {
  projects: number;
  posts: number;
  comments: number;
  documents: number;
  files: number;
  todos: number;
};

export type ProjectPlan = {
  project: PlannedProject;
  posts: PlannedPost[];
  comments: PlannedComment[];
  documents: PlannedDocument[];
  files: PlannedFile[];
  problems: ImportProblem[];
  /** What the export holds, by the survey's kinds (messages as posts, uploads as files, to-dos). */
  counts: BasecampCounts;
  /** The recordings the plan writes: the import's progress counts these. */
  recordings: number;
};

/** Recordings that hold others and nothing of their own: passed over without a word. */
const CONTAINERS = new Set([
  "Message::Board",
  "Todoset",
  "Vault",
  "Schedule",
  "Questionnaire",
  "Inbox",
  "Kanban::Board",
  "Kanban::Column",
  "Chat::Transcript",
  "Project",
]);

const EDIT_GRACE_MS = 60_000;
const TITLE_MAX = 200;
const NAME_MAX = 120;

const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
const oneLine = (text: string | null | undefined) => (text ?? "").replace(/\s+/g, " ").trim();

export const visibilityOf = (recording: { visible_to_clients?: boolean | null }): Visibility =>
  recording.visible_to_clients === true ? "project" : "staff";

const personOf = (recording: BasecampRecording): PersonKey =>
  recording.creator ? idText(recording.creator.id) || null : null;

const createdOf = (recording: BasecampRecording): Date => dateOf(recording.created_at) ?? new Date(0);

/** The edit date: `updated_at` when more than a minute after the creation, else none. */
export function editedOf(created: Date, ...updates: (string | null | undefined)[]): Date | null {
  const latest = Math.max(...updates.map((update) => dateOf(update)?.getTime() ?? 0));
  return latest - created.getTime() > EDIT_GRACE_MS ? new Date(latest) : null;
}

/** Basecamp's message types, as the board's categories where one fits. */
export function categoryOf(message: BasecampRecording): Category {
  const name = message.category?.name?.toLowerCase() ?? "";
  if (name.includes("announce")) return "announcement";
  if (name.includes("question")) return "question";
  if (name.includes("decision") || name.includes("decided")) return "decision";
  return "fyi";
}

const titleOf = (recording: BasecampRecording, fallback: string) =>
  cut(oneLine(recording.subject || recording.title || recording.name) || fallback, TITLE_MAX);

const plainText = (text: string | null | undefined) => escapeMarkdown(oneLine(text));

/** A to-do as a line of a checklist: done or not, assignees, dates, and its notes under it. */
function todoLine(todo: BasecampRecording): string {
  const details = [
    (todo.assignees ?? [])
      .map((person) => oneLine(person.name))
      .filter(Boolean)
      .join(", "),
    todo.starts_on && todo.due_on
      ? `${todo.starts_on} to ${todo.due_on}`
      : todo.due_on
        ? `due ${todo.due_on}`
        : "",
    todo.completed && todo.completion?.created_at ? `done ${todo.completion.created_at.slice(0, 10)}` : "",
  ].filter(Boolean);
  const text = plainText(todo.content || todo.title) || "(a to-do without text)";
  const line = `- [${todo.completed ? "x" : " "}] ${text}${details.length > 0 ? ` — ${escapeMarkdown(details.join(" · "))}` : ""}`;
  const notes = htmlToMarkdown(todo.description);
  if (!notes) return line;
  return [line, ...notes.split("\n").map((note) => (note ? `  ${note}` : ""))].join("\n");
}

const positionOrder = (a: BasecampRecording, b: BasecampRecording) =>
  (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
  createdOf(a).getTime() - createdOf(b).getTime();

/** A name unique among `taken` (which it joins): "report.pdf", then "report (2).pdf". */
function uniqueName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf(".");
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem} (${n})${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * The plan of one project: its recordings (once each, oldest first) and which uploads' bytes were
 * stored (or, for the dry run, are in the export).
 */
export function planProject(
  entry: ProjectEntry,
  recordings: BasecampRecording[],
  hasBytes: (upload: BasecampRecording) => boolean,
  unreadable: UnreadableRecording[] = [],
): ProjectPlan {
  const { project } = entry;
  const projectName = cut(oneLine(project.name), NAME_MAX) || `Basecamp project ${idText(project.id)}`;
  const where = (what: string) => `“${projectName}”: ${what}`;
  const problems: ImportProblem[] = unreadable.map((item) => ({
    item: where(item.entry),
    reason: `Not a recording Convene can read: ${item.reason}`,
  }));
  const counts: BasecampCounts = { projects: 1, posts: 0, comments: 0, documents: 0, files: 0, todos: 0 };
  const posts: PlannedPost[] = [];
  const comments: PlannedComment[] = [];
  const documents: PlannedDocument[] = [];
  const files: PlannedFile[] = [];

  const byId = new Map(recordings.map((recording) => [idText(recording.id), recording]));
  const trashed = recordings.filter((recording) => recording.status === "trashed");
  const live = recordings.filter((recording) => recording.status !== "trashed");
  const earliest = live.map(createdOf).sort((a, b) => a.getTime() - b.getTime())[0];
  const projectCreated = dateOf(project.created_at) ?? earliest ?? new Date(0);

  /** Where the comments on a recording go: the post and its visibility. */
  type Thread = { post: PlannedPost; prefix?: string };
  const threads = new Map<string, Thread>();
  const addPost = (post: PlannedPost) => {
    posts.push(post);
    return post;
  };
  const isTrashed = (id: string) => byId.get(id)?.status === "trashed";
  const externalIdOf = (recording: BasecampRecording) => `recording:${idText(recording.id)}`;

  // Messages.
  for (const message of live.filter((recording) => recording.type === "Message")) {
    counts.posts += 1;
    const createdAt = createdOf(message);
    const post = addPost({
      externalId: externalIdOf(message),
      category: categoryOf(message),
      title: titleOf(message, "(no subject)"),
      body: htmlToMarkdown(message.content),
      visibility: visibilityOf(message),
      author: personOf(message),
      createdAt,
      editedAt: editedOf(createdAt, message.updated_at),
      recordings: 1,
    });
    threads.set(idText(message.id), { post });
  }

  // Documents: their comments get a post when they have any (made below, on the first comment).
  const discussions = new Map<string, () => PlannedPost>();
  for (const document of live.filter((recording) => recording.type === "Document")) {
    counts.documents += 1;
    const createdAt = createdOf(document);
    const planned: PlannedDocument = {
      externalId: externalIdOf(document),
      title: titleOf(document, "Untitled document"),
      body: htmlToMarkdown(document.content),
      visibility: visibilityOf(document),
      author: personOf(document),
      createdAt,
      updatedAt: editedOf(createdAt, document.updated_at) ?? createdAt,
    };
    documents.push(planned);
    discussions.set(idText(document.id), () =>
      addPost({
        externalId: `${planned.externalId}:discussion`,
        category: "fyi",
        title: cut(`Comments on “${planned.title}”`, TITLE_MAX),
        body: "",
        visibility: planned.visibility,
        author: planned.author,
        createdAt,
        editedAt: null,
        about: {
          kind: "document",
          externalId: planned.externalId,
          createdAt,
          intro: "Comments on the document",
          label: planned.title,
        },
        recordings: 0,
      }),
    );
  }

  // Uploads: a file when the bytes are there (its comments and description in a post made for them),
  // else a post naming it.
  const fileNames = new Set<string>();
  for (const upload of live.filter((recording) => recording.type === "Upload")) {
    counts.files += 1;
    const createdAt = createdOf(upload);
    const name = uploadName(upload);
    const description = htmlToMarkdown(upload.description);
    const visibility = visibilityOf(upload);
    if (!hasBytes(upload)) {
      problems.push({
        item: where(`the file “${name}”`),
        reason: "The export does not hold its bytes: a post names it and links to it in Basecamp.",
      });
      const url = upload.download_url || upload.app_download_url || upload.app_url;
      const size = typeof upload.byte_size === "number" ? `, ${formatSize(upload.byte_size)}` : "";
      const post = addPost({
        externalId: `${externalIdOf(upload)}:notice`,
        category: "fyi",
        title: cut(name, TITLE_MAX),
        body: [
          `The file ${url ? `[${escapeMarkdown(name)}](${url.replace(/[ ()]/g, encodeURIComponent)})` : `“${escapeMarkdown(name)}”`} (${escapeMarkdown(upload.content_type || "a file")}${size}) was shared in Basecamp; the export did not hold it.`,
          description,
        ]
          .filter(Boolean)
          .join("\n\n"),
        visibility,
        author: personOf(upload),
        createdAt,
        editedAt: editedOf(createdAt, upload.updated_at),
        recordings: 1,
      });
      threads.set(idText(upload.id), { post });
      continue;
    }
    const file: PlannedFile = {
      externalId: externalIdOf(upload),
      upload,
      name: uniqueName(name, fileNames),
      visibility,
      author: personOf(upload),
      createdAt,
      updatedAt: editedOf(createdAt, upload.updated_at) ?? createdAt,
    };
    files.push(file);
    const discussion = () =>
      addPost({
        externalId: `${file.externalId}:discussion`,
        category: "fyi",
        title: cut(`Comments on “${file.name}”`, TITLE_MAX),
        body: description,
        visibility,
        author: file.author,
        createdAt,
        editedAt: null,
        about: {
          kind: "file",
          externalId: file.externalId,
          createdAt,
          intro: "Comments on the file",
          label: file.name,
        },
        recordings: 0,
      });
    if (description) threads.set(idText(upload.id), { post: discussion() });
    else discussions.set(idText(upload.id), discussion);
  }

  // To-do lists, their groups and to-dos: one post per list (and one, staff-only, for to-dos hidden
  // from clients in a list they saw).
  const lists = live.filter((recording) => recording.type === "Todolist");
  const groups = live.filter((recording) => recording.type === "Todolist::Group");
  const listOfGroup = new Map(groups.map((group) => [idText(group.id), idText(group.parent?.id)]));
  const todosOfList = new Map<string, BasecampRecording[]>();
  const listIds = new Set(lists.map((list) => idText(list.id)));
  for (const todo of live.filter((recording) => recording.type === "Todo")) {
    const parent = idText(todo.parent?.id);
    const listId = listIds.has(parent) ? parent : listOfGroup.get(parent);
    if (!listId || !listIds.has(listId)) {
      // A to-do of a list (or group) in the trash went with it.
      if (isTrashed(parent) || (listId && isTrashed(listId))) continue;
      problems.push({
        item: where(`the to-do “${oneLine(todo.content || todo.title)}”`),
        reason: "Its to-do list is not in the export: not imported.",
      });
      continue;
    }
    counts.todos += 1;
    const ofList = todosOfList.get(listId) ?? [];
    ofList.push(todo);
    todosOfList.set(listId, ofList);
  }
  for (const list of lists) {
    const listId = idText(list.id);
    const todos = todosOfList.get(listId) ?? [];
    const listGroups = groups.filter((group) => idText(group.parent?.id) === listId).sort(positionOrder);
    const listVisibility = visibilityOf(list);
    const hidden = new Set(
      listVisibility === "project" ? todos.filter((todo) => visibilityOf(todo) === "staff") : [],
    );
    const shown = todos.filter((todo) => !hidden.has(todo));
    const title = titleOf(list, "To-dos");
    const createdAt = createdOf(list);
    const checklist = (some: BasecampRecording[]) => {
      const ungrouped = some.filter((todo) => !listOfGroup.has(idText(todo.parent?.id))).sort(positionOrder);
      const sections = [ungrouped.map(todoLine).join("\n")];
      for (const group of listGroups) {
        const inGroup = some
          .filter((todo) => idText(todo.parent?.id) === idText(group.id))
          .sort(positionOrder);
        if (inGroup.length === 0) continue;
        sections.push(
          `### ${plainText(group.title || group.name) || "Group"}\n\n${inGroup.map(todoLine).join("\n")}`,
        );
      }
      return sections.filter(Boolean).join("\n\n");
    };
    const post = addPost({
      externalId: externalIdOf(list),
      category: "fyi",
      title,
      body:
        [htmlToMarkdown(list.description), checklist(shown)].filter(Boolean).join("\n\n") ||
        "*This to-do list had no to-dos.*",
      visibility: listVisibility,
      author: personOf(list),
      createdAt,
      editedAt: editedOf(createdAt, list.updated_at, ...shown.map((todo) => todo.updated_at)),
      recordings: 1 + shown.length + listGroups.length,
    });
    threads.set(listId, { post });
    for (const group of listGroups) threads.set(idText(group.id), { post });
    const staffPost =
      hidden.size > 0
        ? addPost({
            externalId: `${externalIdOf(list)}:staff-todos`,
            category: "fyi",
            title: cut(`${title} (staff only)`, TITLE_MAX),
            body: checklist([...hidden]),
            visibility: "staff",
            author: personOf(list),
            createdAt,
            editedAt: editedOf(createdAt, ...[...hidden].map((todo) => todo.updated_at)),
            about: {
              kind: "post",
              externalId: post.externalId,
              createdAt,
              intro: "To-dos Basecamp kept from clients, of the list",
              label: title,
            },
            recordings: hidden.size,
          })
        : null;
    for (const todo of todos) {
      threads.set(idText(todo.id), {
        post: staffPost && hidden.has(todo) ? staffPost : post,
        prefix: `*On the to-do “${plainText(todo.content || todo.title)}”:*`,
      });
    }
  }

  // Comments, on the post their parent became.
  const known = new Set(["Message", "Comment", "Document", "Upload", "Todolist", "Todolist::Group", "Todo"]);
  const staffNotes = new Map<string, PlannedPost>();
  const threadOf = (parentId: string): Thread | undefined => {
    const known = threads.get(parentId);
    if (known) return known;
    const discussion = discussions.get(parentId);
    if (!discussion) return undefined;
    const thread = { post: discussion() };
    threads.set(parentId, thread);
    discussions.delete(parentId);
    return thread;
  };
  for (const comment of live.filter((recording) => recording.type === "Comment")) {
    const createdAt = createdOf(comment);
    const label = where(`the comment ${idText(comment.id)} of ${createdAt.toISOString().slice(0, 10)}`);
    // A comment on a comment (Basecamp's are flat; tolerated) belongs where that one does.
    let parent = byId.get(idText(comment.parent?.id));
    for (let depth = 0; parent?.type === "Comment" && depth < 10; depth += 1)
      parent = byId.get(idText(parent.parent?.id));
    if (!parent) {
      const named = comment.parent
        ? `${comment.parent.type ?? "recording"} ${idText(comment.parent.id)}`
        : "its parent";
      problems.push({
        item: label,
        reason: `What it comments on (${named}) is not in the export: not imported.`,
      });
      continue;
    }
    if (parent.status === "trashed") continue;
    const thread = threadOf(idText(parent.id));
    if (!thread) {
      problems.push({
        item: label,
        reason: known.has(parent.type)
          ? `What it comments on (${parent.type} ${idText(parent.id)}) is not imported: neither is the comment.`
          : `It comments on a ${parent.type}, which Convene does not import: not imported.`,
      });
      continue;
    }
    counts.comments += 1;
    let post = thread.post;
    if (post.visibility === "project" && visibilityOf(comment) === "staff") {
      const notes =
        staffNotes.get(post.externalId) ??
        addPost({
          externalId: `${post.externalId}:staff-notes`,
          category: "fyi",
          title: cut(`Staff notes on “${post.title}”`, TITLE_MAX),
          body: "Comments Basecamp kept from clients.",
          visibility: "staff",
          author: post.author,
          createdAt: post.createdAt,
          editedAt: null,
          about: {
            kind: "post",
            externalId: post.externalId,
            createdAt: post.createdAt,
            intro: "Staff notes on",
            label: post.title,
          },
          recordings: 0,
        });
      staffNotes.set(post.externalId, notes);
      post = notes;
    }
    const body = htmlToMarkdown(comment.content);
    comments.push({
      externalId: externalIdOf(comment),
      postExternalId: post.externalId,
      body: thread.prefix ? `${thread.prefix}\n\n${body}`.trim() : body,
      author: personOf(comment),
      createdAt,
      editedAt: editedOf(createdAt, comment.updated_at),
    });
  }

  // Everything else: named by type.
  const others = new Map<string, number>();
  for (const recording of live) {
    if (known.has(recording.type) || CONTAINERS.has(recording.type)) continue;
    others.set(recording.type, (others.get(recording.type) ?? 0) + 1);
  }
  for (const [type, count] of [...others].sort(([a], [b]) => a.localeCompare(b))) {
    problems.push({
      item: where(`${count} ${type} recording${count === 1 ? "" : "s"}`),
      reason: `Convene has no place for Basecamp's ${type} recordings: not imported.`,
    });
  }
  if (trashed.length > 0) {
    problems.push({
      item: where(`${trashed.length} recording${trashed.length === 1 ? "" : "s"} in Basecamp's trash`),
      reason: "What is in the trash is not imported.",
    });
  }

  const updated = dateOf(project.updated_at);
  const recordingsWritten =
    posts.reduce((sum, post) => sum + post.recordings, 0) + comments.length + documents.length + files.length;
  return {
    project: {
      externalId: `project:${idText(project.id)}`,
      name: projectName,
      purpose: htmlToMarkdown(project.description ?? project.purpose),
      createdAt: projectCreated,
      updatedAt: updated && updated > projectCreated ? updated : projectCreated,
      archived: project.status === "archived" || project.status === "trashed",
      creator: project.creator ? idText(project.creator.id) || null : null,
      people: [...new Set((project.people ?? []).map((person) => idText(person?.id)).filter(Boolean))],
    },
    posts,
    comments,
    documents,
    files,
    problems,
    counts,
    recordings: recordingsWritten,
  };
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
