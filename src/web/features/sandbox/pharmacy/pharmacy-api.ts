import { useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AccountabilityView,
  ContainerView,
  DispensationView,
  LotView,
  Previewed,
  ProductView,
} from "../../../../server/modules/pharmacy/present.js";
import type { ContainerStatus } from "../../../../server/modules/pharmacy/schema.js";
import type { SandboxRole } from "../../../../server/modules/sandbox/schema.js";
import { api, isApiError } from "../../../app/api.js";

export type { ContainerStatus };
export type Product = ProductView;
export type Lot = LotView;
export type Container = ContainerView;
export type Dispensation = DispensationView;
export type Accountability = Previewed<AccountabilityView>;

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

export type ProductInput = {
  name: string;
  form: string;
  strength: string;
  units: string;
  defaultDose: string;
  storageNotes: string;
};
export type ReceiptInput = { lotNumber: string; quantity: number; expiry: string; containers: number };
export type DispensationInput = {
  containerId: string;
  enrolmentId: string;
  quantity: number;
  dose: string;
  doseReason?: string;
};

export const pharmacyKeys = {
  all: ["sandbox", "pharmacy"] as const,
  products: ["sandbox", "pharmacy", "products"] as const,
  lots: (productId: string) => ["sandbox", "pharmacy", "lots", productId] as const,
  containers: (filters: Partial<ContainerFilters>) => ["sandbox", "pharmacy", "containers", filters] as const,
  dispensations: ["sandbox", "pharmacy", "dispensations"] as const,
  accountability: (productId: string) => ["sandbox", "pharmacy", "accountability", productId] as const,
};

const base = "/api/sandbox/pharmacy";
const path = (id: string) => encodeURIComponent(id);

/** The printable label of a container, an SVG the browser shows and prints as it is. */
export const labelUrl = (containerId: string) => `${base}/containers/${path(containerId)}/label.svg`;

export const pharmacyApi = {
  createProduct: (body: ProductInput) => api.post<Previewed<Product>>(`${base}/products`, body),
  updateProduct: (id: string, body: Partial<ProductInput>) =>
    api.patch<Previewed<Product>>(`${base}/products/${path(id)}`, body),
  receiveLot: (productId: string, body: ReceiptInput) =>
    api.post<Previewed<Lot>>(`${base}/products/${path(productId)}/lots`, body),
  move: (containerId: string, to: "storage" | "dispense") =>
    api.post<Previewed<Container>>(`${base}/containers/${path(containerId)}/move`, { to }),
  dispense: (body: DispensationInput) => api.post<Previewed<Dispensation>>(`${base}/dispensations`, body),
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
    queryFn: () => api.get<{ products: Product[]; preview: boolean }>(`${base}/products`),
  });

export const useLots = (productId: string) =>
  useQuery({
    queryKey: pharmacyKeys.lots(productId),
    queryFn: () => api.get<{ lots: Lot[]; preview: boolean }>(`${base}/products/${path(productId)}/lots`),
    select: (data) => data.lots,
    enabled: productId !== "",
  });

export const useContainers = (filters: Partial<ContainerFilters>) =>
  useQuery({
    queryKey: pharmacyKeys.containers(filters),
    queryFn: () => api.get<{ containers: Container[]; preview: boolean }>(`${base}/containers`, filters),
    select: (data) => data.containers,
    placeholderData: (previous) => previous,
  });

export const useDispensations = () =>
  useQuery({
    queryKey: pharmacyKeys.dispensations,
    queryFn: () => api.get<{ dispensations: Dispensation[]; preview: boolean }>(`${base}/dispensations`),
    select: (data) => data.dispensations,
  });

export const useAccountability = (productId: string) =>
  useQuery({
    queryKey: pharmacyKeys.accountability(productId),
    queryFn: () => api.get<Accountability>(`${base}/products/${path(productId)}/accountability`),
    enabled: productId !== "",
  });
