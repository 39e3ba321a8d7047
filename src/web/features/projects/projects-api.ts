import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as activity from "../../../server/modules/projects/contracts/activity.js";
import * as comments from "../../../server/modules/projects/contracts/comments.js";
import type {
  PostCategory,
  ProjectStatus,
  SubscriptionState,
} from "../../../server/modules/projects/contracts/common.js";
import type { NewFolderInput } from "../../../server/modules/projects/contracts/files.js";
import * as files from "../../../server/modules/projects/contracts/files.js";
import type { ParticipantInput } from "../../../server/modules/projects/contracts/participants.js";
import * as participants from "../../../server/modules/projects/contracts/participants.js";
import type { PostInput } from "../../../server/modules/projects/contracts/posts.js";
import * as posts from "../../../server/modules/projects/contracts/posts.js";
import type { ProjectInput } from "../../../server/modules/projects/contracts/projects.js";
import * as projects from "../../../server/modules/projects/contracts/projects.js";
import * as search from "../../../server/modules/projects/contracts/search.js";
import { callApi } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";

export type { ActivityItem } from "../../../server/modules/projects/contracts/activity.js";
export type { Comment } from "../../../server/modules/projects/contracts/comments.js";
export type {
  Attachment as PostAttachment,
  ItemVisibility,
  PostCategory,
  ProjectStatus,
  SubscriptionState,
} from "../../../server/modules/projects/contracts/common.js";
export type {
  FileSummary,
  FileVersion,
  Folder,
  ProjectFile,
} from "../../../server/modules/projects/contracts/files.js";
export type {
  MySubscription,
  Post,
  PostInput,
  PostSummary,
} from "../../../server/modules/projects/contracts/posts.js";
export type {
  Project,
  ProjectInput,
  ProjectSummary,
} from "../../../server/modules/projects/contracts/projects.js";
export type { SearchHit } from "../../../server/modules/projects/contracts/search.js";

export const postCategoryLabels: Record<PostCategory, string> = {
  announcement: "Announcement",
  question: "Question",
  decision: "Decision",
  fyi: "FYI",
};
export const postCategoryOptions = Object.entries(postCategoryLabels).map(([value, label]) => ({
  value,
  label,
}));

export const projectKeys = {
  all: ["projects"] as const,
  list: (status: string) => ["projects", "list", status] as const,
  project: (id: string) => ["projects", "one", id] as const,
  posts: (id: string, category: string) => ["projects", "one", id, "posts", category] as const,
  post: (id: string, postId: string) => ["projects", "one", id, "post", postId] as const,
  activity: (id: string | null) => ["projects", "activity", id ?? "mine"] as const,
  folders: (id: string) => ["projects", "one", id, "folders"] as const,
  files: (id: string, folderId: string | null) =>
    ["projects", "one", id, "files", folderId ?? "top"] as const,
  file: (id: string, fileId: string) => ["projects", "one", id, "file", fileId] as const,
  search: (q: string, projectId: string | null) => ["projects", "search", projectId ?? "mine", q] as const,
};

export const projectsApi = {
  create: (body: ProjectInput) => callApi(projects.createProject, { body }),
  archive: (id: string) => callApi(projects.archiveProject, { params: { id } }),
  restore: (id: string) => callApi(projects.restoreProject, { params: { id } }),
  addParticipant: (id: string, body: ParticipantInput) =>
    callApi(participants.addParticipant, { params: { id }, body }),
  removeParticipant: (id: string, participantId: string) =>
    callApi(participants.removeParticipant, { params: { id, participantId } }),
  /** A post with files goes as one multipart request, so it and its files are saved together or not at all. */
  createPost: (id: string, body: PostInput, chosen: File[]) => {
    if (chosen.length === 0) return callApi(posts.createPost, { params: { id }, body });
    const form = new FormData();
    for (const [name, value] of Object.entries(body)) form.append(name, value);
    for (const file of chosen) form.append("file", file);
    // The contract's body is the form's fields: the server reads them out of the multipart request.
    const input = { params: { id }, body, form };
    return callApi(posts.createPost, input);
  },
  updatePost: (id: string, postId: string, body: PostInput) =>
    callApi(posts.updatePost, { params: { id, postId }, body }),
  comment: (id: string, postId: string, body: { body: string }) =>
    callApi(comments.addComment, { params: { id, postId }, body }),
  subscribe: (id: string, postId: string, state: SubscriptionState) =>
    callApi(posts.setPostSubscription, { params: { id, postId }, body: { state } }),
  createFolder: (id: string, body: NewFolderInput) => callApi(files.createFolder, { params: { id }, body }),
  uploadFile: (id: string, file: File, folderId: string | null) => {
    const form = new FormData();
    // Fields before the file: the server reads the multipart stream in order.
    if (folderId) form.append("folderId", folderId);
    form.append("file", file);
    return callApi(files.uploadFile, { params: { id }, form });
  },
};

export const useProjects = (status: ProjectStatus) =>
  useQuery({
    queryKey: projectKeys.list(status),
    queryFn: () => callApi(projects.listProjects, { query: { status } }),
    select: (data) => data.projects,
  });

export const useProject = (id: string) =>
  useQuery({
    queryKey: projectKeys.project(id),
    queryFn: () => callApi(projects.getProject, { params: { id } }),
  });

/** `category` is the board's filter: one of the post categories, or empty for all. */
export const usePosts = (id: string, category: string) =>
  useQuery({
    queryKey: projectKeys.posts(id, category),
    queryFn: () =>
      callApi(posts.listPosts, {
        params: { id },
        query: { category: (category || undefined) as PostCategory | undefined },
      }),
    select: (data) => data.posts,
    placeholderData: (previous) => previous,
  });

export const usePost = (id: string, postId: string) =>
  useQuery({
    queryKey: projectKeys.post(id, postId),
    queryFn: () => callApi(posts.getPost, { params: { id, postId } }),
  });

/** One project's timeline, or (projectId null) the timeline of every project one takes part in. */
export const useActivity = (projectId: string | null) =>
  useInfiniteQuery({
    queryKey: projectKeys.activity(projectId),
    queryFn: ({ pageParam }) => {
      const query = { before: pageParam ?? undefined };
      return projectId
        ? callApi(activity.listProjectActivity, { params: { id: projectId }, query })
        : callApi(activity.listMyActivity, { query });
    },
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextBefore,
  });

/** Searches every project one takes part in, or (projectId) one; waits for 2 characters, as the server does. */
export const useProjectSearch = (q: string, projectId: string | null) =>
  useQuery({
    queryKey: projectKeys.search(q, projectId),
    queryFn: () => callApi(search.searchProjects, { query: { q, projectId: projectId ?? undefined } }),
    select: (data) => data.hits,
    enabled: q.length >= 2,
    placeholderData: (previous) => previous,
  });

export const useFolders = (id: string) =>
  useQuery({
    queryKey: projectKeys.folders(id),
    queryFn: () => callApi(files.listFolders, { params: { id } }),
    select: (data) => data.folders,
  });

export const useFiles = (id: string, folderId: string | null) =>
  useQuery({
    queryKey: projectKeys.files(id, folderId),
    queryFn: () => callApi(files.listFiles, { params: { id }, query: { folderId: folderId ?? undefined } }),
    select: (data) => data.files,
  });

export const useFile = (id: string, fileId: string | null) =>
  useQuery({
    queryKey: projectKeys.file(id, fileId ?? ""),
    queryFn: () => callApi(files.getFile, { params: { id, fileId: fileId ?? "" } }),
    enabled: fileId !== null,
  });

/** Refreshes everything shown of projects after a change; the pages are small, so this is cheap. */
export function useProjectsRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: projectKeys.all });
}

/** A change to a project that refreshes the pages after it and reports a failure as a notice. */
export function useProjectMutation<Input, Result>(request: (input: Input) => Promise<Result>) {
  const refresh = useProjectsRefresh();
  return useMutation({
    mutationFn: request,
    onSuccess: () => refresh(),
    onError: (error) => notifyFailure(error.message),
  });
}
