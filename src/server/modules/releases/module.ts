import type { Db } from "../../db/client.js";
import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { WebhookDeliverer } from "./deliverer.js";
// Declares the release item the inbox asks about (a published release is everyone's).
import "./notifications.js";
import { releaseRoutes } from "./routes/releases.js";
import { webhookRoutes } from "./routes/webhooks.js";
// Releases, found by the one search.
import "./search-sources.js";

const deliverers = new WeakMap<Db, WebhookDeliverer>();

/** The app's webhook deliverer for this database, so tests can flush it and shorten its retries. */
export function webhookDelivererOf(db: Db): WebhookDeliverer {
  const deliverer = deliverers.get(db);
  if (!deliverer) throw new Error("the releases module is not registered for this database");
  return deliverer;
}

/**
 * Releases, their Atom feed and outgoing webhooks. The plugin is encapsulated: its hook kicks the
 * webhook deliverer after this module's own changes only, and its timer starts when the server
 * listens (never under `inject`, so tests flush it by hand).
 */
export const releasesModule: ConveneModule = {
  name: "releases",
  async plugin(app, deps) {
    const deliverer = new WebhookDeliverer(deps.db, { log: app.log });
    deliverers.set(deps.db, deliverer);
    app.addHook("onResponse", async (request, reply) => {
      if (request.method !== "GET" && reply.statusCode < 400) void deliverer.flush();
    });
    app.addHook("onListen", async () => deliverer.start());
    app.addHook("onClose", async () => {
      await deliverer.stop();
      deliverers.delete(deps.db);
    });
    const route = router(app, deps);
    releaseRoutes(route);
    webhookRoutes(route);
  },
};
