import { and, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { ParsedBody } from "../../../shared/contract.js";
import {
  type Delivery,
  type FollowLevel,
  type InboxEntry,
  inboxChanged,
  kindNames,
  type NotificationKind,
  type NotificationPreferences,
  type NotificationView,
  notificationKinds,
  type updatePreferences as updatePreferencesOperation,
} from "../../../shared/contracts/notifications.js";
import { uuidArray } from "../../db/arrays.js";
import type { Db } from "../../db/client.js";
import type { ActorCtx, Ctx } from "../context.js";
import { notFound } from "../errors.js";
import { publishEvent, wakeWorkersAfterCommit } from "../events/publish.js";
import { mayDeliver } from "./items.js";
import {
  notificationFollows,
  notificationPreferences,
  notificationSettings,
  notifications,
  pushSubscriptions,
} from "./schema.js";

export type ItemRef = { type: string; id: string };

/** What a module says happened: to whom, of what kind, about which item. */
export type Notice = {
  kind: NotificationKind;
  recipients: Iterable<string>;
  item: ItemRef & { title: string; url: string };
  excerpt?: string;
  /** Who did it: never notified of their own doing, and named in the inbox. */
  actor?: { id: string; name: string } | null;
  /** The items this one sits in (a message's thread and channel): muting any of them silences it. */
  within?: ItemRef[];
  /**
   * The module e-mails this notice itself, to whoever chose e-mail for its kind (a release's own
   * e-mail): its notifications are in the inbox but never e-mailed again.
   */
  ownEmail?: true;
};

const EXCERPT_LENGTH = 240;
const DEFAULT_EMAIL_DELAY_MINUTES = 10;

export const excerptOf = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
};

/** What the push senders of every node listen to: a notification is due to be pushed now. */
export const PUSH_DUE_CHANNEL = "convene_push_due";

/**
 * Writes the notice for every recipient who may see its item, has not muted it (or what it sits in)
 * and has not turned its kind off, in the caller's transaction, and tells their open pages. One
 * statement writes all rows, however many recipients (an @channel in a large channel). Answers the
 * people notified.
 */
export async function notify(ctx: Ctx, notice: Notice): Promise<string[]> {
  const candidates = [...new Set(notice.recipients)].filter((id) => id !== notice.actor?.id);
  const recipients = await mayDeliver(ctx.db, notice.item, candidates);
  if (recipients.length === 0) return [];
  const { kind, item } = notice;
  const fallback = notificationKinds[kind].delivery;
  const scopes = [item, ...(notice.within ?? [])];
  const ids = recipients.map(() => uuidv7());
  const emailDueAt = notice.ownEmail
    ? sql`null::timestamptz`
    : sql`case delivery
        when 'email_now' then now()
        when 'email_batch' then now() + make_interval(mins => delay)
      end`;
  const result = (await ctx.db.execute(sql`
    with recipient as (
      select * from unnest(${uuidArray(ids)}, ${uuidArray(recipients)}) as r(id, user_id)
    ),
    chosen as (
      select r.id, r.user_id,
        coalesce(p.delivery, ${fallback}) as delivery,
        coalesce(s.email_delay_minutes, ${DEFAULT_EMAIL_DELAY_MINUTES}) as delay
      from recipient r
      left join ${notificationPreferences} p on p.user_id = r.user_id and p.kind = ${kind}
      left join ${notificationSettings} s on s.user_id = r.user_id
      where not exists (
        select 1 from ${notificationFollows} f
        where f.user_id = r.user_id and f.level = 'mute'
          and (${sql.join(
            scopes.map((scope) => sql`(f.item_type = ${scope.type} and f.item_id = ${scope.id})`),
            sql` or `,
          )})
      )
    )
    insert into ${notifications}
      (id, user_id, kind, item_type, item_id, item_title, url, excerpt, actor_id, actor_name, email_due_at,
       push_due_at)
    select id, user_id, ${kind}, ${item.type}, ${item.id}, ${item.title}, ${item.url},
      ${excerptOf(notice.excerpt ?? "")}, ${notice.actor?.id ?? null}::uuid, ${notice.actor?.name ?? null},
      ${emailDueAt},
      -- What reaches the person at once is also pushed to their browsers, once this transaction commits.
      case when delivery = 'email_now'
        and exists (select 1 from ${pushSubscriptions} ps where ps.user_id = chosen.user_id) then now()
      end
    from chosen where delivery <> 'off'
    returning user_id, push_due_at is not null as push_now`)) as unknown as {
    rows: { user_id: string; push_now: boolean }[];
  };
  const notified = result.rows.map((row) => row.user_id);
  if (notified.length > 0) await announceInboxChange(ctx, notified);
  if (result.rows.some((row) => row.push_now)) await wakeWorkersAfterCommit(ctx, PUSH_DUE_CHANNEL);
  return notified;
}

/** Tells the people's open pages (every device) that their inbox changed; each fetches its own count. */
async function announceInboxChange(ctx: Ctx, userIds: string[]): Promise<void> {
  await publishEvent(ctx, inboxChanged, { userIds }, {});
}

export async function unreadCountOf(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

const ENTRIES_PER_PAGE = 30;
const NOTIFICATIONS_PER_ENTRY = 10;

type Row = typeof notifications.$inferSelect;

const viewOf = (row: Row): NotificationView => ({
  id: row.id,
  kind: row.kind,
  item: { type: row.itemType, id: row.itemId, title: row.itemTitle, url: row.url },
  excerpt: row.excerpt,
  actor: row.actorId ? { id: row.actorId, name: row.actorName ?? "" } : null,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});

/**
 * The inbox: items with something for the person, the most recent first, each with its latest
 * notifications. An item the person may no longer see is left out, and its notifications marked read
 * so the bell stops counting them.
 */
export async function listInbox(
  ctx: ActorCtx,
  query: { unread?: "true" | "false"; before?: string },
): Promise<{ entries: InboxEntry[]; unreadCount: number; nextBefore: string | null }> {
  const me = ctx.actor.id;
  const latest = sql<Date>`max(${notifications.createdAt})`;
  const unreadInItem = sql<number>`(count(*) filter (where ${notifications.readAt} is null))::int`;
  const groups = await ctx.db
    .select({ itemType: notifications.itemType, itemId: notifications.itemId, latest, unread: unreadInItem })
    .from(notifications)
    .where(eq(notifications.userId, me))
    .groupBy(notifications.itemType, notifications.itemId)
    .having(
      and(
        query.before ? sql`${latest} < ${new Date(query.before).toISOString()}::timestamptz` : undefined,
        query.unread === "true" ? sql`${unreadInItem} > 0` : undefined,
      ),
    )
    .orderBy(desc(latest))
    .limit(ENTRIES_PER_PAGE + 1);
  const page = groups.slice(0, ENTRIES_PER_PAGE);
  const visible: typeof page = [];
  const gone: typeof page = [];
  for (const group of page) {
    const item = { type: group.itemType, id: group.itemId };
    ((await mayDeliver(ctx.db, item, [me])).length > 0 ? visible : gone).push(group);
  }
  if (gone.length > 0)
    await markItemsRead(
      ctx.db,
      me,
      gone.map((group) => ({ type: group.itemType, id: group.itemId })),
    );
  const rows =
    visible.length === 0
      ? []
      : await ctx.db
          .select()
          .from(notifications)
          .where(
            and(
              eq(notifications.userId, me),
              itemsCondition(visible.map((g) => ({ type: g.itemType, id: g.itemId }))),
            ),
          )
          .orderBy(desc(notifications.createdAt));
  const byItem = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.itemType}:${row.itemId}`;
    const list = byItem.get(key) ?? [];
    if (list.length < NOTIFICATIONS_PER_ENTRY) list.push(row);
    byItem.set(key, list);
  }
  const entries = visible.flatMap((group): InboxEntry[] => {
    const list = byItem.get(`${group.itemType}:${group.itemId}`) ?? [];
    const newest = list[0];
    if (!newest) return [];
    return [
      {
        item: viewOf(newest).item,
        notifications: list.map(viewOf),
        unread: group.unread,
        latestAt: newest.createdAt.toISOString(),
      },
    ];
  });
  const last = page.at(-1);
  return {
    entries,
    unreadCount: await unreadCountOf(ctx.db, me),
    nextBefore: groups.length > ENTRIES_PER_PAGE && last ? new Date(last.latest).toISOString() : null,
  };
}

const itemsCondition = (items: ItemRef[]): SQL =>
  sql`(${sql.join(
    items.map(
      (item) => sql`(${notifications.itemType} = ${item.type} and ${notifications.itemId} = ${item.id})`,
    ),
    sql` or `,
  )})`;

async function markItemsRead(db: Db, userId: string, items: ItemRef[]): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date(), emailDueAt: null })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), itemsCondition(items)));
}

/**
 * Marks notifications read (some, an item's, or all) on every device: nothing read is e-mailed later,
 * and the person's other open pages hear of it. Answers the new unread count.
 */
export async function markRead(
  ctx: ActorCtx,
  which: { ids: string[] } | { item: ItemRef } | { all: true },
): Promise<{ unreadCount: number }> {
  const me = ctx.actor.id;
  const condition =
    "ids" in which
      ? inArray(notifications.id, which.ids)
      : "item" in which
        ? itemsCondition([which.item])
        : undefined;
  const changed = await ctx.db
    .update(notifications)
    .set({ readAt: new Date(), emailDueAt: null })
    .where(and(eq(notifications.userId, me), isNull(notifications.readAt), condition))
    .returning({ id: notifications.id });
  if (changed.length > 0) await announceInboxChange(ctx, [me]);
  return { unreadCount: await unreadCountOf(ctx.db, me) };
}

/** Marks read what a person has seen where it happened (a chat channel read, a ticket opened). */
export async function markItemSeen(ctx: Ctx, userId: string, item: ItemRef): Promise<void> {
  const changed = await ctx.db
    .update(notifications)
    .set({ readAt: new Date(), emailDueAt: null })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), itemsCondition([item])))
    .returning({ id: notifications.id });
  if (changed.length > 0) await announceInboxChange(ctx, [userId]);
}

/**
 * Marks read, at once, what a person has seen of many items of one type (a channel read down to its
 * newest message): `itemIds` is a query answering the ids as text.
 */
export async function markItemsSeen(ctx: Ctx, userId: string, itemType: string, itemIds: SQL): Promise<void> {
  const changed = await ctx.db
    .update(notifications)
    .set({ readAt: new Date(), emailDueAt: null })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        eq(notifications.itemType, itemType),
        sql`${notifications.itemId} in (${itemIds})`,
      ),
    )
    .returning({ id: notifications.id });
  if (changed.length > 0) await announceInboxChange(ctx, [userId]);
}

const toClock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const toMinutes = (clock: string) => {
  const [hours, minutes] = clock.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
};

export async function getPreferences(db: Db, userId: string): Promise<NotificationPreferences> {
  const chosen = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const [settings] = await db
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId));
  const kinds = Object.fromEntries(
    kindNames.map((kind) => [kind, notificationKinds[kind].delivery]),
  ) as Record<NotificationKind, Delivery>;
  for (const row of chosen) if (row.kind in kinds) kinds[row.kind] = row.delivery;
  return {
    kinds,
    quietHours:
      settings?.quietFrom != null && settings.quietTo != null
        ? { from: toClock(settings.quietFrom), to: toClock(settings.quietTo) }
        : null,
    timeZone: settings?.timeZone ?? null,
    emailDelayMinutes: settings?.emailDelayMinutes ?? DEFAULT_EMAIL_DELAY_MINUTES,
  };
}

/** Changes what the person sent; kinds and settings left out keep theirs. */
export async function updatePreferences(
  ctx: ActorCtx,
  changes: ParsedBody<typeof updatePreferencesOperation>,
): Promise<NotificationPreferences> {
  const me = ctx.actor.id;
  await ctx.db.transaction(async (tx) => {
    const kinds = Object.entries(changes.kinds ?? {}) as [NotificationKind, Delivery][];
    if (kinds.length > 0)
      await tx
        .insert(notificationPreferences)
        .values(kinds.map(([kind, delivery]) => ({ userId: me, kind, delivery })))
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.kind],
          set: { delivery: sql`excluded.delivery` },
        });
    const settings: Partial<typeof notificationSettings.$inferInsert> = {};
    if (changes.timeZone !== undefined) settings.timeZone = changes.timeZone;
    if (changes.emailDelayMinutes !== undefined) settings.emailDelayMinutes = changes.emailDelayMinutes;
    if (changes.quietHours !== undefined) {
      settings.quietFrom = changes.quietHours ? toMinutes(changes.quietHours.from) : null;
      settings.quietTo = changes.quietHours ? toMinutes(changes.quietHours.to) : null;
    }
    if (Object.keys(settings).length > 0)
      await tx
        .insert(notificationSettings)
        .values({ userId: me, ...settings })
        .onConflictDoUpdate({ target: notificationSettings.userId, set: settings });
  });
  return getPreferences(ctx.db, me);
}

export async function followLevelOf(db: Db, userId: string, item: ItemRef): Promise<FollowLevel | null> {
  const [row] = await db
    .select({ level: notificationFollows.level })
    .from(notificationFollows)
    .where(
      and(
        eq(notificationFollows.userId, userId),
        eq(notificationFollows.itemType, item.type),
        eq(notificationFollows.itemId, item.id),
      ),
    );
  return row?.level ?? null;
}

/** The person's follow level for an item they may see; an item they may not see is not found. */
export async function getFollow(ctx: ActorCtx, item: ItemRef): Promise<{ level: FollowLevel | null }> {
  await requireVisible(ctx, item);
  return { level: await followLevelOf(ctx.db, ctx.actor.id, item) };
}

async function requireVisible(ctx: ActorCtx, item: ItemRef): Promise<void> {
  if ((await mayDeliver(ctx.db, item, [ctx.actor.id])).length === 0) throw notFound("That item");
}

/** Follows, mutes or (null) returns an item to the default, for the person acting; modules call it too. */
export async function setFollow(
  ctx: Ctx,
  userId: string,
  item: ItemRef,
  level: FollowLevel | null,
): Promise<{ level: FollowLevel | null }> {
  const where = and(
    eq(notificationFollows.userId, userId),
    eq(notificationFollows.itemType, item.type),
    eq(notificationFollows.itemId, item.id),
  );
  if (level === null) await ctx.db.delete(notificationFollows).where(where);
  else
    await ctx.db
      .insert(notificationFollows)
      .values({ userId, itemType: item.type, itemId: item.id, level })
      .onConflictDoUpdate({
        target: [notificationFollows.userId, notificationFollows.itemType, notificationFollows.itemId],
        set: { level },
      });
  return { level };
}

export async function setOwnFollow(
  ctx: ActorCtx,
  item: ItemRef,
  level: FollowLevel | null,
): Promise<{ level: FollowLevel | null }> {
  await requireVisible(ctx, item);
  return setFollow(ctx, ctx.actor.id, item, level);
}

/** The people who chose `level` for an item (the followers of a post, those who set a channel to all). */
export async function peopleAtLevel(db: Db, item: ItemRef, level: FollowLevel): Promise<string[]> {
  const [row] = await db.select({ userIds: peopleAtLevelValue(item, level) }).from(sql`(select 1) as one`);
  return row?.userIds ?? [];
}

/**
 * `peopleAtLevel` as one value (their ids, `uuid[]`) that a caller's own statement selects, so a hot
 * read asks it in the same round trip; `item.id` may be a column of that statement.
 */
export function peopleAtLevelValue(
  item: { type: string; id: string | SQL },
  level: FollowLevel,
): SQL<string[]> {
  return sql<
    string[]
  >`(select coalesce(array_agg(${notificationFollows.userId}), '{}') from ${notificationFollows}
    where ${notificationFollows.itemType} = ${item.type} and ${notificationFollows.itemId} = ${item.id}
      and ${notificationFollows.level} = ${level})`;
}
