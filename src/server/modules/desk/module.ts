import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { accessRequestRoutes } from "./routes/access-requests.js";
import { attachmentRoutes } from "./routes/attachments.js";
import { commentRoutes } from "./routes/comments.js";
import { ticketRoutes } from "./routes/tickets.js";
import { watcherRoutes } from "./routes/watchers.js";
// Answers to notification e-mails, posted through this module's own service.
import "./mail-replies.js";
// Tickets, found by the one search.
import "./search-sources.js";
// Its share of a person's data export and erasure.
import "./personal-data.js";

/** The service desk: tickets, comments and internal notes, attachments, watchers, access requests. */
export const deskModule: ConveneModule = {
  name: "desk",
  async plugin(app, deps) {
    const route = router(app, deps);
    ticketRoutes(route);
    commentRoutes(route);
    attachmentRoutes(route);
    watcherRoutes(route);
    accessRequestRoutes(route);
  },
};
