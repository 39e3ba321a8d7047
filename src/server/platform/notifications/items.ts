import type { Db } from "../../db/client.js";

/**
 * What a module tells the inbox about one type of item it notifies of (a chat message, a ticket, a
 * project post...): of some people, who may see a given item now. The inbox asks when a notification
 * is written, and again when it is listed, e-mailed or pushed, so someone who lost access (left the
 * channel, the project; the item removed) is never shown or sent it.
 */
export type NotificationItemType = {
  type: string;
  /** Of `userIds`, those who may see the item; an item that no longer exists answers none. */
  audience: (db: Db, itemId: string, userIds: string[]) => Promise<string[]>;
};

const itemTypes = new Map<string, NotificationItemType>();

/** Declares an item type; each module declares its own when it is loaded. */
export function defineNotificationItem(itemType: NotificationItemType): NotificationItemType {
  const existing = itemTypes.get(itemType.type);
  if (existing && existing !== itemType)
    throw new Error(`Notification item type ${itemType.type} is declared twice.`);
  itemTypes.set(itemType.type, itemType);
  return itemType;
}

export function notificationItemType(type: string): NotificationItemType | undefined {
  return itemTypes.get(type);
}

/** Of `userIds`, those who may see the item; an unknown type is seen by nobody. */
export async function mayDeliver(
  db: Db,
  item: { type: string; id: string },
  userIds: string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const itemType = itemTypes.get(item.type);
  return itemType ? itemType.audience(db, item.id, userIds) : [];
}
