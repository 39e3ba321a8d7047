import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { base, pharmacyErrors, preview, tag } from "./common.js";
import { product } from "./products.js";

const balance = { received: z.number(), dispensed: z.number(), onHand: z.number() };
export const lotAccountability = z.object({
  lotId: z.string(),
  lotNumber: z.string(),
  expiry: z.string(),
  expired: z.boolean(),
  ...balance,
});
export type LotAccountability = z.infer<typeof lotAccountability>;
/** Units in and out of one product: `received` always equals `dispensed + onHand`, overall and per lot. */
export const accountability = z.object({ product, ...balance, lots: z.array(lotAccountability) });
export type Accountability = z.infer<typeof accountability>;

export const productAccountability = operation({
  operationId: "getPharmacyProductAccountability",
  summary: "Units received, dispensed and on hand of a product, per lot and in total",
  method: "GET",
  path: `${base}/products/:id/accountability`,
  access: "member",
  tag,
  params: idParam,
  response: accountability.extend(preview),
  errors: pharmacyErrors,
});
