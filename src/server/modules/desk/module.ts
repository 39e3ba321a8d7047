import { acceptFormBodies } from "../../platform/link-pages.js";
import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { accessRequestRoutes } from "./routes/access-requests.js";
import { attachmentRoutes } from "./routes/attachments.js";
import { commentRoutes } from "./routes/comments.js";
import { formRoutes } from "./routes/forms.js";
import { macroRoutes } from "./routes/macros.js";
import { ratingLinkRoutes, ratingRoutes } from "./routes/satisfaction.js";
import { slaRoutes } from "./routes/sla.js";
import { ticketRoutes } from "./routes/tickets.js";
import { watcherRoutes } from "./routes/watchers.js";
import { SLA_CHECK_INTERVAL_MS, warnOfBreaches } from "./sla-warnings.js";
// Answers to notification e-mails, posted through this module's own service.
import "./mail-replies.js";
// Tickets, found by the one search.
import "./search-sources.js";
// Its share of a person's data export and erasure.
import "./personal-data.js";

/** The service desk: tickets, comments and internal notes, attachments, watchers, access requests,
 * macros, satisfaction ratings, ticket forms. */
export const deskModule: ConveneModule = {
  name: "desk",
  async plugin(app, deps) {
    // Breach warnings while the server listens, never under `inject`: tests call the check with their own "now".
    let slaCheck: NodeJS.Timeout | undefined;
    app.addHook("onListen", async () => {
      const check = () =>
        void warnOfBreaches({ ...deps, actor: null, ip: null }).catch((error) =>
          app.log.error(error, "SLA breach check failed"),
        );
      slaCheck = setInterval(check, SLA_CHECK_INTERVAL_MS);
      slaCheck.unref();
    });
    app.addHook("onClose", async () => clearInterval(slaCheck));
    const route = router(app, deps);
    ticketRoutes(route);
    commentRoutes(route);
    attachmentRoutes(route);
    watcherRoutes(route);
    accessRequestRoutes(route);
    slaRoutes(route);
    macroRoutes(route);
    formRoutes(route);
    ratingRoutes(route);
    await app.register(async (scope) => {
      acceptFormBodies(scope);
      ratingLinkRoutes(router(scope, deps));
    });
  },
};
