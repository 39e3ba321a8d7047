import { markdownExcerpt } from "../../platform/markdown.js";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName } from "../../platform/search/text-query.js";
import { postUrl } from "./notifications.js";
import {
  matchingComments,
  matchingDocuments,
  matchingFiles,
  matchingPosts,
  matchingProjects,
} from "./search.js";

/**
 * The project items of the one search, found by the same queries as the projects' search box
 * (search.ts), so by the same rules as the lists. `in:` names a project, `from:` an author.
 */

defineSearchKind("post", async (ctx, search) =>
  (await matchingPosts(ctx, search)).map((post) => ({
    kind: "post" as const,
    id: post.id,
    title: highlightName(post.title, search.text.parsed),
    snippet: fromHeadline(post.headline),
    context: post.projectName,
    path: postUrl(post),
    at: (post.editedAt ?? post.createdAt).toISOString(),
    rank: Number(post.rank),
  })),
);

defineSearchKind("comment", async (ctx, search) =>
  (await matchingComments(ctx, search)).map((comment) => ({
    kind: "comment" as const,
    id: comment.id,
    // The post it answers; what matched is in the snippet.
    title: { text: comment.post.title, marks: [] },
    snippet: fromHeadline(comment.headline),
    context: comment.projectName,
    path: postUrl(comment.post, comment.id),
    at: comment.createdAt.toISOString(),
    rank: Number(comment.rank),
  })),
);

defineSearchKind("document", async (ctx, search) =>
  (await matchingDocuments(ctx, search)).map((document) => ({
    kind: "document" as const,
    id: document.id,
    title: highlightName(document.title, search.text.parsed),
    snippet: fromHeadline(document.headline),
    context: document.projectName,
    path: `/projects/${document.projectId}/documents?document=${document.id}`,
    at: document.updatedAt.toISOString(),
    rank: Number(document.rank),
  })),
);

defineSearchKind("file", async (ctx, search) =>
  (await matchingFiles(ctx, search)).map((file) => ({
    kind: "file" as const,
    id: file.id,
    title: highlightName(file.name, search.text.parsed),
    snippet: null,
    context: file.projectName,
    path: `/projects/${file.projectId}/files?file=${file.id}`,
    at: file.updatedAt.toISOString(),
    rank: Number(file.rank),
  })),
);

/** Projects by name or purpose; they have no place, author or day, so a query narrowed by those is not about them. */
defineSearchKind("project", async (ctx, search) => {
  const { text } = search;
  const { parsed } = text;
  if (!text.hasText || parsed.in || parsed.from || parsed.before || parsed.after) return [];
  return (await matchingProjects(ctx, search)).map((project) => ({
    kind: "project" as const,
    id: project.id,
    title: highlightName(project.name, parsed),
    // The purpose as the project list shows it: its start, one line of plain text.
    snippet: project.purpose ? highlightName(markdownExcerpt(project.purpose), parsed) : null,
    context: project.status === "archived" ? "Archived" : null,
    path: `/projects/${project.id}`,
    at: null,
    rank: Number(project.rank),
  }));
});
