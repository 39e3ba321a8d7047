import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { containerRoutes } from "./routes/containers.js";
import { dispensingRoutes } from "./routes/dispensing.js";
import { lotRoutes } from "./routes/lots.js";
import { productRoutes } from "./routes/products.js";

/**
 * The pharmacy preview behind the `pharmacy` feature flag: products, lot receipts split over labelled
 * containers, dispensing to enrolled subjects and accountability. Its routes live under the sandbox's
 * path, so the app's sandbox guards (the wipe in progress) cover them too.
 */
export const pharmacyModule: ConveneModule = {
  name: "pharmacy",
  async plugin(app, deps) {
    const route = router(app, deps);
    productRoutes(route);
    lotRoutes(route);
    containerRoutes(route);
    dispensingRoutes(route);
  },
};
