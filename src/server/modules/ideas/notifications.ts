import { eq } from "drizzle-orm";
import type { Ctx } from "../../platform/context.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { markItemSeen } from "../../platform/notifications/service.js";
import { userSummaries } from "../accounts/index.js";
import { ideas } from "./schema.js";

/** An idea: every signed-in person may read ideas (policy.ts), so any active person may see one. */
export const ideaItem = defineNotificationItem({
  type: "idea",
  audience: async (db, ideaId, userIds) => {
    const [idea] = await db.select({ id: ideas.id }).from(ideas).where(eq(ideas.id, ideaId));
    if (!idea) return [];
    const people = await userSummaries(db, userIds);
    return userIds.filter((id) => people.get(id)?.active);
  },
});

/** A person opened an idea: what they were told about it has been seen. */
export async function markIdeaSeen(ctx: Ctx, userId: string, ideaId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: ideaItem.type, id: ideaId });
}

export const ideaUrl = (ideaId: string) => `/ideas/${ideaId}`;
