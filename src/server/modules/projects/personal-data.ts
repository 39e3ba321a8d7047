import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import {
  projectComments,
  projectDocuments,
  projectDocumentVersions,
  projectPosts,
  projects,
} from "./schema.js";

/**
 * The posts and comments the person wrote in projects and the document versions they saved. Erasure
 * with content removed takes their posts and comments away as removing them by hand does (their text
 * emptied too); document versions stay under the pseudonym, since later versions by others build on
 * them. @mentions of the person are rewritten to the pseudonym address.
 */
definePersonalDataArea({
  name: "projects",
  async collect(ctx, { id: userId }) {
    const posts = await ctx.db
      .select({
        id: projectPosts.id,
        project: projects.name,
        category: projectPosts.category,
        title: projectPosts.title,
        body: projectPosts.body,
        createdAt: projectPosts.createdAt,
        editedAt: projectPosts.editedAt,
      })
      .from(projectPosts)
      .innerJoin(projects, eq(projects.id, projectPosts.projectId))
      .where(and(eq(projectPosts.authorId, userId), isNull(projectPosts.removedAt)))
      .orderBy(asc(projectPosts.createdAt));
    const comments = await ctx.db
      .select({
        postId: projectComments.postId,
        body: projectComments.body,
        createdAt: projectComments.createdAt,
        editedAt: projectComments.editedAt,
      })
      .from(projectComments)
      .where(and(eq(projectComments.authorId, userId), isNull(projectComments.removedAt)))
      .orderBy(asc(projectComments.createdAt));
    const documentVersions = await ctx.db
      .select({
        document: projectDocuments.title,
        version: projectDocumentVersions.version,
        title: projectDocumentVersions.title,
        body: projectDocumentVersions.body,
        createdAt: projectDocumentVersions.createdAt,
      })
      .from(projectDocumentVersions)
      .innerJoin(projectDocuments, eq(projectDocuments.id, projectDocumentVersions.documentId))
      .where(eq(projectDocumentVersions.authorId, userId))
      .orderBy(asc(projectDocumentVersions.createdAt));
    return { posts, comments, documentVersions };
  },
  async erase(ctx, { userId, removeContent, formerEmail, pseudonymEmail }) {
    if (removeContent) {
      await ctx.db
        .update(projectPosts)
        .set({ title: "(removed)", body: "", removedAt: sql`coalesce(${projectPosts.removedAt}, now())` })
        .where(eq(projectPosts.authorId, userId));
      await ctx.db
        .update(projectComments)
        .set({ body: "", removedAt: sql`coalesce(${projectComments.removedAt}, now())` })
        .where(eq(projectComments.authorId, userId));
    }
    const mention = `@${formerEmail}`;
    const replacement = `@${pseudonymEmail}`;
    await ctx.db
      .update(projectPosts)
      .set({ body: sql`replace(${projectPosts.body}, ${mention}, ${replacement})` })
      .where(sql`strpos(${projectPosts.body}, ${mention}) > 0`);
    await ctx.db
      .update(projectComments)
      .set({ body: sql`replace(${projectComments.body}, ${mention}, ${replacement})` })
      .where(sql`strpos(${projectComments.body}, ${mention}) > 0`);
  },
});
