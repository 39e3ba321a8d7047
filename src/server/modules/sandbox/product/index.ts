// The vendor's real development environment, fronted by Convene: its sign-in (Convene as its OpenID
// provider), provisioning into it (SCIM), the signed calls Convene makes to it (flags, reset) and what it
// sends back. Reached by operations and the sandbox's top files; it reaches access only.

export { ProductCallDeliverer, type ProductCallKind, queueProductCall } from "./calls.js";
export { type ProvisioningOptions, ProvisioningWorker } from "./provisioning.js";
export { formatReconcileReport, reconcileProduct } from "./reconcile.js";
export { productRoutes } from "./routes/product.js";
export { productSessionGuardOf, registerProductSignIn } from "./sessions.js";
export { issuerOf, OIDC_PATH } from "./sign-in.js";
