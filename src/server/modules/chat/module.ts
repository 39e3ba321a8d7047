import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { tokenBuckets } from "../../platform/throttle.js";
import { ensureAnnouncementsChannel } from "./channels.js";
import { channelRoutes } from "./routes/channels.js";
import { messageRoutes } from "./routes/messages.js";
import { pinRoutes } from "./routes/pins.js";
import { reactionRoutes } from "./routes/reactions.js";
import { searchRoutes } from "./routes/search.js";
import { uploadRoutes } from "./routes/uploads.js";
// Declares the chat items the inbox asks about (who may see a channel, a message).
import "./notifications.js";
// Answers to notification e-mails, posted through this module's own service.
import "./mail-replies.js";
// Its share of a person's data export and erasure.
import "./personal-data.js";

/**
 * Channels, messages, threads, reactions, pins, read state, search and files. Its events reach
 * browsers through the platform's gateway, which app.ts runs for every module; each person's
 * posting allowance is shared by every node through Redis (REDIS_URL), else each app instance has its own.
 */
export const chatModule: ConveneModule = {
  name: "chat",
  async plugin(app, deps) {
    await ensureAnnouncementsChannel(deps.db);
    const posting = tokenBuckets(deps.redis, {
      name: "chat-posting",
      rate: deps.config.chatPostsPerSecond,
      burst: deps.config.chatPostBurst,
      // The allowance keeps a person from flooding a channel; members are signed in and answerable, so
      // while Redis is away chat keeps working unthrottled rather than stopping for everyone.
      whenUnavailable: "allow",
      log: app.log,
    });
    const route = router(app, deps);
    channelRoutes(route);
    messageRoutes(route, posting);
    reactionRoutes(route);
    pinRoutes(route);
    searchRoutes(route, deps.gateway);
    uploadRoutes(route);
  },
};
