import { and, inArray, isNull } from "drizzle-orm";
import type { NotificationKind } from "../../../../shared/contracts/notifications.js";
import type { Db } from "../../../db/client.js";
import type { Ctx } from "../../../platform/context.js";
import { defineNotificationItem } from "../../../platform/notifications/items.js";
import { notify } from "../../../platform/notifications/service.js";
import { listActiveStaff } from "../../accounts/index.js";
import { sandboxUsers } from "./schema.js";

/**
 * Who hears of the development environment: its active users and the product team (staff reach every
 * sandbox page). Whether they accepted the agreement in force does not matter: a new agreement is
 * exactly what they must hear of.
 */
async function environmentPeople(db: Db, userIds?: string[]): Promise<string[]> {
  if (userIds?.length === 0) return [];
  const users = await db
    .select({ userId: sandboxUsers.userId })
    .from(sandboxUsers)
    .where(and(isNull(sandboxUsers.removedAt), userIds ? inArray(sandboxUsers.userId, userIds) : undefined));
  const staff = (await listActiveStaff(db)).map((person) => person.id);
  const everyone = new Set([...users.map((row) => row.userId), ...staff]);
  return userIds ? userIds.filter((id) => everyone.has(id)) : [...everyone];
}

const environmentItem = (type: string) =>
  defineNotificationItem({ type, audience: (db, _itemId, userIds) => environmentPeople(db, userIds) });

/** A wipe, a deployment, a person's access and the agreement: each its own inbox entry, seen alike. */
export const sandboxItems = {
  wipe: environmentItem("sandbox_wipe"),
  deployment: environmentItem("sandbox_deployment"),
  access: environmentItem("sandbox_access"),
  agreement: environmentItem("sandbox_agreement"),
} as const;

export type SandboxNotice = {
  kind: Extract<NotificationKind, `sandbox.${string}`>;
  item: { type: keyof typeof sandboxItems; id: string; title: string; url: string };
  excerpt: string;
  /** Only these people (a role change tells its person); everyone with access when left out. */
  recipients?: string[];
  /** The module e-mails everyone itself (a wipe's notice): the notification is not e-mailed again. */
  ownEmail?: true;
};

/** Tells the people of the development environment, in the caller's transaction. */
export async function notifyEnvironmentPeople(ctx: Ctx, notice: SandboxNotice): Promise<void> {
  const { item, recipients, ...rest } = notice;
  await notify(ctx, {
    ...rest,
    item: { ...item, type: sandboxItems[item.type].type },
    recipients: recipients ?? (await environmentPeople(ctx.db)),
    actor: ctx.actor ? { id: ctx.actor.id, name: ctx.actor.name } : null,
  });
}
