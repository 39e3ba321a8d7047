import { eq } from "drizzle-orm";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { userSummaries } from "../accounts/index.js";
import { releases } from "./schema.js";

/** A release: once published it is everyone's (policy.ts), so any active person may see it. */
export const releaseItem = defineNotificationItem({
  type: "release",
  audience: async (db, releaseId, userIds) => {
    const [release] = await db
      .select({ status: releases.status })
      .from(releases)
      .where(eq(releases.id, releaseId));
    if (release?.status !== "published") return [];
    const people = await userSummaries(db, userIds);
    return userIds.filter((id) => people.get(id)?.active);
  },
});
