import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, requiredText, someChange } from "../../../../shared/fields.js";

const tag = "knowledge";

const categoryName = requiredText("Name the category.", 80);
export const categoryInput = z.object({ name: categoryName });
export type CategoryInput = z.output<typeof categoryInput>;
export const categoryChanges = someChange({
  name: categoryName.optional(),
  /** Where the category goes in the list, 0 first; a number past the end puts it last. */
  position: z
    .number({ error: "Give the position as a number." })
    .int("Give the position as a whole number.")
    .min(0, "Positions start at 0.")
    .optional(),
});
export type CategoryChanges = z.output<typeof categoryChanges>;

export const category = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number(),
  /** The articles in it that the caller may read. */
  articleCount: z.number(),
});
export type Category = z.infer<typeof category>;
const categoryList = z.object({ categories: z.array(category) });

export const listCategories = operation({
  operationId: "listKnowledgeCategories",
  summary: "The knowledge base's categories in their order, with how many articles the caller may read",
  method: "GET",
  path: "/api/knowledge/categories",
  access: "member",
  tag,
  response: categoryList,
});

export const createCategory = operation({
  operationId: "createKnowledgeCategory",
  summary: "Add a category at the end of the list",
  method: "POST",
  path: "/api/admin/knowledge/categories",
  access: "staff",
  tag,
  body: categoryInput,
  response: category,
  status: 201,
});

export const updateCategory = operation({
  operationId: "updateKnowledgeCategory",
  summary: "Rename a category or move it in the list",
  method: "PATCH",
  path: "/api/admin/knowledge/categories/:id",
  access: "staff",
  tag,
  params: idParam,
  body: categoryChanges,
  response: categoryList,
});

/** Categories were added, renamed or reordered: everyone signed in sees the list. */
export const categoriesChanged = defineEvent<Record<string, never>>("knowledge.categories");
