import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { base, pharmacyErrors, preview, tag } from "./common.js";

export const containerStatuses = ["receipt", "storage", "dispense"] as const;
export type ContainerStatus = (typeof containerStatuses)[number];

// --- input ---

export const containerFilters = z.object({
  productId: z.uuid({ error: "Not a valid product id." }).optional(),
  lotId: z.uuid({ error: "Not a valid lot id." }).optional(),
  status: z.enum(containerStatuses, { error: "Choose a status: receipt, storage or dispense." }).optional(),
});
export type ContainerFilters = z.output<typeof containerFilters>;
export const moveInput = z.object({
  to: z.enum(["storage", "dispense"], { error: "Choose where to move it: storage or dispense." }),
});
export type MoveInput = z.output<typeof moveInput>;

// --- output ---

export const container = z.object({
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
export type Container = z.infer<typeof container>;
const previewedContainer = container.extend(preview);

// --- operations ---

export const listContainers = operation({
  operationId: "listPharmacyContainers",
  summary: "Containers by barcode, filtered by product, lot and status",
  method: "GET",
  path: `${base}/containers`,
  access: "member",
  tag,
  query: containerFilters,
  response: z.object({ containers: z.array(container), ...preview }),
  errors: pharmacyErrors,
});

export const getContainer = operation({
  operationId: "getPharmacyContainer",
  summary: "One container",
  method: "GET",
  path: `${base}/containers/:id`,
  access: "member",
  tag,
  params: idParam,
  response: previewedContainer,
  errors: pharmacyErrors,
});

export const moveContainer = operation({
  operationId: "movePharmacyContainer",
  summary: "Move a container one step: receipt, storage, dispense",
  method: "POST",
  path: `${base}/containers/:id/move`,
  access: "member",
  tag,
  params: idParam,
  body: moveInput,
  response: previewedContainer,
  errors: pharmacyErrors,
});

export const containerLabel = operation({
  operationId: "getPharmacyContainerLabel",
  summary: "A container's printable label",
  method: "GET",
  path: `${base}/containers/:id/label.svg`,
  access: "member",
  tag,
  params: idParam,
  response: {
    contentType: "image/svg+xml",
    description: "The label as SVG sized in millimetres, with the container's Code 128 barcode.",
  },
  errors: pharmacyErrors,
});
