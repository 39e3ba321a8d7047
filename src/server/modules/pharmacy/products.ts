import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, notFound } from "../../platform/errors.js";
import { createdFields, diffFields, recordSandboxChange } from "../sandbox/index.js";
import type { Previewed } from "./contracts/common.js";
import type { Product, ProductChanges, ProductInput } from "./contracts/products.js";
import { openPharmacy, openPharmacyForChange } from "./policy.js";
import { type ProductRow, presentProduct, withPreview } from "./present.js";
import { pharmacyProducts } from "./schema.js";

const nameTaken = (name: string) =>
  new AppError("conflict", `There is already a product named ${name}.`, {
    name: `${name} is already the name of another product.`,
  });

/** Names are compared without regard to case, so "NWX-12 10 mg tablet" cannot be added twice by typing. */
async function assertNameFree(db: Db, name: string, exceptId?: string): Promise<void> {
  const [other] = await db
    .select({ id: pharmacyProducts.id })
    .from(pharmacyProducts)
    .where(
      and(
        sql`lower(${pharmacyProducts.name}) = lower(${name})`,
        exceptId ? ne(pharmacyProducts.id, exceptId) : undefined,
      ),
    );
  if (other) throw nameTaken(name);
}

export async function loadProduct(db: Db, id: string, lock = false): Promise<ProductRow> {
  const query = db.select().from(pharmacyProducts).where(eq(pharmacyProducts.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The product");
  return row;
}

/** Every product, by name: the pharmacy is shared by the whole instance. */
export async function listProducts(ctx: ActorCtx): Promise<{ products: Product[]; preview: boolean }> {
  const { preview } = await openPharmacy(ctx);
  const rows = await ctx.db.select().from(pharmacyProducts).orderBy(asc(pharmacyProducts.name));
  return { products: rows.map(presentProduct), preview };
}

export async function getProduct(ctx: ActorCtx, id: string): Promise<Previewed<Product>> {
  const { preview } = await openPharmacy(ctx);
  return withPreview(presentProduct(await loadProduct(ctx.db, id)), preview);
}

/** Adds an investigational product (pharmacists and staff); its fields start its audit trail. */
export async function createProduct(ctx: ActorCtx, input: ProductInput): Promise<Previewed<Product>> {
  const { preview } = await openPharmacyForChange(ctx);
  try {
    const row = await inTransaction(ctx, async (tx) => {
      await assertNameFree(tx.db, input.name);
      const [created] = await tx.db
        .insert(pharmacyProducts)
        .values({ ...input, createdBy: ctx.actor.id })
        .returning();
      if (!created) throw new Error("the product was not written");
      await recordSandboxChange(tx, {
        action: "create",
        recordType: "pharmacy_product",
        recordId: created.id,
        studyId: null,
        changes: createdFields({ ...input }),
        reason: null,
      });
      return created;
    });
    return withPreview(presentProduct(row), preview);
  } catch (error) {
    // Two people adding the same name at once: the unique index decides, with the same 409.
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/** Changes a product's fields (pharmacists and staff), each change audited with the reason given. */
export async function updateProduct(
  ctx: ActorCtx,
  id: string,
  { reason, ...changes }: ProductChanges,
): Promise<Previewed<Product>> {
  const { preview } = await openPharmacyForChange(ctx);
  try {
    const row = await inTransaction(ctx, async (tx) => {
      const before = await loadProduct(tx.db, id, true);
      if (changes.name !== undefined) await assertNameFree(tx.db, changes.name, id);
      const changed = diffFields(
        {
          name: before.name,
          form: before.form,
          strength: before.strength,
          units: before.units,
          defaultDose: before.defaultDose,
          storageNotes: before.storageNotes,
        },
        changes,
      );
      if (changed.length === 0) return before;
      const [updated] = await tx.db
        .update(pharmacyProducts)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(pharmacyProducts.id, id))
        .returning();
      if (!updated) throw notFound("The product");
      await recordSandboxChange(tx, {
        action: "update",
        recordType: "pharmacy_product",
        recordId: id,
        studyId: null,
        changes: changed,
        reason: reason?.trim() || null,
      });
      return updated;
    });
    return withPreview(presentProduct(row), preview);
  } catch (error) {
    if (isUniqueViolation(error) && changes.name) throw nameTaken(changes.name);
    throw error;
  }
}
