import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { hashPassword } from "../../platform/auth/passwords.js";
import { passwordResets, users } from "./schema.js";

/**
 * Spends every reset link of the person that is still open: a link is asked for to change the
 * password it was sent for, so once the password changes (or the account is closed) none may change it again.
 */
export async function endResetLinks(db: Db, userId: string): Promise<number> {
  const ended = await db
    .update(passwordResets)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
  return ended.length;
}

/**
 * The one way a password changes (a reset link, the person's own change): the new hash, the lockout
 * cleared, and every open reset link ended. Sessions are the caller's to end, since who keeps one differs.
 */
export async function setPassword(
  db: Db,
  userId: string,
  password: string,
): Promise<{ endedResetLinks: number }> {
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null })
    .where(eq(users.id, userId));
  return { endedResetLinks: await endResetLinks(db, userId) };
}
