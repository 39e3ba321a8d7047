import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as accountability from "../../../server/modules/pharmacy/contracts/accountability.js";
import type { ContainerStatus } from "../../../server/modules/pharmacy/contracts/containers.js";
import * as containers from "../../../server/modules/pharmacy/contracts/containers.js";
import * as dispensing from "../../../server/modules/pharmacy/contracts/dispensing.js";
import * as lots from "../../../server/modules/pharmacy/contracts/lots.js";
import * as products from "../../../server/modules/pharmacy/contracts/products.js";
import { pathOf } from "../../../shared/operation-path.js";
import { callApi, isApiError } from "../../app/api.js";
import type { SandboxRole } from "../sandbox/api.js";

export type { Accountability } from "../../../server/modules/pharmacy/contracts/accountability.js";
export type {
  Container,
  ContainerStatus,
} from "../../../server/modules/pharmacy/contracts/containers.js";
export type { Dispensation } from "../../../server/modules/pharmacy/contracts/dispensing.js";
export type { Lot } from "../../../server/modules/pharmacy/contracts/lots.js";
export type { Product } from "../../../server/modules/pharmacy/contracts/products.js";

export type ProductInput = products.ProductInput;
export type ProductChanges = products.ProductChanges;
export type ReceiptInput = lots.ReceiptInput;
export type DispensationInput = dispensing.DispensationInput;

/** The feature flag the pharmacy preview is shipped behind (the server's PHARMACY_FLAG). */
export const PHARMACY_FLAG = "pharmacy";

export const containerStatusLabels: Record<ContainerStatus, string> = {
  receipt: "Receipt",
  storage: "Storage",
  dispense: "Dispense",
};
export const containerStatusColors: Record<ContainerStatus, string> = {
  receipt: "blue",
  storage: "grape",
  dispense: "green",
};
export const containerStatusOptions = Object.entries(containerStatusLabels).map(([value, label]) => ({
  value,
  label,
}));

/** Where a container moves next (receipt -> storage -> dispense), or null once it is in dispense. */
export const nextMove: Record<ContainerStatus, "storage" | "dispense" | null> = {
  receipt: "storage",
  storage: "dispense",
  dispense: null,
};

/** Who changes the pharmacy (products, receipts, moves), as the server decides it: pharmacists and staff. */
export const mayChangePharmacy = (role: SandboxRole | "staff" | null) =>
  role === "staff" || role === "pharmacist";

/**
 * Who dispenses to a subject of a study, as the server decides it: staff, and the pharmacists of the
 * organisation that owns the study.
 */
export const mayDispense = (
  role: SandboxRole | "staff" | null,
  myOrganisationId: string,
  studyOrganisationId: string,
) => role === "staff" || (role === "pharmacist" && myOrganisationId === studyOrganisationId);

/** The server's comparison of a dose with the cohort's: case and spacing do not count. */
export const sameDose = (a: string, b: string) =>
  a.trim().replace(/\s+/g, " ").toLowerCase() === b.trim().replace(/\s+/g, " ").toLowerCase();

/** The API's answer while the `pharmacy` flag is off: the page says so instead of showing an error. */
export const isSwitchedOff = (error: unknown) => isApiError(error, "feature_disabled");
export const SWITCHED_OFF_MESSAGE = "The pharmacy preview is switched off in this environment.";

/** Every filter is a string; "" means any. */
export type ContainerFilters = { productId: string; status: string; lotId: string };

const isContainerStatus = (status: string | undefined): status is ContainerStatus =>
  (containers.containerStatuses as readonly string[]).includes(status ?? "");

/** The filters as the contract takes them; a status the address names that is not one means any. */
const containerQuery = ({ productId, lotId, status }: Partial<ContainerFilters>) => ({
  productId,
  lotId,
  status: isContainerStatus(status) ? status : undefined,
});

export const pharmacyKeys = {
  all: ["sandbox", "pharmacy"] as const,
  products: ["sandbox", "pharmacy", "products"] as const,
  lots: (productId: string) => ["sandbox", "pharmacy", "lots", productId] as const,
  containers: (filters: Partial<ContainerFilters>) => ["sandbox", "pharmacy", "containers", filters] as const,
  dispensations: ["sandbox", "pharmacy", "dispensations"] as const,
  accountability: (productId: string) => ["sandbox", "pharmacy", "accountability", productId] as const,
};

/** The printable label of a container, an SVG the browser shows and prints as it is. */
export const labelUrl = (containerId: string) => pathOf(containers.containerLabel, { id: containerId });

export const pharmacyApi = {
  createProduct: (body: ProductInput) => callApi(products.createProduct, { body }),
  updateProduct: (id: string, body: ProductChanges) =>
    callApi(products.updateProduct, { params: { id }, body }),
  receiveLot: (productId: string, body: ReceiptInput) =>
    callApi(lots.receiveLot, { params: { id: productId }, body }),
  move: (containerId: string, to: "storage" | "dispense") =>
    callApi(containers.moveContainer, { params: { id: containerId }, body: { to } }),
  dispense: (body: DispensationInput) => callApi(dispensing.dispense, { body }),
};

/** After any pharmacy write every list and balance may have changed: refetch the lot. */
export function usePharmacyChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: pharmacyKeys.all });
    void queryClient.invalidateQueries({ queryKey: ["sandbox", "audit"] });
  };
}

export const useProducts = () =>
  useQuery({
    queryKey: pharmacyKeys.products,
    queryFn: () => callApi(products.listProducts, {}),
  });

export const useLots = (productId: string) =>
  useQuery({
    queryKey: pharmacyKeys.lots(productId),
    queryFn: () => callApi(lots.listLots, { params: { id: productId } }),
    select: (data) => data.lots,
    enabled: productId !== "",
  });

export const useContainers = (filters: Partial<ContainerFilters>) =>
  useQuery({
    queryKey: pharmacyKeys.containers(filters),
    queryFn: () => callApi(containers.listContainers, { query: containerQuery(filters) }),
    select: (data) => data.containers,
    placeholderData: (previous) => previous,
  });

export const useDispensations = () =>
  useQuery({
    queryKey: pharmacyKeys.dispensations,
    queryFn: () => callApi(dispensing.listDispensations, {}),
    select: (data) => data.dispensations,
  });

export const useAccountability = (productId: string) =>
  useQuery({
    queryKey: pharmacyKeys.accountability(productId),
    queryFn: () => callApi(accountability.productAccountability, { params: { id: productId } }),
    enabled: productId !== "",
  });
