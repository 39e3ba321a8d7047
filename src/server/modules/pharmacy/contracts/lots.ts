import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { base, personRef, pharmacyErrors, preview, tag, wholeUnits } from "./common.js";
import { container } from "./containers.js";

export const MAX_CONTAINERS_PER_LOT = 500;

// --- input (expiry and receipt time against today are checked by the service, naming the field) ---

const containerCount = `Enter 1 to ${MAX_CONTAINERS_PER_LOT} containers.`;
export const receiptInput = z.object({
  lotNumber: z
    .string({ error: "Enter the lot number." })
    .trim()
    .toUpperCase()
    .min(1, "Enter the lot number.")
    .max(30, "Use at most 30 characters.")
    .regex(/^[A-Z0-9][A-Z0-9./-]*$/, "Use letters, digits, dots, slashes and dashes (L2026-04A)."),
  quantity: wholeUnits("Enter the units received as a whole number of 1 or more.").max(
    1_000_000,
    "Enter at most 1,000,000 units.",
  ),
  /** YYYY-MM-DD: the last day the lot may be dispensed. */
  expiry: z.iso.date({ error: "Enter the expiry date as YYYY-MM-DD." }),
  receivedAt: z.iso
    .datetime({ offset: true, error: "Enter the receipt time as an ISO 8601 date and time." })
    .optional(),
  /** How many containers the quantity is split over. */
  containers: z
    .number({ error: containerCount })
    .int(containerCount)
    .min(1, containerCount)
    .max(MAX_CONTAINERS_PER_LOT, containerCount)
    .default(1),
});
export type ReceiptInput = z.output<typeof receiptInput>;

// --- output ---

export const lot = z.object({
  id: z.string(),
  productId: z.string(),
  productName: z.string(),
  lotNumber: z.string(),
  quantity: z.number(),
  expiry: z.string(),
  receivedAt: z.string(),
  receivedBy: personRef.nullable(),
  containers: z.array(container),
});
export type Lot = z.infer<typeof lot>;

// --- operations ---

export const listLots = operation({
  operationId: "listPharmacyLots",
  summary: "A product's lots, newest receipt first, each with its containers",
  method: "GET",
  path: `${base}/products/:id/lots`,
  access: "member",
  tag,
  params: idParam,
  response: z.object({ lots: z.array(lot), ...preview }),
  errors: pharmacyErrors,
});

export const receiveLot = operation({
  operationId: "receivePharmacyLot",
  summary: "Receive a lot of a product, split over labelled containers",
  method: "POST",
  path: `${base}/products/:id/lots`,
  access: "member",
  tag,
  params: idParam,
  body: receiptInput,
  response: lot.extend(preview),
  status: 201,
  errors: pharmacyErrors,
});
