import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam, requiredText, someChange } from "../../../../shared/fields.js";

export const webhookDeliveryStatuses = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

const tag = "releases";

const webhookUrl = z
  .url({ protocol: /^https?$/, error: "Enter an http:// or https:// address." })
  .max(2000, "Use at most 2,000 characters.");
const webhookName = requiredText("Name the webhook.", 120);

export const webhookInput = z.object({ name: webhookName, url: webhookUrl });
export type WebhookInput = z.output<typeof webhookInput>;
export const webhookChanges = someChange({
  name: webhookName.optional(),
  url: webhookUrl.optional(),
  active: z.boolean().optional(),
});
export type WebhookChanges = z.output<typeof webhookChanges>;

const deliveryStatus = z.enum(webhookDeliveryStatuses);
export const webhook = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  lastDelivery: z
    .object({ status: deliveryStatus, lastStatusCode: z.number().nullable(), createdAt: z.string() })
    .nullable(),
});
export type Webhook = z.infer<typeof webhook>;
export const createdWebhook = webhook.extend({ secret: z.string() });
export type CreatedWebhook = z.infer<typeof createdWebhook>;
export const delivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  release: z.object({ id: z.string(), version: z.string() }).nullable(),
  event: z.string(),
  status: deliveryStatus,
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof delivery>;

export const listWebhooks = operation({
  operationId: "listWebhooks",
  summary: "Outgoing release webhooks with their last delivery",
  method: "GET",
  path: "/api/admin/webhooks",
  access: "staff",
  tag,
  response: z.object({ webhooks: z.array(webhook) }),
});

export const createWebhook = operation({
  operationId: "createWebhook",
  summary: "Add a webhook; its signing secret is shown this once",
  method: "POST",
  path: "/api/admin/webhooks",
  access: "staff",
  tag,
  body: webhookInput,
  response: createdWebhook,
  status: 201,
});

export const updateWebhook = operation({
  operationId: "updateWebhook",
  summary: "Rename, readdress, pause or resume a webhook",
  method: "PATCH",
  path: "/api/admin/webhooks/:id",
  access: "staff",
  tag,
  params: idParam,
  body: webhookChanges,
  response: webhook,
});

export const deactivateWebhook = operation({
  operationId: "deactivateWebhook",
  summary: "Stop a webhook; its delivery log stays",
  method: "DELETE",
  path: "/api/admin/webhooks/:id",
  access: "staff",
  tag,
  params: idParam,
});

export const listDeliveries = operation({
  operationId: "listWebhookDeliveries",
  summary: "A webhook's delivery log, newest first",
  method: "GET",
  path: "/api/admin/webhooks/:id/deliveries",
  access: "staff",
  tag,
  params: idParam,
  response: z.object({ deliveries: z.array(delivery) }),
});

export const redeliver = operation({
  operationId: "redeliverWebhook",
  summary: "Send a delivery again",
  method: "POST",
  path: "/api/admin/webhook-deliveries/:id/redeliver",
  access: "staff",
  tag,
  params: idParam,
  response: delivery,
  status: 201,
});
