import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { ADVISORY_LOCKS, lockForTransaction } from "../../platform/advisory-locks.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { userSummaries } from "../accounts/index.js";
import { createdFields, recordSandboxChanges, type SandboxChange } from "../sandbox/index.js";
import type { Previewed } from "./contracts/common.js";
import type { Lot, ReceiptInput } from "./contracts/lots.js";
import { openPharmacy, openPharmacyForChange } from "./policy.js";
import { type LotRow, presentLot, withPreview } from "./present.js";
import { loadProduct } from "./products.js";
import { pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

export const todayIso = (): string => new Date().toISOString().slice(0, 10);

/** A lot is expired from the day after its expiry date: the expiry date is its last day of use. */
export const isExpired = (expiry: string, today = todayIso()): boolean => expiry < today;

/**
 * The units of each container when `quantity` is split over `containers` as evenly as possible: the
 * first `quantity % containers` hold one unit more.
 */
export function splitQuantity(quantity: number, containers: number): number[] {
  const base = Math.floor(quantity / containers);
  const extra = quantity % containers;
  return Array.from({ length: containers }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The GS1 mod-10 check digit (weights 3 and 1 from the right), so a mistyped barcode value is caught. */
export function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** `PH-` + a 7-digit serial, unique across the instance, + `-` + its check digit: PH-0000012-8. */
export const barcodeFor = (serial: number): string => {
  const digits = String(serial).padStart(7, "0");
  return `PH-${digits}-${checkDigit(digits)}`;
};

/**
 * The next free barcode serial. Receipts take a transaction-scoped advisory lock first, so two
 * receipts at once never read the same highest serial; the unique index is the last word.
 */
async function nextBarcodeSerial(db: Db): Promise<number> {
  await lockForTransaction(db, ADVISORY_LOCKS.barcodeSerial);
  const [row] = await db
    .select({ last: sql<number | null>`max(substring(${pharmacyContainers.barcode} from 4 for 7)::int)` })
    .from(pharmacyContainers);
  return Number(row?.last ?? 0) + 1;
}

const lotTaken = (lotNumber: string, productName: string) =>
  new AppError("conflict", `Lot ${lotNumber} of ${productName} has already been received.`, {
    lotNumber: `Lot ${lotNumber} is already received for this product.`,
  });

/** The lot as its page shows it: the receiver's name and every container, by barcode. */
export async function lotView(db: Db, lot: LotRow): Promise<Lot> {
  const product = await loadProduct(db, lot.productId);
  const containers = await db
    .select()
    .from(pharmacyContainers)
    .where(eq(pharmacyContainers.lotId, lot.id))
    .orderBy(asc(pharmacyContainers.barcode));
  const receiver = (await userSummaries(db, [lot.receivedBy])).get(lot.receivedBy);
  return presentLot(lot, product, receiver ? { id: receiver.id, name: receiver.name } : null, containers);
}

/** A product's lots, newest receipt first, each with its containers. */
export async function listLots(ctx: ActorCtx, productId: string): Promise<{ lots: Lot[]; preview: boolean }> {
  const { preview } = await openPharmacy(ctx);
  const product = await loadProduct(ctx.db, productId);
  const lots = await ctx.db
    .select()
    .from(pharmacyLots)
    .where(eq(pharmacyLots.productId, product.id))
    .orderBy(desc(pharmacyLots.receivedAt));
  const containers = lots.length
    ? await ctx.db
        .select()
        .from(pharmacyContainers)
        .where(
          inArray(
            pharmacyContainers.lotId,
            lots.map((lot) => lot.id),
          ),
        )
        .orderBy(asc(pharmacyContainers.barcode))
    : [];
  const receivers = await userSummaries(
    ctx.db,
    lots.map((lot) => lot.receivedBy),
  );
  return {
    lots: lots.map((lot) => {
      const receiver = receivers.get(lot.receivedBy);
      return presentLot(
        lot,
        product,
        receiver ? { id: receiver.id, name: receiver.name } : null,
        containers.filter((container) => container.lotId === lot.id),
      );
    }),
    preview,
  };
}

/**
 * Receives a lot of a product (pharmacists and staff): the lot, received by the actor, and its
 * quantity split over labelled containers in `receipt`, all audited in one transaction. An expired
 * lot, a receipt time in the future or more containers than units is refused (400 naming the field);
 * a lot number the product already has is 409.
 */
export async function receiveLot(
  ctx: ActorCtx,
  productId: string,
  input: ReceiptInput,
): Promise<Previewed<Lot>> {
  const { preview } = await openPharmacyForChange(ctx);
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : new Date();
  const problems: Record<string, string> = {};
  if (isExpired(input.expiry))
    problems.expiry = `This lot expired on ${input.expiry}; an expired lot cannot be received.`;
  if (receivedAt.getTime() > Date.now()) problems.receivedAt = "The receipt time cannot be in the future.";
  if (input.containers > input.quantity)
    problems.containers = `Every container holds at least 1 unit: ${input.quantity} units fill at most ${input.quantity} containers.`;
  if (Object.keys(problems).length > 0) throw invalid(problems);

  let productName = "this product";
  try {
    const lot = await inTransaction(ctx, async (tx) => {
      // Share-locked so the product cannot be renamed between the receipt and its label.
      const [product] = await tx.db
        .select()
        .from(pharmacyProducts)
        .where(eq(pharmacyProducts.id, productId))
        .for("share");
      if (!product) throw notFound("The product");
      productName = product.name;
      const [existing] = await tx.db
        .select({ id: pharmacyLots.id })
        .from(pharmacyLots)
        .where(and(eq(pharmacyLots.productId, product.id), eq(pharmacyLots.lotNumber, input.lotNumber)));
      if (existing) throw lotTaken(input.lotNumber, product.name);
      const [created] = await tx.db
        .insert(pharmacyLots)
        .values({
          productId: product.id,
          lotNumber: input.lotNumber,
          quantity: input.quantity,
          expiry: input.expiry,
          receivedAt,
          receivedBy: ctx.actor.id,
        })
        .returning();
      if (!created) throw new Error("the lot was not written");
      const firstSerial = await nextBarcodeSerial(tx.db);
      const containers = await tx.db
        .insert(pharmacyContainers)
        .values(
          splitQuantity(input.quantity, input.containers).map((units, i) => ({
            lotId: created.id,
            barcode: barcodeFor(firstSerial + i),
            quantity: units,
            remaining: units,
            status: "receipt" as const,
          })),
        )
        .returning();
      const changes: SandboxChange[] = [
        {
          action: "create",
          recordType: "pharmacy_lot",
          recordId: created.id,
          studyId: null,
          changes: createdFields({
            productId: created.productId,
            lotNumber: created.lotNumber,
            quantity: created.quantity,
            expiry: created.expiry,
            receivedAt: created.receivedAt.toISOString(),
            receivedBy: created.receivedBy,
          }),
          reason: null,
        },
        ...containers.map(
          (container): SandboxChange => ({
            action: "create",
            recordType: "pharmacy_container",
            recordId: container.id,
            studyId: null,
            changes: createdFields({
              lotId: container.lotId,
              barcode: container.barcode,
              quantity: container.quantity,
              remaining: container.remaining,
              status: container.status,
            }),
            reason: null,
          }),
        ),
      ];
      await recordSandboxChanges(tx, changes);
      return created;
    });
    return withPreview(await lotView(ctx.db, lot), preview);
  } catch (error) {
    if (isUniqueViolation(error)) throw lotTaken(input.lotNumber, productName);
    throw error;
  }
}
