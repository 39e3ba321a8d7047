import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Ctx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { dataDirSecret } from "../../platform/secrets.js";
import type { UnsubscribeView } from "./contracts/unsubscribe.js";
import { groupMembers, groups } from "./schema.js";

const SECRET_FILE = "group-mail.secret";
let generatedSecret: { dataDir: string; secret: Promise<string> } | null = null;

/**
 * The key of unsubscribe links: GROUP_MAIL_SECRET, or else a random one made on first use and kept in
 * DATA_DIR (mode 600), so links in mail already sent keep working after a restart.
 */
export function groupMailSecret(config: Config): Promise<string> {
  if (config.groupMailSecret) return Promise.resolve(config.groupMailSecret);
  if (generatedSecret?.dataDir !== config.dataDir) {
    generatedSecret = { dataDir: config.dataDir, secret: dataDirSecret(config.dataDir, SECRET_FILE) };
  }
  return generatedSecret.secret;
}

function signature(secret: string, groupId: string, userId: string): string {
  return createHmac("sha256", secret).update(`unsubscribe:${groupId}:${userId}`).digest("base64url");
}

/**
 * `groupId.userId.hmac`: whoever holds the link may stop that person's mail from that group and
 * nothing else, which is what one-click unsubscribe (RFC 8058) needs without a sign-in.
 */
export async function unsubscribeToken(config: Config, groupId: string, userId: string): Promise<string> {
  return `${groupId}.${userId}.${signature(await groupMailSecret(config), groupId, userId)}`;
}

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export async function verifyUnsubscribeToken(
  config: Config,
  token: string,
): Promise<{ groupId: string; userId: string }> {
  const [, groupId, userId, given] = TOKEN.exec(token) ?? [];
  if (groupId && userId && given) {
    const expected = Buffer.from(signature(await groupMailSecret(config), groupId, userId));
    if (timingSafeEqual(expected, Buffer.from(given))) return { groupId, userId };
  }
  throw new AppError("validation", "This unsubscribe link is not valid.", {
    token: "The link is damaged or was not made by this site; open it again from the e-mail.",
  });
}

/** What the link would change, for the confirmation page. */
export async function describeUnsubscribe(ctx: Ctx, token: string): Promise<UnsubscribeView> {
  const { groupId, userId } = await verifyUnsubscribeToken(ctx.config, token);
  const [row] = await ctx.db
    .select({ handle: groups.handle, name: groups.name, delivery: groupMembers.delivery })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  if (!row) throw new AppError("not_found", "This membership no longer exists.");
  return { group: { handle: row.handle, name: row.name }, delivery: row.delivery };
}

/** One-click unsubscribe: the person stays a member and reads on the web; no more mail, no digest. */
export async function unsubscribe(ctx: Ctx, token: string): Promise<UnsubscribeView> {
  const { groupId, userId } = await verifyUnsubscribeToken(ctx.config, token);
  await ctx.db
    .update(groupMembers)
    .set({ delivery: "none", updatedAt: new Date() })
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  return describeUnsubscribe(ctx, token);
}
