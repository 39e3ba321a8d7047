import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, notFound } from "../../platform/errors.js";
import { recordSandboxChange } from "../sandbox/index.js";
import type { Previewed } from "./contracts/common.js";
import type { Container, ContainerFilters, ContainerStatus } from "./contracts/containers.js";
import { openPharmacy, openPharmacyForChange } from "./policy.js";
import { presentContainer, withPreview } from "./present.js";
import { pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

/** The one move each status allows: receipt -> storage -> dispense; a container in dispense stays there. */
const nextStatus: Record<ContainerStatus, ContainerStatus | null> = {
  receipt: "storage",
  storage: "dispense",
  dispense: null,
};

async function selectContainers(db: Db, where: SQL | undefined): Promise<Container[]> {
  const rows = await db
    .select({ container: pharmacyContainers, lot: pharmacyLots, product: pharmacyProducts })
    .from(pharmacyContainers)
    .innerJoin(pharmacyLots, eq(pharmacyLots.id, pharmacyContainers.lotId))
    .innerJoin(pharmacyProducts, eq(pharmacyProducts.id, pharmacyLots.productId))
    .where(where)
    .orderBy(asc(pharmacyContainers.barcode));
  return rows.map((row) => presentContainer(row.container, row.lot, row.product));
}

export async function containerView(db: Db, id: string): Promise<Container> {
  const [view] = await selectContainers(db, eq(pharmacyContainers.id, id));
  if (!view) throw notFound("The container");
  return view;
}

/** Containers by barcode, filtered by product, lot and status. */
export async function listContainers(
  ctx: ActorCtx,
  filters: ContainerFilters,
): Promise<{ containers: Container[]; preview: boolean }> {
  const { preview } = await openPharmacy(ctx);
  const conditions: SQL[] = [];
  if (filters.productId) conditions.push(eq(pharmacyLots.productId, filters.productId));
  if (filters.lotId) conditions.push(eq(pharmacyContainers.lotId, filters.lotId));
  if (filters.status) conditions.push(eq(pharmacyContainers.status, filters.status));
  return { containers: await selectContainers(ctx.db, and(...conditions)), preview };
}

export async function getContainer(ctx: ActorCtx, id: string): Promise<Previewed<Container>> {
  const { preview } = await openPharmacy(ctx);
  return withPreview(await containerView(ctx.db, id), preview);
}

/**
 * Moves a container one step along receipt -> storage -> dispense (pharmacists and staff), the
 * container locked and the move audited; any other move is 409 naming the step it may take.
 */
export async function moveContainer(
  ctx: ActorCtx,
  id: string,
  to: ContainerStatus,
): Promise<Previewed<Container>> {
  const { preview } = await openPharmacyForChange(ctx);
  await inTransaction(ctx, async (tx) => {
    const [container] = await tx.db
      .select()
      .from(pharmacyContainers)
      .where(eq(pharmacyContainers.id, id))
      .for("update");
    if (!container) throw notFound("The container");
    const allowed = nextStatus[container.status];
    if (allowed !== to)
      throw new AppError(
        "conflict",
        allowed
          ? `Container ${container.barcode} is in ${container.status}: it moves to ${allowed} next, not to ${to}.`
          : `Container ${container.barcode} is in ${container.status} already: it does not move again.`,
        { to: allowed ? `Move it to ${allowed}.` : "This container does not move any more." },
      );
    await tx.db
      .update(pharmacyContainers)
      .set({ status: to, updatedAt: new Date() })
      .where(eq(pharmacyContainers.id, id));
    await recordSandboxChange(tx, {
      action: "update",
      recordType: "pharmacy_container",
      recordId: id,
      studyId: null,
      changes: [{ field: "status", oldValue: container.status, newValue: to }],
      reason: null,
    });
  });
  return withPreview(await containerView(ctx.db, id), preview);
}
