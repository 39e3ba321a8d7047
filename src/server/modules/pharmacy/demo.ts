import { type ActorCtx, actingAs } from "../../platform/context.js";
import { asSeeder } from "../sandbox/index.js";
import { moveContainer } from "./containers.js";
import type { ProductInput } from "./contracts/products.js";
import { receiveLot } from "./lots.js";
import { createProduct } from "./products.js";

const DAY_MS = 86_400_000;
/** Demo lots expire well after the day the demo is built, so they can be dispensed from at once. */
const expiryIn = (days: number): string => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

type DemoProduct = ProductInput & {
  lot: { lotNumber: string; quantity: number; containers: number };
  /** How many of the lot's containers go on to storage, and how many of those on to dispense. */
  stored: number;
  dispensable: number;
};

/** The investigational products of the demo studies: NW-101's two cohorts' NWX-12 and CT-204's CTX-7. */
export const demoProducts: DemoProduct[] = [
  {
    name: "NWX-12 10 mg tablet",
    form: "tablet",
    strength: "10 mg",
    units: "tablet",
    defaultDose: "10 mg NWX-12 oral",
    storageNotes: "Store at 15–25 °C in the original container; protect from moisture.",
    lot: { lotNumber: "NW12-10-A01", quantity: 120, containers: 4 },
    stored: 2,
    dispensable: 1,
  },
  {
    name: "NWX-12 30 mg tablet",
    form: "tablet",
    strength: "30 mg",
    units: "tablet",
    defaultDose: "30 mg NWX-12 oral",
    storageNotes: "Store at 15–25 °C in the original container; protect from moisture.",
    lot: { lotNumber: "NW12-30-A01", quantity: 60, containers: 2 },
    stored: 1,
    dispensable: 1,
  },
  {
    name: "CTX-7 5 mg capsule",
    form: "capsule",
    strength: "5 mg",
    units: "capsule",
    defaultDose: "5 mg CTX-7 twice daily",
    storageNotes: "Store refrigerated at 2–8 °C; do not freeze.",
    lot: { lotNumber: "CT7-05-B01", quantity: 48, containers: 1 },
    stored: 0,
    dispensable: 0,
  },
];

/**
 * The demo pharmacy, built by staff through the services (so the audit trail has it): the products,
 * one lot of each split over containers, some moved on to storage and dispense. Needs the `pharmacy`
 * flag in preview or on, as the demo deployment leaves it.
 */
export async function seedDemoPharmacy(staff: ActorCtx): Promise<void> {
  const ctx = actingAs(staff, asSeeder(staff.actor));
  for (const { lot, stored, dispensable, ...input } of demoProducts) {
    const product = await createProduct(ctx, input);
    const received = await receiveLot(ctx, product.id, { ...lot, expiry: expiryIn(540) });
    for (const [i, container] of received.containers.entries()) {
      if (i < stored) await moveContainer(ctx, container.id, "storage");
      if (i < dispensable) await moveContainer(ctx, container.id, "dispense");
    }
  }
}
