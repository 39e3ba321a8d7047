import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText } from "../../../../shared/fields.js";
import { base, pharmacyErrors, preview, reasonField, tag } from "./common.js";

// --- input ---

const productFields = {
  name: requiredText("Enter the product name.", 120),
  form: requiredText("Enter the form (tablet, capsule, oral solution...).", 60),
  strength: requiredText("Enter the strength.", 60),
  units: requiredText("Enter the unit counted in stock (tablet, vial, mL...).", 30),
  defaultDose: requiredText("Enter the default dose.", 120),
  storageNotes: z
    .string({ error: "Write the storage notes as text." })
    .trim()
    .max(1000, "Use at most 1,000 characters."),
};
export const productInput = z.object({
  ...productFields,
  storageNotes: productFields.storageNotes.default(""),
});
export type ProductInput = z.output<typeof productInput>;
/** A change must touch a field; a reason alone changes nothing. */
export const productChanges = z
  .object({
    name: productFields.name.optional(),
    form: productFields.form.optional(),
    strength: productFields.strength.optional(),
    units: productFields.units.optional(),
    defaultDose: productFields.defaultDose.optional(),
    storageNotes: productFields.storageNotes.optional(),
    reason: reasonField.optional(),
  })
  .refine(
    ({ reason: _reason, ...changes }) => Object.values(changes).some((value) => value !== undefined),
    "Say what to change.",
  );
export type ProductChanges = z.output<typeof productChanges>;

// --- output ---

export const product = z.object({
  id: z.string(),
  name: z.string(),
  form: z.string(),
  strength: z.string(),
  units: z.string(),
  defaultDose: z.string(),
  storageNotes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof product>;
const previewedProduct = product.extend(preview);

// --- operations ---

export const listProducts = operation({
  operationId: "listPharmacyProducts",
  summary: "Every investigational product, by name",
  method: "GET",
  path: `${base}/products`,
  access: "member",
  tag,
  response: z.object({ products: z.array(product), ...preview }),
  errors: pharmacyErrors,
});

export const createProduct = operation({
  operationId: "createPharmacyProduct",
  summary: "Add an investigational product",
  method: "POST",
  path: `${base}/products`,
  access: "member",
  tag,
  body: productInput,
  response: previewedProduct,
  status: 201,
  errors: pharmacyErrors,
});

export const getProduct = operation({
  operationId: "getPharmacyProduct",
  summary: "One investigational product",
  method: "GET",
  path: `${base}/products/:id`,
  access: "member",
  tag,
  params: idParam,
  response: previewedProduct,
  errors: pharmacyErrors,
});

export const updateProduct = operation({
  operationId: "updatePharmacyProduct",
  summary: "Change a product's fields, with a reason for the audit trail",
  method: "PATCH",
  path: `${base}/products/:id`,
  access: "member",
  tag,
  params: idParam,
  body: productChanges,
  response: previewedProduct,
  errors: pharmacyErrors,
});
