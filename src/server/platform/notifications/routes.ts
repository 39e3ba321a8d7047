import {
  getFollow,
  getPreferences,
  getPushKey,
  listInbox,
  markRead,
  setFollow,
  subscribePush,
  unreadCount,
  unsubscribePush,
  updatePreferences,
} from "../../../shared/contracts/notifications.js";
import type { Route } from "../routes.js";
import * as push from "./push.js";
import * as inbox from "./service.js";

export function notificationRoutes(route: Route): void {
  route(listInbox, ({ ctx, query }) => inbox.listInbox(ctx, query));
  route(unreadCount, async ({ ctx }) => ({ unreadCount: await inbox.unreadCountOf(ctx.db, ctx.actor.id) }));
  route(markRead, ({ ctx, body }) => inbox.markRead(ctx, body));
  route(getPreferences, ({ ctx }) => inbox.getPreferences(ctx.db, ctx.actor.id));
  route(updatePreferences, ({ ctx, body }) => inbox.updatePreferences(ctx, body));
  route(getFollow, ({ ctx, params }) => inbox.getFollow(ctx, params));
  route(setFollow, ({ ctx, params, body }) => inbox.setOwnFollow(ctx, params, body.level));
  route(getPushKey, async ({ ctx }) => ({ publicKey: (await push.vapidKeys(ctx.config)).publicKey }));
  route(subscribePush, ({ ctx, body, request }) => push.subscribe(ctx, body, request.sessionId));
  route(unsubscribePush, ({ ctx, body }) => push.unsubscribe(ctx, body.endpoint));
}
