import { asc, eq } from "drizzle-orm";
import { definePersonalDataArea } from "../personal-data/registry.js";
import {
  notificationFollows,
  notificationPreferences,
  notificationSettings,
  notifications,
  pushSubscriptions,
} from "./schema.js";

/**
 * The person's inbox and how they chose to be told. Erasure removes all of it (their settings, follows,
 * browsers and inbox are theirs alone) and shows the pseudonym in other people's inboxes, whose lines
 * keep the name of whoever did what; with their content removed, those lines lose its excerpt too.
 */
definePersonalDataArea({
  name: "notifications",
  async collect(ctx, { id: userId }) {
    const [settings] = await ctx.db
      .select()
      .from(notificationSettings)
      .where(eq(notificationSettings.userId, userId));
    const preferences = await ctx.db
      .select({ kind: notificationPreferences.kind, delivery: notificationPreferences.delivery })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId));
    const follows = await ctx.db
      .select({
        itemType: notificationFollows.itemType,
        itemId: notificationFollows.itemId,
        level: notificationFollows.level,
        createdAt: notificationFollows.createdAt,
      })
      .from(notificationFollows)
      .where(eq(notificationFollows.userId, userId));
    const inbox = await ctx.db
      .select({
        kind: notifications.kind,
        itemTitle: notifications.itemTitle,
        url: notifications.url,
        excerpt: notifications.excerpt,
        actorName: notifications.actorName,
        createdAt: notifications.createdAt,
        readAt: notifications.readAt,
      })
      .from(notifications)
      .where(eq(notifications.userId, userId))
      .orderBy(asc(notifications.createdAt));
    const browsers = await ctx.db
      .select({ createdAt: pushSubscriptions.createdAt, lastSuccessAt: pushSubscriptions.lastSuccessAt })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId));
    return {
      settings: settings
        ? {
            timeZone: settings.timeZone,
            quietFrom: settings.quietFrom,
            quietTo: settings.quietTo,
            emailDelayMinutes: settings.emailDelayMinutes,
          }
        : null,
      preferences,
      follows,
      inbox,
      pushBrowsers: browsers,
    };
  },
  async erase(ctx, { userId, pseudonym, removeContent }) {
    await ctx.db.delete(notifications).where(eq(notifications.userId, userId));
    await ctx.db.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId));
    await ctx.db.delete(notificationSettings).where(eq(notificationSettings.userId, userId));
    await ctx.db.delete(notificationFollows).where(eq(notificationFollows.userId, userId));
    await ctx.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
    await ctx.db
      .update(notifications)
      .set(removeContent ? { actorName: pseudonym, excerpt: "" } : { actorName: pseudonym })
      .where(eq(notifications.actorId, userId));
  },
});
