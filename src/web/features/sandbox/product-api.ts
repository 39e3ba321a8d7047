import { useQuery } from "@tanstack/react-query";
import * as product from "../../../server/modules/sandbox/product/contracts/product.js";
import { callApi } from "../../app/api.js";

export type {
  ProductCall,
  ProductCallStatus,
  ProductConnection,
  ProductEnvironment,
  ProvisionedPerson,
  ProvisioningState,
  ReconcileAction,
  ReconcileActionKind,
  ReconcileOutcome,
  ReconcileReport,
} from "../../../server/modules/sandbox/product/contracts/product.js";
export { productVariables } from "../../../server/modules/sandbox/product/contracts/product.js";

export const productKeys = { environment: ["admin", "sandbox", "product"] as const };

/** How often the page asks again: provisioning passes run every 5 s, calls are retried on their own. */
const REFRESH_MS = 10_000;

export const useProductEnvironment = () =>
  useQuery({
    queryKey: productKeys.environment,
    queryFn: () => callApi(product.getProductEnvironment, {}),
    refetchInterval: REFRESH_MS,
  });

export const productApi = {
  retryFailed: () => callApi(product.retryProvisioning, {}),
  reconcile: (dryRun: boolean) => callApi(product.reconcileProduct, { body: { dryRun } }),
};
