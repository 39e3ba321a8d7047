import type { ContainerStatus, pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

export type ProductRow = typeof pharmacyProducts.$inferSelect;
export type LotRow = typeof pharmacyLots.$inferSelect;
export type ContainerRow = typeof pharmacyContainers.$inferSelect;

/**
 * Every pharmacy answer says whether the feature is in preview, so a page can show the
 * "preview — not validated" marker next to what it shows.
 */
export type Previewed<T> = T & { preview: boolean };
export const withPreview = <T extends object>(view: T, preview: boolean): Previewed<T> => ({
  ...view,
  preview,
});

export type PersonRef = { id: string; name: string };

export type ProductView = {
  id: string;
  name: string;
  form: string;
  strength: string;
  units: string;
  defaultDose: string;
  storageNotes: string;
  createdAt: string;
  updatedAt: string;
};

export const presentProduct = (row: ProductRow): ProductView => ({
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

export type ContainerView = {
  id: string;
  barcode: string;
  status: ContainerStatus;
  quantity: number;
  remaining: number;
  lotId: string;
  lotNumber: string;
  expiry: string;
  productId: string;
  productName: string;
  units: string;
  createdAt: string;
  updatedAt: string;
};

export const presentContainer = (
  row: ContainerRow,
  lot: Pick<LotRow, "lotNumber" | "expiry" | "productId">,
  product: Pick<ProductRow, "name" | "units">,
): ContainerView => ({
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

export type LotView = {
  id: string;
  productId: string;
  productName: string;
  lotNumber: string;
  quantity: number;
  expiry: string;
  receivedAt: string;
  receivedBy: PersonRef | null;
  containers: ContainerView[];
};

export const presentLot = (
  row: LotRow,
  product: Pick<ProductRow, "name" | "units">,
  receivedBy: PersonRef | null,
  containers: ContainerRow[],
): LotView => ({
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

export type DispensationView = {
  id: string;
  containerId: string;
  barcode: string;
  lotNumber: string;
  productId: string;
  productName: string;
  enrolmentId: string;
  studyId: string | null;
  protocolNumber: string | null;
  subjectNumber: string | null;
  quantity: number;
  dose: string;
  doseReason: string | null;
  dispensedBy: PersonRef | null;
  dispensedAt: string;
};

export type LotAccountability = {
  lotId: string;
  lotNumber: string;
  expiry: string;
  expired: boolean;
  received: number;
  dispensed: number;
  onHand: number;
};

/** Units in and out of one product: `received` always equals `dispensed + onHand`, overall and per lot. */
export type AccountabilityView = {
  product: ProductView;
  received: number;
  dispensed: number;
  onHand: number;
  lots: LotAccountability[];
};
