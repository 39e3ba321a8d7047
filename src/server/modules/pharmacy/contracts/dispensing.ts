import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { requiredText } from "../../../../shared/fields.js";
import { base, personRef, pharmacyErrors, preview, reasonField, tag, wholeUnits } from "./common.js";

// --- input ---

export const dispensationInput = z.object({
  containerId: z.uuid({ error: "Choose a container." }),
  enrolmentId: z.uuid({ error: "Choose a subject." }),
  /** Units drawn from the container. */
  quantity: wholeUnits("Enter the units to dispense as a whole number of 1 or more.").max(
    10_000,
    "Enter at most 10,000 units.",
  ),
  dose: requiredText("Enter the dose.", 120),
  /** Needed when the dose is not the cohort's. */
  doseReason: reasonField.optional(),
});
export type DispensationInput = z.output<typeof dispensationInput>;
export const dispensationFilters = z.object({
  enrolmentId: z.uuid({ error: "Not a valid enrolment id." }).optional(),
  productId: z.uuid({ error: "Not a valid product id." }).optional(),
});
export type DispensationFilters = z.output<typeof dispensationFilters>;

// --- output ---

export const dispensation = z.object({
  id: z.string(),
  containerId: z.string(),
  barcode: z.string(),
  lotNumber: z.string(),
  productId: z.string(),
  productName: z.string(),
  enrolmentId: z.string(),
  studyId: z.string().nullable(),
  protocolNumber: z.string().nullable(),
  subjectNumber: z.string().nullable(),
  quantity: z.number(),
  dose: z.string(),
  doseReason: z.string().nullable(),
  dispensedBy: personRef.nullable(),
  dispensedAt: z.string(),
});
export type Dispensation = z.infer<typeof dispensation>;

// --- operations ---

export const listDispensations = operation({
  operationId: "listPharmacyDispensations",
  summary: "Dispensations, newest first (the latest 1,000), by subject and product",
  method: "GET",
  path: `${base}/dispensations`,
  access: "member",
  tag,
  query: dispensationFilters,
  response: z.object({ dispensations: z.array(dispensation), ...preview }),
  errors: pharmacyErrors,
});

export const dispense = operation({
  operationId: "dispensePharmacyDose",
  summary: "Dispense a dose to an enrolled subject from a container in dispense",
  method: "POST",
  path: `${base}/dispensations`,
  access: "member",
  tag,
  body: dispensationInput,
  response: dispensation.extend(preview),
  status: 201,
  errors: pharmacyErrors,
});
