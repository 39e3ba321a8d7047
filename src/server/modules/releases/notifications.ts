import { eq } from "drizzle-orm";
import type { Ctx } from "../../platform/context.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { markItemSeen } from "../../platform/notifications/service.js";
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

/** A person opened a release: what they were told about it has been seen. */
export async function markReleaseSeen(ctx: Ctx, userId: string, releaseId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: releaseItem.type, id: releaseId });
}
