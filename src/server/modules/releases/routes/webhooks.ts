import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/webhooks.js";
import {
  createWebhook,
  deactivateWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
} from "../webhooks.js";

export function webhookRoutes(route: Route): void {
  route(contract.listWebhooks, async ({ ctx }) => ({ webhooks: await listWebhooks(ctx.db) }));
  route(contract.createWebhook, ({ ctx, body }) => createWebhook(ctx, body));
  route(contract.updateWebhook, ({ ctx, params, body }) => updateWebhook(ctx, params.id, body));
  route(contract.deactivateWebhook, ({ ctx, params }) => deactivateWebhook(ctx, params.id));
  route(contract.listDeliveries, async ({ ctx, params }) => ({
    deliveries: await listDeliveries(ctx.db, params.id),
  }));
  route(contract.redeliver, ({ ctx, params }) => redeliver(ctx, params.id));
}
