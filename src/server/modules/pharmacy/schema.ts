import { sql } from "drizzle-orm";
import {
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAtSetByService } from "../../db/columns.js";
import type { ContainerStatus } from "./contracts/containers.js";

/** An investigational product of the pharmacy preview. */
export const pharmacyProducts = pgTable("pharmacy_products", {
  id: id(),
  name: text("name").notNull().unique(),
  /** Tablet, capsule, oral solution, injection... */
  form: text("form").notNull(),
  strength: text("strength").notNull(),
  /** What one unit counted in stock is: tablet, capsule, vial, mL. */
  units: text("units").notNull(),
  defaultDose: text("default_dose").notNull(),
  storageNotes: text("storage_notes").notNull().default(""),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAtSetByService(),
});

/** A lot received into the pharmacy; its quantity is split over its containers at receipt. */
export const pharmacyLots = pgTable(
  "pharmacy_lots",
  {
    id: id(),
    productId: uuid("product_id")
      .notNull()
      .references(() => pharmacyProducts.id),
    lotNumber: text("lot_number").notNull(),
    quantity: integer("quantity").notNull(),
    expiry: date("expiry", { mode: "string" }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    receivedBy: uuid("received_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("pharmacy_lots_number_idx").on(t.productId, t.lotNumber),
    check("pharmacy_lots_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

/**
 * A labelled container of one lot. Moves receipt -> storage -> dispense; doses are drawn only from a
 * container in dispense. `remaining` never goes below zero (a check, and the row lock when drawing).
 */
export const pharmacyContainers = pgTable(
  "pharmacy_containers",
  {
    id: id(),
    lotId: uuid("lot_id")
      .notNull()
      .references(() => pharmacyLots.id),
    barcode: text("barcode").notNull().unique(),
    quantity: integer("quantity").notNull(),
    remaining: integer("remaining").notNull(),
    status: text("status").$type<ContainerStatus>().notNull().default("receipt"),
    createdAt: createdAt(),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [
    index("pharmacy_containers_lot_idx").on(t.lotId),
    check(
      "pharmacy_containers_remaining_in_range",
      sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.quantity}`,
    ),
  ],
);

/** A dose given to an enrolled subject from a container; with a reason when it is not the cohort's dose. */
export const pharmacyDispensations = pgTable(
  "pharmacy_dispensations",
  {
    id: id(),
    containerId: uuid("container_id")
      .notNull()
      .references(() => pharmacyContainers.id),
    enrolmentId: uuid("enrolment_id").notNull(),
    /** Units drawn from the container. */
    quantity: integer("quantity").notNull(),
    dose: text("dose").notNull(),
    doseReason: text("dose_reason"),
    dispensedBy: uuid("dispensed_by").notNull(),
    dispensedAt: timestamp("dispensed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("pharmacy_dispensations_container_idx").on(t.containerId),
    index("pharmacy_dispensations_enrolment_idx").on(t.enrolmentId),
    check("pharmacy_dispensations_quantity_positive", sql`${t.quantity} > 0`),
  ],
);
