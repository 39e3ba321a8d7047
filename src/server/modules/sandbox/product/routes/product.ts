import { AppError } from "../../../../platform/errors.js";
import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/product.js";
import type { ProvisioningWorker } from "../provisioning.js";
import { reconcileProduct } from "../reconcile.js";
import { productEnvironment, requireProductOperator } from "../status.js";

const notConnected = () =>
  new AppError(
    "conflict",
    "The product's SCIM endpoint is not configured: set PRODUCT_SCIM_URL and PRODUCT_SCIM_TOKEN.",
  );

/** The product environment for staff: what is connected, provisioning (retry, reconcile), signed calls. */
export function productRoutes(route: Route, provisioning: ProvisioningWorker | null): void {
  route(contract.getProductEnvironment, ({ ctx }) => productEnvironment(ctx));

  route(contract.retryProvisioning, async ({ ctx }) => {
    requireProductOperator(ctx);
    if (!provisioning) throw notConnected();
    await provisioning.retryFailing();
    return productEnvironment(ctx);
  });

  route(contract.reconcileProduct, async ({ ctx, body }) => {
    requireProductOperator(ctx);
    const connection = ctx.config.product.scim;
    if (!connection) throw notConnected();
    return reconcileProduct(ctx.db, connection, { dryRun: body.dryRun ?? false });
  });
}
