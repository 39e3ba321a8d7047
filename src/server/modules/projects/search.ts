import { type AnyColumn, and, desc, eq, ilike, inArray, isNull, or, type SQL } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { requireProject, visibleTo } from "./access.js";
import type { SearchHit, SearchQuery } from "./contracts/search.js";
import { amongMyProjects } from "./projects.js";
import {
  projectComments,
  projectDocuments,
  projectDocumentVersions,
  projectFiles,
  projectPosts,
  projects,
} from "./schema.js";

/** Hits per kind of item; the newest first, so a broad word still answers quickly. */
const PER_KIND = 25;
const SNIPPET_AROUND = 80;

/** `%text%` for ILIKE, with the wildcard characters of the text matched literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The part of a text around the first match, on one line, so a hit shows why it matched without
 * sending whole documents; the title alone (empty snippet) when only the title matched.
 */
export function snippetOf(text: string, q: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const at = flat.toLowerCase().indexOf(q.toLowerCase());
  if (at < 0) return "";
  const start = Math.max(0, at - SNIPPET_AROUND);
  const end = Math.min(flat.length, at + q.length + SNIPPET_AROUND);
  return `${start > 0 ? "…" : ""}${flat.slice(start, end).trim()}${end < flat.length ? "…" : ""}`;
}

/**
 * Searches posts, comments, documents (their current version) and file names in the person's
 * projects, or in one project. Every kind is filtered by the same rules as its list: not removed,
 * and staff-only items (a comment follows its post) only for the product team, so a search never
 * shows a customer what a list would not.
 */
export async function searchProjects(ctx: ActorCtx, query: SearchQuery): Promise<SearchHit[]> {
  const { actor } = ctx;
  if (query.projectId) await requireProject(ctx, query.projectId, "read");
  const pattern = containing(query.q);
  const visible = visibleTo(actor);
  const inScope = (projectId: AnyColumn): SQL | undefined =>
    query.projectId ? eq(projectId, query.projectId) : amongMyProjects(ctx, projectId);

  const posts = await ctx.db
    .select({ post: projectPosts, projectName: projects.name })
    .from(projectPosts)
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(
      and(
        inScope(projectPosts.projectId),
        isNull(projectPosts.removedAt),
        inArray(projectPosts.visibility, visible),
        or(ilike(projectPosts.title, pattern), ilike(projectPosts.body, pattern)),
      ),
    )
    .orderBy(desc(projectPosts.createdAt))
    .limit(PER_KIND);

  const comments = await ctx.db
    .select({ comment: projectComments, post: projectPosts, projectName: projects.name })
    .from(projectComments)
    .innerJoin(projectPosts, eq(projectPosts.id, projectComments.postId))
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(
      and(
        inScope(projectPosts.projectId),
        isNull(projectComments.removedAt),
        isNull(projectPosts.removedAt),
        inArray(projectPosts.visibility, visible),
        ilike(projectComments.body, pattern),
      ),
    )
    .orderBy(desc(projectComments.createdAt))
    .limit(PER_KIND);

  const documents = await ctx.db
    .select({ document: projectDocuments, body: projectDocumentVersions.body, projectName: projects.name })
    .from(projectDocuments)
    .innerJoin(
      projectDocumentVersions,
      and(
        eq(projectDocumentVersions.documentId, projectDocuments.id),
        eq(projectDocumentVersions.version, projectDocuments.currentVersion),
      ),
    )
    .innerJoin(projects, eq(projects.id, projectDocuments.projectId))
    .where(
      and(
        inScope(projectDocuments.projectId),
        isNull(projectDocuments.removedAt),
        inArray(projectDocuments.visibility, visible),
        or(ilike(projectDocuments.title, pattern), ilike(projectDocumentVersions.body, pattern)),
      ),
    )
    .orderBy(desc(projectDocuments.updatedAt))
    .limit(PER_KIND);

  const files = await ctx.db
    .select({ file: projectFiles, projectName: projects.name })
    .from(projectFiles)
    .innerJoin(projects, eq(projects.id, projectFiles.projectId))
    .where(
      and(
        inScope(projectFiles.projectId),
        isNull(projectFiles.removedAt),
        inArray(projectFiles.visibility, visible),
        ilike(projectFiles.name, pattern),
      ),
    )
    .orderBy(desc(projectFiles.updatedAt))
    .limit(PER_KIND);

  const hits: SearchHit[] = [
    ...posts.map(({ post, projectName }) => ({
      kind: "post" as const,
      projectId: post.projectId,
      projectName,
      itemId: post.id,
      title: post.title,
      snippet: snippetOf(post.body, query.q),
      visibility: post.visibility,
      at: (post.editedAt ?? post.createdAt).toISOString(),
    })),
    ...comments.map(({ comment, post, projectName }) => ({
      kind: "comment" as const,
      projectId: post.projectId,
      projectName,
      // A comment opens as its post.
      itemId: post.id,
      title: post.title,
      snippet: snippetOf(comment.body, query.q),
      visibility: post.visibility,
      at: comment.createdAt.toISOString(),
    })),
    ...documents.map(({ document, body, projectName }) => ({
      kind: "document" as const,
      projectId: document.projectId,
      projectName,
      itemId: document.id,
      title: document.title,
      snippet: snippetOf(body, query.q),
      visibility: document.visibility,
      at: document.updatedAt.toISOString(),
    })),
    ...files.map(({ file, projectName }) => ({
      kind: "file" as const,
      projectId: file.projectId,
      projectName,
      itemId: file.id,
      title: file.name,
      snippet: "",
      visibility: file.visibility,
      at: file.updatedAt.toISOString(),
    })),
  ];
  return hits.sort((a, b) => b.at.localeCompare(a.at));
}
