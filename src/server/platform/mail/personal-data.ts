import { asc, eq } from "drizzle-orm";
import { definePersonalDataArea } from "../personal-data/registry.js";
import { mailOutbox } from "./schema.js";

/**
 * The mail Convene sent the person: in the export by subject and date (never the text, which may hold
 * a link that still works); erasure deletes it from the outbox, whose copies staff could read.
 */
definePersonalDataArea({
  name: "mail",
  async collect(ctx, { email }) {
    const sent = await ctx.db
      .select({ subject: mailOutbox.subject, status: mailOutbox.status, createdAt: mailOutbox.createdAt })
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, email))
      .orderBy(asc(mailOutbox.createdAt));
    return { sent };
  },
  async erase(ctx, { formerEmail }) {
    await ctx.db.delete(mailOutbox).where(eq(mailOutbox.toAddress, formerEmail));
  },
});
