import { asc, count, eq, sql } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import {
  type Category,
  type CategoryChanges,
  type CategoryInput,
  categoriesChanged,
} from "./contracts/categories.js";
import { readableArticles } from "./policy.js";
import { type CategoryRow, presentCategory } from "./present.js";
import { knowledgeArticles, knowledgeCategories } from "./schema.js";

const nameTaken = (name: string) =>
  new AppError("conflict", `There is already a category called ${name}.`, {
    name: `${name} is already a category.`,
  });

/** Every category in its order, each with the number of articles the actor may read in it. */
export async function listCategories(ctx: ActorCtx): Promise<Category[]> {
  const rows = await ctx.db
    .select()
    .from(knowledgeCategories)
    .orderBy(asc(knowledgeCategories.position), asc(knowledgeCategories.name));
  const counts = await ctx.db
    .select({ categoryId: knowledgeArticles.categoryId, articles: count() })
    .from(knowledgeArticles)
    .where(readableArticles(ctx.actor))
    .groupBy(knowledgeArticles.categoryId);
  const byCategory = new Map(counts.map((row) => [row.categoryId, row.articles]));
  return rows.map((row) => presentCategory(row, byCategory.get(row.id) ?? 0));
}

export async function loadCategory(ctx: ActorCtx, id: string): Promise<CategoryRow> {
  const [row] = await ctx.db.select().from(knowledgeCategories).where(eq(knowledgeCategories.id, id));
  if (!row) throw notFound("The category");
  return row;
}

/** The category an article is put in, or a field error naming `categoryId`. */
export async function categoryForArticle(ctx: ActorCtx, id: string): Promise<CategoryRow> {
  const [row] = await ctx.db.select().from(knowledgeCategories).where(eq(knowledgeCategories.id, id));
  if (!row) throw invalid({ categoryId: "Choose one of the knowledge base's categories." });
  return row;
}

export async function createCategory(ctx: ActorCtx, input: CategoryInput): Promise<Category> {
  try {
    const row = await inTransaction(ctx, async (tx) => {
      const [created] = await tx.db
        .insert(knowledgeCategories)
        .values({
          name: input.name,
          position: sql`(select coalesce(max(${knowledgeCategories.position}) + 1, 0) from ${knowledgeCategories})`,
        })
        .returning();
      if (!created) throw new Error("category row was not written");
      await recordAudit(tx, {
        action: "knowledge.category_created",
        targetType: "knowledge_category",
        targetId: created.id,
        details: { name: input.name },
      });
      await publishEvent(tx, categoriesChanged, { everyone: true }, {});
      return created;
    });
    return presentCategory(row, 0);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/**
 * Renames a category or moves it to `position` in the list; the others close up behind it, so
 * positions stay 0, 1, 2… Answers the whole list, as the staff's ordering sees it.
 */
export async function updateCategory(
  ctx: ActorCtx,
  id: string,
  changes: CategoryChanges,
): Promise<Category[]> {
  try {
    await inTransaction(ctx, async (tx) => {
      // One ordering at a time: two moves at once would each renumber from what they read.
      const ordered = await tx.db
        .select()
        .from(knowledgeCategories)
        .orderBy(asc(knowledgeCategories.position), asc(knowledgeCategories.name))
        .for("update");
      const row = ordered.find((category) => category.id === id);
      if (!row) throw notFound("The category");
      if (changes.name !== undefined && changes.name !== row.name) {
        await tx.db
          .update(knowledgeCategories)
          .set({ name: changes.name })
          .where(eq(knowledgeCategories.id, id));
      }
      if (changes.position !== undefined) {
        const others = ordered.filter((category) => category.id !== id);
        others.splice(Math.min(changes.position, others.length), 0, row);
        for (const [position, category] of others.entries()) {
          if (category.position !== position) {
            await tx.db
              .update(knowledgeCategories)
              .set({ position })
              .where(eq(knowledgeCategories.id, category.id));
          }
        }
      }
      await recordAudit(tx, {
        action: "knowledge.category_updated",
        targetType: "knowledge_category",
        targetId: id,
        details: { name: changes.name ?? row.name, changed: Object.keys(changes).sort() },
      });
      await publishEvent(tx, categoriesChanged, { everyone: true }, {});
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.name) throw nameTaken(changes.name);
    throw error;
  }
  return listCategories(ctx);
}
