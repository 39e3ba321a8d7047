import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { contextOf, requireActor } from "../../platform/auth/http.js";
import { idParam, typed } from "../../platform/http.js";
import { productAccountability } from "./accountability.js";
import { getContainer, listContainers, moveContainer } from "./containers.js";
import { dispense, listDispensations } from "./dispensing.js";
import { containerLabel } from "./label.js";
import { listLots, MAX_CONTAINERS_PER_LOT, receiveLot } from "./lots.js";
import { createProduct, getProduct, listProducts, updateProduct } from "./products.js";
import { containerStatuses } from "./schema.js";

// --- input (expiry and receipt time against today are checked by the service, naming the field) ---

const text = (what: string, max: number) =>
  z
    .string({ error: `Enter the ${what}.` })
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(max, `Use at most ${max} characters.`);
const productFields = {
  name: text("product name", 120),
  form: text("form (tablet, capsule, oral solution...)", 60),
  strength: text("strength", 60),
  units: text("unit counted in stock (tablet, vial, mL...)", 30),
  defaultDose: text("default dose", 120),
  storageNotes: z
    .string({ error: "Write the storage notes as text." })
    .trim()
    .max(1000, "Use at most 1,000 characters."),
};
const reasonField = z.string({ error: "Give a reason." }).trim().max(1000, "Use at most 1,000 characters.");
const productInput = z.object({ ...productFields, storageNotes: productFields.storageNotes.default("") });
const productChanges = z
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
const wholeUnits = (message: string) => z.number({ error: message }).int(message).min(1, message);
const receiptInput = z.object({
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
  expiry: z.iso.date({ error: "Enter the expiry date as YYYY-MM-DD." }),
  receivedAt: z.iso
    .datetime({ offset: true, error: "Enter the receipt time as an ISO 8601 date and time." })
    .optional(),
  containers: z
    .number({ error: `Enter 1 to ${MAX_CONTAINERS_PER_LOT} containers.` })
    .int(`Enter 1 to ${MAX_CONTAINERS_PER_LOT} containers.`)
    .min(1, `Enter 1 to ${MAX_CONTAINERS_PER_LOT} containers.`)
    .max(MAX_CONTAINERS_PER_LOT, `Enter 1 to ${MAX_CONTAINERS_PER_LOT} containers.`)
    .default(1),
});
const moveInput = z.object({
  to: z.enum(["storage", "dispense"], { error: "Choose where to move it: storage or dispense." }),
});
const containerQuery = z.object({
  productId: z.uuid({ error: "Not a valid product id." }).optional(),
  lotId: z.uuid({ error: "Not a valid lot id." }).optional(),
  status: z.enum(containerStatuses, { error: "Choose a status: receipt, storage or dispense." }).optional(),
});
const dispensationInput = z.object({
  containerId: z.uuid({ error: "Choose a container." }),
  enrolmentId: z.uuid({ error: "Choose a subject." }),
  quantity: wholeUnits("Enter the units to dispense as a whole number of 1 or more.").max(
    10_000,
    "Enter at most 10,000 units.",
  ),
  dose: text("dose", 120),
  doseReason: reasonField.optional(),
});
const dispensationQuery = z.object({
  enrolmentId: z.uuid({ error: "Not a valid enrolment id." }).optional(),
  productId: z.uuid({ error: "Not a valid product id." }).optional(),
});

// --- output ---

const preview = { preview: z.boolean() };
const personRef = z.object({ id: z.string(), name: z.string() });
const productSchema = z.object({
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
const containerSchema = z.object({
  id: z.string(),
  barcode: z.string(),
  status: z.enum(containerStatuses),
  quantity: z.number(),
  remaining: z.number(),
  lotId: z.string(),
  lotNumber: z.string(),
  expiry: z.string(),
  productId: z.string(),
  productName: z.string(),
  units: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const lotSchema = z.object({
  id: z.string(),
  productId: z.string(),
  productName: z.string(),
  lotNumber: z.string(),
  quantity: z.number(),
  expiry: z.string(),
  receivedAt: z.string(),
  receivedBy: personRef.nullable(),
  containers: z.array(containerSchema),
});
const dispensationSchema = z.object({
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
const balance = { received: z.number(), dispensed: z.number(), onHand: z.number() };
const accountabilitySchema = z.object({
  product: productSchema,
  ...balance,
  lots: z.array(
    z.object({
      lotId: z.string(),
      lotNumber: z.string(),
      expiry: z.string(),
      expired: z.boolean(),
      ...balance,
    }),
  ),
  ...preview,
});

/** The pharmacy preview (issue 5, point 3), behind the `pharmacy` feature flag. */
export function registerPharmacyRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = typed(scope);
  const tags = ["sandbox"];
  const base = "/api/sandbox/pharmacy";

  // --- products ---

  app.get(
    `${base}/products`,
    { schema: { tags, response: { 200: z.object({ products: z.array(productSchema), ...preview }) } } },
    async (request) => listProducts(contextOf(request, deps), requireActor(request)),
  );

  app.post(
    `${base}/products`,
    { schema: { tags, body: productInput, response: { 201: productSchema.extend(preview) } } },
    async (request, reply) => {
      const product = await createProduct(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(product);
    },
  );

  app.get(
    `${base}/products/:id`,
    { schema: { tags, params: idParam, response: { 200: productSchema.extend(preview) } } },
    async (request) => getProduct(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.patch(
    `${base}/products/:id`,
    {
      schema: {
        tags,
        params: idParam,
        body: productChanges,
        response: { 200: productSchema.extend(preview) },
      },
    },
    async (request) =>
      updateProduct(contextOf(request, deps), requireActor(request), request.params.id, request.body),
  );

  app.get(
    `${base}/products/:id/accountability`,
    { schema: { tags, params: idParam, response: { 200: accountabilitySchema } } },
    async (request) =>
      productAccountability(contextOf(request, deps), requireActor(request), request.params.id),
  );

  // --- receipts ---

  app.get(
    `${base}/products/:id/lots`,
    {
      schema: {
        tags,
        params: idParam,
        response: { 200: z.object({ lots: z.array(lotSchema), ...preview }) },
      },
    },
    async (request) => listLots(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.post(
    `${base}/products/:id/lots`,
    { schema: { tags, params: idParam, body: receiptInput, response: { 201: lotSchema.extend(preview) } } },
    async (request, reply) => {
      const { receivedAt, ...input } = request.body;
      const lot = await receiveLot(contextOf(request, deps), requireActor(request), request.params.id, {
        ...input,
        receivedAt: receivedAt ? new Date(receivedAt) : undefined,
      });
      return reply.status(201).send(lot);
    },
  );

  // --- containers ---

  app.get(
    `${base}/containers`,
    {
      schema: {
        tags,
        querystring: containerQuery,
        response: { 200: z.object({ containers: z.array(containerSchema), ...preview }) },
      },
    },
    async (request) => listContainers(contextOf(request, deps), requireActor(request), request.query),
  );

  app.get(
    `${base}/containers/:id`,
    { schema: { tags, params: idParam, response: { 200: containerSchema.extend(preview) } } },
    async (request) => getContainer(contextOf(request, deps), requireActor(request), request.params.id),
  );

  app.post(
    `${base}/containers/:id/move`,
    {
      schema: { tags, params: idParam, body: moveInput, response: { 200: containerSchema.extend(preview) } },
    },
    async (request) =>
      moveContainer(contextOf(request, deps), requireActor(request), request.params.id, request.body.to),
  );

  app.get(
    `${base}/containers/:id/label.svg`,
    { schema: { tags, params: idParam } },
    async (request, reply) => {
      const svg = await containerLabel(contextOf(request, deps), requireActor(request), request.params.id);
      return reply.type("image/svg+xml; charset=utf-8").send(svg);
    },
  );

  // --- dispensing ---

  app.get(
    `${base}/dispensations`,
    {
      schema: {
        tags,
        querystring: dispensationQuery,
        response: { 200: z.object({ dispensations: z.array(dispensationSchema), ...preview }) },
      },
    },
    async (request) => listDispensations(contextOf(request, deps), requireActor(request), request.query),
  );

  app.post(
    `${base}/dispensations`,
    { schema: { tags, body: dispensationInput, response: { 201: dispensationSchema.extend(preview) } } },
    async (request, reply) => {
      const dispensation = await dispense(contextOf(request, deps), requireActor(request), request.body);
      return reply.status(201).send(dispensation);
    },
  );
}
