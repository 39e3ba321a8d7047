import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { acceptFormBodies } from "../../platform/link-pages.js";
import type { ConveneModule } from "../../platform/module.js";
import type { Redis } from "../../platform/redis.js";
import { router } from "../../platform/routes.js";
import { DigestScheduler } from "./digest.js";
// Declares the group items the inbox asks about (who may read a topic, moderate a queue).
import "./notifications.js";
// Topics, messages and groups, found by the one search.
import "./search-sources.js";
// Its share of a person's data export and erasure.
import "./personal-data.js";
import { startGroupMail } from "./inbound.js";
import { groupRoutes } from "./routes/groups.js";
import { memberRoutes } from "./routes/members.js";
import { messageRoutes } from "./routes/messages.js";
import { moderationRoutes } from "./routes/moderation.js";
import { searchRoutes } from "./routes/search.js";
import { topicRoutes } from "./routes/topics.js";
import { unsubscribeRoutes } from "./routes/unsubscribe.js";

/** Where `convene start --demo` takes group mail when GROUP_SMTP_PORT is not set. */
export const DEMO_GROUP_SMTP_PORT = 2525;

/** The group mail (SMTP) listener: on GROUP_SMTP_PORT, else on the demo's port, else off. */
async function startMailListener(db: Db, config: Config, redis: Redis | undefined, log: FastifyBaseLogger) {
  // The demo takes group mail on a high port, so anyone can try it with any SMTP client.
  const port = config.groupSmtpPort ?? (config.demo ? DEMO_GROUP_SMTP_PORT : undefined);
  if (port === undefined) return null;
  return startGroupMail({ db, config: { ...config, groupSmtpPort: port }, redis, log }).catch(
    (error: NodeJS.ErrnoException) => {
      // The demo's default port may be taken (a second demo on this machine): serve without group
      // mail and say how to choose another. A port the operator configured must work or stop the start.
      if (error.code !== "EADDRINUSE" || config.groupSmtpPort !== undefined) throw error;
      console.warn(
        `Group mail (SMTP) is off: port ${DEMO_GROUP_SMTP_PORT} is in use. Set GROUP_SMTP_PORT to choose another.`,
      );
      return null;
    },
  );
}

/**
 * Member-run groups: their routes, the one-click unsubscribe reached from e-mail, the daily digest
 * scheduler and the inbound mail listener. The listener binds while the app gets ready, so a
 * configured port that is taken stops the start (errors of onListen hooks are only logged); the
 * digest timer starts when the server listens, never under `inject`, so tests send digests by hand.
 */
export const groupsModule: ConveneModule = {
  name: "groups",
  async plugin(app, deps) {
    const digests = new DigestScheduler(deps.db, deps.config, app.log);
    let mail: Awaited<ReturnType<typeof startMailListener>> = null;
    app.addHook("onReady", async () => {
      mail = await startMailListener(deps.db, deps.config, deps.redis, app.log);
    });
    app.addHook("onListen", async () => {
      digests.start();
      if (mail) {
        console.log(
          `Group mail (SMTP) listens on ${deps.config.groupSmtpHost}:${mail.port}: send to <handle>@${deps.config.mailDomain}.`,
        );
      }
    });
    app.addHook("onClose", async () => {
      await mail?.listener.close();
      await digests.stop();
    });

    const route = router(app, deps);
    groupRoutes(route);
    searchRoutes(route);
    memberRoutes(route);
    topicRoutes(route);
    messageRoutes(route);
    moderationRoutes(route);
    await app.register(async (scope) => {
      acceptFormBodies(scope);
      unsubscribeRoutes(router(scope, deps));
    });
  },
};
