import { type AnyColumn, and, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { type KindSearch, oncePerSearch, prepareSearch, readQuery } from "../../platform/search/engine.js";
import { containing, fromHeadline, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { authorsMatching } from "../accounts/index.js";
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

/**
 * The project items the one search finds (search-sources.ts) and the projects' own search box finds,
 * by one set of queries: each kind by the rules of its list (in the person's projects, staff: every
 * project; not removed; staff-only items, and a staff-only post's comments, for the product team
 * only), so a search never shows anyone what a list would not.
 */

/** Hits per kind the projects' search box shows. */
const BOX_PER_KIND = 25;

/**
 * `in:` names a project by its name with hyphens for spaces and punctuation, whole
 * (`in:pharmacy-pilot`) or a part of it (`in:pharmacy`).
 */
const inProject = (place: string): SQL =>
  sql`regexp_replace(lower(${projects.name}), '[^[:alnum:]]+', '-', 'g') like ${containing(place)}`;

/** The projects a search reaches, as ids, read once per search (every kind of the search asks). */
const REACHED_PROJECTS = Symbol("the projects a search reaches");

/**
 * The ids of the projects the person reaches (staff: null, every project), narrowed to those `in:`
 * names. Read first as ids so the planner knows how few projects, and so how few rows,
 * they hold: joined to the participants, it planned one text-index scan per project (a phrase in
 * 16 projects read its index 16 times), and joined by name it guessed, and walked every comment
 * newest first looking for a project no comment was in.
 */
function reachedProjects(ctx: ActorCtx, search: KindSearch): Promise<string[] | null> {
  return oncePerSearch(search, REACHED_PROJECTS, async () => {
    const place = search.text.parsed.in;
    const mine = amongMyProjects(ctx, projects.id);
    if (!place && !mine) return null;
    const rows = await ctx.db
      .select({ id: projects.id })
      .from(projects)
      .where(and(mine, place ? inProject(place) : undefined));
    return rows.map((row) => row.id);
  });
}

/**
 * Which projects a search reaches: the one the box is narrowed to (the caller checked it with
 * requireProject), among those the person takes part in (staff: all) and `in:` names.
 */
async function inScope(
  ctx: ActorCtx,
  search: KindSearch,
  projectId: AnyColumn,
  onlyProjectId?: string,
): Promise<SQL | undefined> {
  const only = onlyProjectId ? eq(projectId, onlyProjectId) : undefined;
  const reached = await reachedProjects(ctx, search);
  if (!reached) return only;
  return reached.length > 0 ? and(only, inArray(projectId, reached)) : sql`false`;
}

const byAuthor = (search: KindSearch, ...authors: AnyColumn[]) =>
  search.authorIds ? or(...authors.map((author) => inArray(author, search.authorIds ?? []))) : undefined;

/** Posts whose title or text match, the best first (the newest without words). */
export async function matchingPosts(ctx: ActorCtx, search: KindSearch, onlyProjectId?: string) {
  const { text } = search;
  const matching = and(
    await inScope(ctx, search, projectPosts.projectId, onlyProjectId),
    isNull(projectPosts.removedAt),
    inArray(projectPosts.visibility, visibleTo(ctx.actor)),
    text.matches(projectPosts.search),
    byAuthor(search, projectPosts.authorId),
    text.inDays(projectPosts.createdAt),
  );
  const newestMatching = ctx.db
    .select({ id: projectPosts.id })
    .from(projectPosts)
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(matching)
    .orderBy(desc(projectPosts.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(projectPosts.search);
  return ctx.db
    .select({
      id: projectPosts.id,
      projectId: projectPosts.projectId,
      projectName: projects.name,
      title: projectPosts.title,
      visibility: projectPosts.visibility,
      createdAt: projectPosts.createdAt,
      editedAt: projectPosts.editedAt,
      headline: text.headline(projectPosts.body),
      rank,
    })
    .from(projectPosts)
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(rankable(text, projectPosts.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(projectPosts.createdAt))
    .limit(search.limit);
}

/** Comments whose text matches, on posts the person may see (a comment follows its post). */
export async function matchingComments(ctx: ActorCtx, search: KindSearch, onlyProjectId?: string) {
  const { text } = search;
  const matching = and(
    await inScope(ctx, search, projectComments.projectId, onlyProjectId),
    isNull(projectComments.removedAt),
    isNull(projectPosts.removedAt),
    inArray(projectPosts.visibility, visibleTo(ctx.actor)),
    text.matches(projectComments.search),
    byAuthor(search, projectComments.authorId),
    text.inDays(projectComments.createdAt),
  );
  const newestMatching = ctx.db
    .select({ id: projectComments.id })
    .from(projectComments)
    .innerJoin(projectPosts, eq(projectPosts.id, projectComments.postId))
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(matching)
    .orderBy(desc(projectComments.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(projectComments.search);
  return ctx.db
    .select({
      id: projectComments.id,
      createdAt: projectComments.createdAt,
      headline: text.headline(projectComments.body),
      post: {
        id: projectPosts.id,
        projectId: projectPosts.projectId,
        title: projectPosts.title,
        visibility: projectPosts.visibility,
      },
      projectName: projects.name,
      rank,
    })
    .from(projectComments)
    .innerJoin(projectPosts, eq(projectPosts.id, projectComments.postId))
    .innerJoin(projects, eq(projects.id, projectPosts.projectId))
    .where(rankable(text, projectComments.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(projectComments.createdAt))
    .limit(search.limit);
}

/**
 * Documents whose current version's title or text match; `from:` is whoever created the document or
 * wrote its current version.
 */
export async function matchingDocuments(ctx: ActorCtx, search: KindSearch, onlyProjectId?: string) {
  const { text } = search;
  const currentVersion = and(
    eq(projectDocumentVersions.documentId, projectDocuments.id),
    eq(projectDocumentVersions.version, projectDocuments.currentVersion),
  );
  const matching = and(
    await inScope(ctx, search, projectDocuments.projectId, onlyProjectId),
    isNull(projectDocuments.removedAt),
    inArray(projectDocuments.visibility, visibleTo(ctx.actor)),
    text.matches(projectDocumentVersions.search),
    byAuthor(search, projectDocuments.createdBy, projectDocumentVersions.authorId),
    text.inDays(projectDocuments.updatedAt),
  );
  // The newest current versions first: a version's id is made when it is written.
  const newestMatching = ctx.db
    .select({ id: projectDocuments.id })
    .from(projectDocuments)
    .innerJoin(projectDocumentVersions, currentVersion)
    .innerJoin(projects, eq(projects.id, projectDocuments.projectId))
    .where(matching)
    .orderBy(desc(projectDocumentVersions.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(projectDocumentVersions.search);
  return ctx.db
    .select({
      id: projectDocuments.id,
      projectId: projectDocuments.projectId,
      projectName: projects.name,
      title: projectDocuments.title,
      visibility: projectDocuments.visibility,
      updatedAt: projectDocuments.updatedAt,
      headline: text.headline(projectDocumentVersions.body),
      rank,
    })
    .from(projectDocuments)
    .innerJoin(projectDocumentVersions, currentVersion)
    .innerJoin(projects, eq(projects.id, projectDocuments.projectId))
    .where(rankable(text, projectDocuments.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(projectDocuments.updatedAt))
    .limit(search.limit);
}

/** Files by name (every word a part of it); `from:` is who added the file. */
export async function matchingFiles(ctx: ActorCtx, search: KindSearch, onlyProjectId?: string) {
  const { text } = search;
  const rank = text.nameRank(projectFiles.name);
  return (
    ctx.db
      .select({
        id: projectFiles.id,
        projectId: projectFiles.projectId,
        projectName: projects.name,
        name: projectFiles.name,
        visibility: projectFiles.visibility,
        updatedAt: projectFiles.updatedAt,
        rank,
      })
      .from(projectFiles)
      .innerJoin(projects, eq(projects.id, projectFiles.projectId))
      .where(
        and(
          await inScope(ctx, search, projectFiles.projectId, onlyProjectId),
          isNull(projectFiles.removedAt),
          inArray(projectFiles.visibility, visibleTo(ctx.actor)),
          text.nameMatches(projectFiles.name),
          byAuthor(search, projectFiles.createdBy),
          text.inDays(projectFiles.updatedAt),
        ),
      )
      // Without words every name ranks the same (a constant PostgreSQL refuses to order by).
      .orderBy(...(text.hasText ? [desc(rank)] : []), desc(projectFiles.updatedAt))
      .limit(search.limit)
  );
}

/** Projects by name or purpose, among those the person takes part in (staff: all). */
export async function matchingProjects(ctx: ActorCtx, search: KindSearch) {
  const { text } = search;
  const rank = text.nameRank(projects.name);
  return ctx.db
    .select({
      id: projects.id,
      name: projects.name,
      purpose: projects.purpose,
      status: projects.status,
      rank,
    })
    .from(projects)
    .where(and(amongMyProjects(ctx, projects.id), text.nameMatches(projects.name, projects.purpose)))
    .orderBy(desc(rank), projects.name)
    .limit(search.limit);
}

/**
 * The projects' search box: posts, comments, documents and file names of the person's projects, or of
 * one project (404 for one they are not in), in the one search's syntax; the newest first.
 */
export async function searchProjects(ctx: ActorCtx, query: SearchQuery): Promise<SearchHit[]> {
  if (query.projectId) await requireProject(ctx, query.projectId, "read");
  const search = await prepareSearch(ctx, readQuery(query.q), BOX_PER_KIND, authorsMatching);
  if (search.authorIds?.length === 0) return [];
  const posts = await matchingPosts(ctx, search, query.projectId);
  const comments = await matchingComments(ctx, search, query.projectId);
  const documents = await matchingDocuments(ctx, search, query.projectId);
  const files = await matchingFiles(ctx, search, query.projectId);
  const hits: SearchHit[] = [
    ...posts.map((post) => ({
      kind: "post" as const,
      projectId: post.projectId,
      projectName: post.projectName,
      itemId: post.id,
      title: post.title,
      snippet: fromHeadline(post.headline).text,
      visibility: post.visibility,
      at: (post.editedAt ?? post.createdAt).toISOString(),
    })),
    ...comments.map(({ post, ...comment }) => ({
      kind: "comment" as const,
      projectId: post.projectId,
      projectName: comment.projectName,
      // A comment opens as its post.
      itemId: post.id,
      title: post.title,
      snippet: fromHeadline(comment.headline).text,
      visibility: post.visibility,
      at: comment.createdAt.toISOString(),
    })),
    ...documents.map((document) => ({
      kind: "document" as const,
      projectId: document.projectId,
      projectName: document.projectName,
      itemId: document.id,
      title: document.title,
      snippet: fromHeadline(document.headline).text,
      visibility: document.visibility,
      at: document.updatedAt.toISOString(),
    })),
    ...files.map((file) => ({
      kind: "file" as const,
      projectId: file.projectId,
      projectName: file.projectName,
      itemId: file.id,
      title: file.name,
      snippet: "",
      visibility: file.visibility,
      at: file.updatedAt.toISOString(),
    })),
  ];
  return hits.sort((a, b) => b.at.localeCompare(a.at));
}
