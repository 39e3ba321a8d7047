import { useQuery } from "@tanstack/react-query";
import * as phiScan from "../../../server/modules/sandbox/data/contracts/phi-scan.js";
import * as product from "../../../server/modules/sandbox/product/contracts/product.js";
import { callApi } from "../../app/api.js";

export type {
  PhiScanExample,
  PhiScanField,
  PhiScanReport,
} from "../../../server/modules/sandbox/data/contracts/phi-scan.js";
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
  /** Scans an export for real-looking personal data: the server keeps nothing and answers the report. */
  scanExport: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return callApi(phiScan.scanExportForPhi, { form });
  },
};
