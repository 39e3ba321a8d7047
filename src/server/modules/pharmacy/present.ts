import type { PersonRef, Previewed } from "./contracts/common.js";
import type { Container } from "./contracts/containers.js";
import type { Lot } from "./contracts/lots.js";
import type { Product } from "./contracts/products.js";
import type { pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

export type ProductRow = typeof pharmacyProducts.$inferSelect;
export type LotRow = typeof pharmacyLots.$inferSelect;
export type ContainerRow = typeof pharmacyContainers.$inferSelect;

export const withPreview = <T extends object>(view: T, preview: boolean): Previewed<T> => ({
  ...view,
  preview,
});

export const presentProduct = (row: ProductRow): Product => ({
  id: row.id,
  name: row.name,
  form: row.form,
  strength: row.strength,
  units: row.units,
  defaultDose: row.defaultDose,
  storageNotes: row.storageNotes,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const presentContainer = (
  row: ContainerRow,
  lot: Pick<LotRow, "lotNumber" | "expiry" | "productId">,
  product: Pick<ProductRow, "name" | "units">,
): Container => ({
  id: row.id,
  barcode: row.barcode,
  status: row.status,
  quantity: row.quantity,
  remaining: row.remaining,
  lotId: row.lotId,
  lotNumber: lot.lotNumber,
  expiry: lot.expiry,
  productId: lot.productId,
  productName: product.name,
  units: product.units,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const presentLot = (
  row: LotRow,
  product: Pick<ProductRow, "name" | "units">,
  receivedBy: PersonRef | null,
  containers: ContainerRow[],
): Lot => ({
  id: row.id,
  productId: row.productId,
  productName: product.name,
  lotNumber: row.lotNumber,
  quantity: row.quantity,
  expiry: row.expiry,
  receivedAt: row.receivedAt.toISOString(),
  receivedBy,
  containers: containers.map((container) => presentContainer(container, row, product)),
});
