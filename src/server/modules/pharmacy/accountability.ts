import { asc, eq, sql } from "drizzle-orm";
import { outer } from "../../db/correlated.js";
import type { ActorCtx } from "../../platform/context.js";
import type { Accountability } from "./contracts/accountability.js";
import type { Previewed } from "./contracts/common.js";
import { isExpired, todayIso } from "./lots.js";
import { openPharmacy } from "./policy.js";
import { presentProduct, withPreview } from "./present.js";
import { loadProduct } from "./products.js";
import { pharmacyContainers, pharmacyDispensations, pharmacyLots } from "./schema.js";

/**
 * A product's accountability: per lot, the units received (the lot's quantity), dispensed (the sum of
 * its containers' dispensations) and on hand (the sum of its containers' remaining units), and their
 * totals. Every draw lowers `remaining` and writes its dispensation in one transaction, so
 * received = dispensed + onHand holds for every lot; the report reads all three in one statement.
 */
export async function productAccountability(
  ctx: ActorCtx,
  productId: string,
): Promise<Previewed<Accountability>> {
  const { preview } = await openPharmacy(ctx);
  const product = await loadProduct(ctx.db, productId);
  // drizzle leaves columns unqualified inside a selected expression, so the outer lot is named in full.
  const onHand = sql<number>`(select coalesce(sum(c.remaining), 0)::int from ${pharmacyContainers} c where c.lot_id = ${outer(pharmacyLots.id)})`;
  const dispensed = sql<number>`(select coalesce(sum(d.quantity), 0)::int from ${pharmacyDispensations} d join ${pharmacyContainers} c on c.id = d.container_id where c.lot_id = ${outer(pharmacyLots.id)})`;
  const rows = await ctx.db
    .select({
      lotId: pharmacyLots.id,
      lotNumber: pharmacyLots.lotNumber,
      expiry: pharmacyLots.expiry,
      received: pharmacyLots.quantity,
      dispensed,
      onHand,
    })
    .from(pharmacyLots)
    .where(eq(pharmacyLots.productId, product.id))
    .orderBy(asc(pharmacyLots.expiry), asc(pharmacyLots.lotNumber));
  const today = todayIso();
  const lots = rows.map((row) => ({
    lotId: row.lotId,
    lotNumber: row.lotNumber,
    expiry: row.expiry,
    expired: isExpired(row.expiry, today),
    received: row.received,
    dispensed: Number(row.dispensed),
    onHand: Number(row.onHand),
  }));
  const total = (field: "received" | "dispensed" | "onHand") =>
    lots.reduce((sum, lot) => sum + lot[field], 0);
  return withPreview(
    {
      product: presentProduct(product),
      received: total("received"),
      dispensed: total("dispensed"),
      onHand: total("onHand"),
      lots,
    },
    preview,
  );
}
