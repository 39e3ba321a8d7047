import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type Actor, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, notFound } from "../../platform/errors.js";
import { recordSandboxChange } from "../sandbox/index.js";
import { openPharmacy, openPharmacyForChange } from "./policy.js";
import { type ContainerView, type Previewed, presentContainer, withPreview } from "./present.js";
import { type ContainerStatus, pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

export type ContainerFilters = { productId?: string; lotId?: string; status?: ContainerStatus };

/** The one move each status allows: receipt -> storage -> dispense; a container in dispense stays there. */
const nextStatus: Record<ContainerStatus, ContainerStatus | null> = {
  receipt: "storage",
  storage: "dispense",
  dispense: null,
};

async function selectContainers(db: Db, where: SQL | undefined): Promise<ContainerView[]> {
  const rows = await db
    .select({ container: pharmacyContainers, lot: pharmacyLots, product: pharmacyProducts })
    .from(pharmacyContainers)
    .innerJoin(pharmacyLots, eq(pharmacyLots.id, pharmacyContainers.lotId))
    .innerJoin(pharmacyProducts, eq(pharmacyProducts.id, pharmacyLots.productId))
    .where(where)
    .orderBy(asc(pharmacyContainers.barcode));
  return rows.map((row) => presentContainer(row.container, row.lot, row.product));
}

export async function containerView(db: Db, id: string): Promise<ContainerView> {
  const [view] = await selectContainers(db, eq(pharmacyContainers.id, id));
  if (!view) throw notFound("The container");
  return view;
}

/** Containers by barcode, filtered by product, lot and status. */
export async function listContainers(
  ctx: Ctx,
  actor: Actor,
  filters: ContainerFilters,
): Promise<{ containers: ContainerView[]; preview: boolean }> {
  const { preview } = await openPharmacy(ctx, actor);
  const conditions: SQL[] = [];
  if (filters.productId) conditions.push(eq(pharmacyLots.productId, filters.productId));
  if (filters.lotId) conditions.push(eq(pharmacyContainers.lotId, filters.lotId));
  if (filters.status) conditions.push(eq(pharmacyContainers.status, filters.status));
  return { containers: await selectContainers(ctx.db, and(...conditions)), preview };
}

export async function getContainer(ctx: Ctx, actor: Actor, id: string): Promise<Previewed<ContainerView>> {
  const { preview } = await openPharmacy(ctx, actor);
  return withPreview(await containerView(ctx.db, id), preview);
}

/**
 * Moves a container one step along receipt -> storage -> dispense (pharmacists and staff), the
 * container locked and the move audited; any other move is 409 naming the step it may take.
 */
export async function moveContainer(
  ctx: Ctx,
  actor: Actor,
  id: string,
  to: ContainerStatus,
): Promise<Previewed<ContainerView>> {
  const { preview } = await openPharmacyForChange(ctx, actor);
  await inTransaction({ ...ctx, actor }, async (tx) => {
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
