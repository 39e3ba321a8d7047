import { asc, eq } from "drizzle-orm";
import { definePersonalDataArea } from "../../../platform/personal-data/registry.js";
import { sandboxAudit } from "./schema.js";

/**
 * The person's actions in the development environment: their rows of the sandbox audit trail (the
 * records are synthetic, so the values are nobody's personal data). The trail is never rewritten for
 * what happened, but it copies the actor's address: erasure replaces that copy with the pseudonym
 * address, the one change it allows, and the trail keeps who (by id) did what, when and why.
 */
definePersonalDataArea({
  name: "development-environment",
  async collect(ctx, { id: userId }) {
    const actions = await ctx.db
      .select({
        at: sandboxAudit.at,
        action: sandboxAudit.action,
        recordType: sandboxAudit.recordType,
        recordId: sandboxAudit.recordId,
        field: sandboxAudit.field,
        oldValue: sandboxAudit.oldValue,
        newValue: sandboxAudit.newValue,
        reason: sandboxAudit.reason,
      })
      .from(sandboxAudit)
      .where(eq(sandboxAudit.actorId, userId))
      .orderBy(asc(sandboxAudit.id));
    return { actions };
  },
  async erase(ctx, { userId, pseudonymEmail }) {
    await ctx.db
      .update(sandboxAudit)
      .set({ actorEmail: pseudonymEmail })
      .where(eq(sandboxAudit.actorId, userId));
  },
});
