import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  ActivityPage,
  CommentView,
  ItemVisibility,
  MySubscription,
  PostAttachmentView,
  PostCategory,
  PostSummaryView,
  PostView,
  ProjectStatus,
  ProjectSummaryView,
  ProjectView,
  SearchHitView,
  SubscriptionState,
} from "../../../server/modules/projects/present.js";
import type {
  FileVersionView,
  FolderView,
  ProjectFileSummaryView,
  ProjectFileView,
} from "../../../server/modules/projects/present-documents.js";
import { api } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";

export type { ItemVisibility, MySubscription, PostCategory, ProjectStatus, SubscriptionState };
export type ProjectSummary = ProjectSummaryView;
export type Project = ProjectView;
export type PostSummary = PostSummaryView;
export type Post = PostView;
export type Comment = CommentView;
export type PostAttachment = PostAttachmentView;
export type ActivityItem = ActivityPage["activity"][number];
export type Folder = FolderView;
export type FileSummary = ProjectFileSummaryView;
export type ProjectFile = ProjectFileView;
export type FileVersion = FileVersionView;
export type SearchHit = SearchHitView;

export type ProjectInput = { name: string; purpose: string; startsOn: string; endsOn?: string };
export type PostInput = { category: PostCategory; title: string; body: string; visibility?: ItemVisibility };

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

export const projectPath = (id: string, rest = "") => `/api/projects/${encodeURIComponent(id)}${rest}`;
const postPath = (id: string, postId: string, rest = "") =>
  projectPath(id, `/posts/${encodeURIComponent(postId)}${rest}`);
export const projectsApi = {
  create: (body: ProjectInput) => api.post<Project>("/api/projects", body),
  archive: (id: string) => api.post<Project>(projectPath(id, "/archive")),
  restore: (id: string) => api.post<Project>(projectPath(id, "/restore")),
  addParticipant: (id: string, body: { userId: string } | { organisationId: string }) =>
    api.post(projectPath(id, "/participants"), body),
  removeParticipant: (id: string, participantId: string) =>
    api.delete(projectPath(id, `/participants/${encodeURIComponent(participantId)}`)),
  /** A post with files goes as one multipart request, so it and its files are saved together or not at all. */
  createPost: (id: string, body: PostInput, files: File[]) => {
    if (files.length === 0) return api.post<Post>(projectPath(id, "/posts"), body);
    const form = new FormData();
    for (const [name, value] of Object.entries(body)) form.append(name, value);
    for (const file of files) form.append("file", file);
    return api.post<Post>(projectPath(id, "/posts"), form);
  },
  updatePost: (id: string, postId: string, body: PostInput) => api.patch<Post>(postPath(id, postId), body),
  comment: (id: string, postId: string, body: { body: string }) =>
    api.post<Comment>(postPath(id, postId, "/comments"), body),
  subscribe: (id: string, postId: string, state: SubscriptionState) =>
    api.put(postPath(id, postId, "/subscription"), { state }),
  createFolder: (id: string, body: { name: string; parentId?: string }) =>
    api.post<Folder>(projectPath(id, "/folders"), body),
  uploadFile: (id: string, file: File, folderId: string | null) => {
    const form = new FormData();
    // Fields before the file: the server reads the multipart stream in order.
    if (folderId) form.append("folderId", folderId);
    form.append("file", file);
    return api.post<ProjectFile>(projectPath(id, "/files"), form);
  },
};

export const useProjects = (status: ProjectStatus) =>
  useQuery({
    queryKey: projectKeys.list(status),
    queryFn: () => api.get<{ projects: ProjectSummary[] }>("/api/projects", { status }),
    select: (data) => data.projects,
  });

export const useProject = (id: string) =>
  useQuery({ queryKey: projectKeys.project(id), queryFn: () => api.get<Project>(projectPath(id)) });

export const usePosts = (id: string, category: string) =>
  useQuery({
    queryKey: projectKeys.posts(id, category),
    queryFn: () => api.get<{ posts: PostSummary[] }>(projectPath(id, "/posts"), { category }),
    select: (data) => data.posts,
    placeholderData: (previous) => previous,
  });

export const usePost = (id: string, postId: string) =>
  useQuery({ queryKey: projectKeys.post(id, postId), queryFn: () => api.get<Post>(postPath(id, postId)) });

/** One project's timeline, or (projectId null) the timeline of every project one takes part in. */
export const useActivity = (projectId: string | null) =>
  useInfiniteQuery({
    queryKey: projectKeys.activity(projectId),
    queryFn: ({ pageParam }) =>
      api.get<ActivityPage>(projectId ? projectPath(projectId, "/activity") : "/api/projects/activity", {
        before: pageParam,
      }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextBefore,
  });

/** Searches every project one takes part in, or (projectId) one; waits for 2 characters, as the server does. */
export const useProjectSearch = (q: string, projectId: string | null) =>
  useQuery({
    queryKey: projectKeys.search(q, projectId),
    queryFn: () => api.get<{ hits: SearchHit[] }>("/api/projects/search", { q, projectId }),
    select: (data) => data.hits,
    enabled: q.length >= 2,
    placeholderData: (previous) => previous,
  });

export const useFolders = (id: string) =>
  useQuery({
    queryKey: projectKeys.folders(id),
    queryFn: () => api.get<{ folders: Folder[] }>(projectPath(id, "/folders")),
    select: (data) => data.folders,
  });

export const useFiles = (id: string, folderId: string | null) =>
  useQuery({
    queryKey: projectKeys.files(id, folderId),
    queryFn: () => api.get<{ files: FileSummary[] }>(projectPath(id, "/files"), { folderId }),
    select: (data) => data.files,
  });

export const useFile = (id: string, fileId: string | null) =>
  useQuery({
    queryKey: projectKeys.file(id, fileId ?? ""),
    queryFn: () => api.get<ProjectFile>(projectPath(id, `/files/${encodeURIComponent(fileId ?? "")}`)),
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
