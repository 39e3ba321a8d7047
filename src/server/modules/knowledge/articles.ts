import { and, asc, count, desc, eq, isNotNull, sql } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { listActiveStaff, userSummaries } from "../accounts/index.js";
import { categoryForArticle } from "./categories.js";
import {
  type Article,
  type ArticleChanges,
  type ArticleInput,
  type ArticleSummary,
  type ArticleVersion,
  type ArticleVersionSummary,
  articleChanged,
} from "./contracts/articles.js";
import { canReadArticle, isForMembers, readableArticles } from "./policy.js";
import {
  type ArticleRow,
  type CategoryRow,
  presentArticle,
  presentArticleSummary,
  presentVersion,
  presentVersionSummary,
} from "./present.js";
import {
  knowledgeArticles,
  knowledgeArticleVersions,
  knowledgeCategories,
  knowledgeDeflections,
} from "./schema.js";

/** Where a new article came from, when it was drafted from an answer elsewhere. */
export type ArticleOrigin = {
  kind: NonNullable<ArticleRow["sourceKind"]>;
  id: string;
  label: string;
  path: string;
};

/** Loads an article the actor may read; any other is reported missing, never forbidden. */
async function loadReadableArticle(ctx: ActorCtx, id: string, lock = false): Promise<ArticleRow> {
  const query = ctx.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row || !canReadArticle(ctx.actor, row)) throw notFound("The article");
  return row;
}

async function categoryOf(ctx: Ctx, id: string): Promise<CategoryRow> {
  const [row] = await ctx.db.select().from(knowledgeCategories).where(eq(knowledgeCategories.id, id));
  if (!row) throw new Error(`article category ${id} is missing`);
  return row;
}

/**
 * Tells whoever may see it, live, that an article changed: every signed-in member when it was or now
 * is theirs to read (a withdrawn article's open page learns it is gone), else the product team.
 */
async function announceArticle(ctx: Ctx, id: string, wasForMembers: boolean, isNowForMembers: boolean) {
  const audience =
    wasForMembers || isNowForMembers
      ? { everyone: true }
      : { userIds: (await listActiveStaff(ctx.db)).map((person) => person.id) };
  await publishEvent(ctx, articleChanged, audience, { articleId: id });
}

/** The articles the actor may read, by category order and then title; `categoryId` narrows to one. */
export async function listArticles(
  ctx: ActorCtx,
  filter: { categoryId?: string },
): Promise<ArticleSummary[]> {
  const rows = await ctx.db
    .select({ article: knowledgeArticles, category: knowledgeCategories })
    .from(knowledgeArticles)
    .innerJoin(knowledgeCategories, eq(knowledgeCategories.id, knowledgeArticles.categoryId))
    .where(
      and(
        readableArticles(ctx.actor),
        filter.categoryId ? eq(knowledgeArticles.categoryId, filter.categoryId) : undefined,
      ),
    )
    .orderBy(asc(knowledgeCategories.position), asc(knowledgeArticles.title));
  return rows.map((row) => presentArticleSummary(row.article, row.category));
}

async function outcomesOf(ctx: Ctx, articleId: string): Promise<NonNullable<Article["outcomes"]>> {
  const [row] = await ctx.db
    .select({
      suggestionViews: sql<number>`coalesce(sum(${knowledgeDeflections.suggestionViews}), 0)::int`,
      answered: count(knowledgeDeflections.answeredAt),
    })
    .from(knowledgeDeflections)
    .where(eq(knowledgeDeflections.articleId, articleId));
  return { suggestionViews: Number(row?.suggestionViews ?? 0), answered: Number(row?.answered ?? 0) };
}

async function presentFor(ctx: ActorCtx, row: ArticleRow): Promise<Article> {
  const [answer] = await ctx.db
    .select({ answeredAt: knowledgeDeflections.answeredAt })
    .from(knowledgeDeflections)
    .where(
      and(
        eq(knowledgeDeflections.articleId, row.id),
        eq(knowledgeDeflections.userId, ctx.actor.id),
        isNotNull(knowledgeDeflections.answeredAt),
      ),
    );
  return presentArticle(row, await categoryOf(ctx, row.categoryId), {
    staffView: ctx.actor.isStaff,
    outcomes: ctx.actor.isStaff ? await outcomesOf(ctx, row.id) : null,
    answeredByMe: answer !== undefined,
  });
}

export async function getArticle(ctx: ActorCtx, id: string): Promise<Article> {
  return presentFor(ctx, await loadReadableArticle(ctx, id));
}

type VersionFields = Pick<ArticleRow, "title" | "body" | "status" | "audience">;

async function writeVersion(ctx: ActorCtx, articleId: string, number: number, fields: VersionFields) {
  await ctx.db.insert(knowledgeArticleVersions).values({
    articleId,
    number,
    title: fields.title,
    body: fields.body,
    status: fields.status,
    audience: fields.audience,
    savedBy: ctx.actor.id,
  });
}

/** Writes an article as version 1; `origin` links a draft to the answer it was made from. */
export async function createArticle(
  ctx: ActorCtx,
  input: ArticleInput,
  origin?: ArticleOrigin,
): Promise<Article> {
  const id = await inTransaction(ctx, async (tx) => {
    await categoryForArticle(tx, input.categoryId);
    const [row] = await tx.db
      .insert(knowledgeArticles)
      .values({
        categoryId: input.categoryId,
        title: input.title,
        body: input.body,
        status: input.status,
        audience: input.audience,
        publishedAt: input.status === "published" ? new Date() : null,
        sourceKind: origin?.kind ?? null,
        sourceId: origin?.id ?? null,
        sourceLabel: origin?.label ?? null,
        sourcePath: origin?.path ?? null,
        createdBy: ctx.actor.id,
      })
      .returning();
    if (!row) throw new Error("article row was not written");
    await writeVersion(tx, row.id, 1, row);
    await recordAudit(tx, {
      action: "knowledge.article_created",
      targetType: "knowledge_article",
      targetId: row.id,
      details: { title: row.title, status: row.status, audience: row.audience, source: origin?.kind ?? null },
    });
    await announceArticle(tx, row.id, false, isForMembers(row));
    return row.id;
  });
  return getArticle(ctx, id);
}

/** Saves changes as the article's next version; publishing, withdrawing and the audience are changes too. */
export async function updateArticle(ctx: ActorCtx, id: string, changes: ArticleChanges): Promise<Article> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadReadableArticle(tx, id, true);
    if (changes.categoryId !== undefined) await categoryForArticle(tx, changes.categoryId);
    const next = {
      title: changes.title ?? row.title,
      body: changes.body ?? row.body,
      status: changes.status ?? row.status,
      audience: changes.audience ?? row.audience,
      version: row.version + 1,
    };
    const publishedNow = row.status === "draft" && next.status === "published";
    await tx.db
      .update(knowledgeArticles)
      .set({
        ...changes,
        version: next.version,
        ...(publishedNow ? { publishedAt: new Date() } : {}),
      })
      .where(eq(knowledgeArticles.id, id));
    await writeVersion(tx, id, next.version, next);
    await recordAudit(tx, {
      action: "knowledge.article_updated",
      targetType: "knowledge_article",
      targetId: id,
      details: { version: next.version, changed: Object.keys(changes).sort() },
    });
    await announceArticle(tx, id, isForMembers(row), isForMembers(next));
  });
  return getArticle(ctx, id);
}

async function savedByNames(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  const people = await userSummaries(ctx.db, ids);
  return new Map([...people].map(([userId, person]) => [userId, person.name]));
}

export async function listVersions(ctx: ActorCtx, id: string): Promise<ArticleVersionSummary[]> {
  await loadReadableArticle(ctx, id);
  const rows = await ctx.db
    .select()
    .from(knowledgeArticleVersions)
    .where(eq(knowledgeArticleVersions.articleId, id))
    .orderBy(desc(knowledgeArticleVersions.number));
  const names = await savedByNames(
    ctx,
    rows.map((row) => row.savedBy),
  );
  return rows.map((row) => presentVersionSummary(row, names.get(row.savedBy) ?? "Former member"));
}

export async function getVersion(ctx: ActorCtx, id: string, number: number): Promise<ArticleVersion> {
  await loadReadableArticle(ctx, id);
  const [row] = await ctx.db
    .select()
    .from(knowledgeArticleVersions)
    .where(and(eq(knowledgeArticleVersions.articleId, id), eq(knowledgeArticleVersions.number, number)));
  if (!row) throw notFound("That version of the article");
  const names = await savedByNames(ctx, [row.savedBy]);
  return presentVersion(row, names.get(row.savedBy) ?? "Former member");
}

/** Counts one more opening of the article from a suggestion by the actor. */
export async function recordSuggestionView(ctx: ActorCtx, id: string): Promise<void> {
  await loadReadableArticle(ctx, id);
  await ctx.db
    .insert(knowledgeDeflections)
    .values({ articleId: id, userId: ctx.actor.id, suggestionViews: 1 })
    .onConflictDoUpdate({
      target: [knowledgeDeflections.articleId, knowledgeDeflections.userId],
      set: { suggestionViews: sql`${knowledgeDeflections.suggestionViews} + 1` },
    });
}

/** Records that the article answered the actor's question; saying it again keeps the first time. */
export async function recordAnswered(ctx: ActorCtx, id: string): Promise<void> {
  await loadReadableArticle(ctx, id);
  await ctx.db
    .insert(knowledgeDeflections)
    .values({ articleId: id, userId: ctx.actor.id, answeredAt: new Date() })
    .onConflictDoUpdate({
      target: [knowledgeDeflections.articleId, knowledgeDeflections.userId],
      set: { answeredAt: sql`coalesce(${knowledgeDeflections.answeredAt}, now())` },
    });
}
