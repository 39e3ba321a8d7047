import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { channelMembershipChanged } from "../../../shared/contracts/realtime.js";
import type { Db } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { type Actor, type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { peopleByIds, searchPeople, userSummaries } from "../accounts/index.js";
import {
  type Arrival,
  type Channel,
  type ChannelChanges,
  type ChannelInput,
  channelCreated,
  channelRead,
  channelUpdated,
  type Person,
  type ReadState,
} from "./contracts/channels.js";
import { markChannelMessagesSeen } from "./notifications.js";
import { presentChannel } from "./present.js";
import { channelMembers, channels, chatArrivals, messageMentions, messages } from "./schema.js";

type ChannelRow = typeof channels.$inferSelect;

export const ANNOUNCEMENTS_SLUG = "announcements";
const MAX_DM_PEOPLE = 8;

/** #announcements exists from install; safe to call on every start and from every node. */
/** The people in each of these direct messages but the person looking, by channel. */
export async function directMessageOthers(
  db: Db,
  viewerId: string,
  channelIds: string[],
): Promise<Map<string, Person[]>> {
  if (channelIds.length === 0) return new Map();
  const members = await db
    .select({ channelId: channelMembers.channelId, userId: channelMembers.userId })
    .from(channelMembers)
    .where(inArray(channelMembers.channelId, channelIds));
  const people = await peopleByIds(
    db,
    members.map((member) => member.userId),
  );
  const others = new Map<string, Person[]>();
  for (const member of members) {
    const person = people.get(member.userId);
    if (member.userId === viewerId || !person) continue;
    const { id, name, isStaff, organisation } = person;
    others.set(member.channelId, [
      ...(others.get(member.channelId) ?? []),
      { id, name, isStaff, organisation },
    ]);
  }
  return others;
}

/** A direct message is called by the people in it, as the person looking sees it. */
export const directMessageName = (others: Person[]): string =>
  others.map((person) => person.name).join(", ") || "Just you";

export async function ensureAnnouncementsChannel(db: Db): Promise<void> {
  await db
    .insert(channels)
    .values({
      slug: ANNOUNCEMENTS_SLUG,
      name: "announcements",
      kind: "public",
      isAnnouncements: true,
      // The header already says who posts here and where help is; a description would repeat it.
      topic: "Release announcements from the product team",
    })
    .onConflictDoNothing();
}

export async function announcementsChannel(db: Db): Promise<ChannelRow> {
  const [row] = await db.select().from(channels).where(eq(channels.isAnnouncements, true));
  if (!row) throw new Error("#announcements is missing: ensureAnnouncementsChannel was not run");
  return row;
}

/** Every channel whose events this person receives: their memberships, and #announcements. */
export async function memberChannelIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, userId)),
    )
    .where(or(eq(channels.isAnnouncements, true), sql`${channelMembers.userId} is not null`));
  return rows.map((r) => r.id);
}

export async function isMember(db: Db, channel: ChannelRow, userId: string): Promise<boolean> {
  if (channel.isAnnouncements) return true;
  const [row] = await db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(and(eq(channelMembers.channelId, channel.id), eq(channelMembers.userId, userId)));
  return row !== undefined;
}

/** Who may read a channel's messages: members, and anyone for a public channel. */
export async function canRead(db: Db, channel: ChannelRow, actor: Actor): Promise<boolean> {
  return channel.kind === "public" || (await isMember(db, channel, actor.id));
}

/** Why this person may not post top-level messages here, or null when they may. */
export function postingRefusalFor(channel: ChannelRow, actor: Actor, member: boolean): string | null {
  if (channel.archivedAt) return "This channel is archived.";
  if (channel.isAnnouncements && !actor.isStaff)
    return "Only the product team posts in #announcements; reply in a thread.";
  if (!member) return "Join the channel to post in it.";
  return null;
}

export async function postingRefusal(db: Db, channel: ChannelRow, actor: Actor): Promise<string | null> {
  return postingRefusalFor(channel, actor, await isMember(db, channel, actor.id));
}

export const mayManage = (channel: ChannelRow, actor: Actor) =>
  actor.isStaff || (channel.createdBy === actor.id && !channel.isAnnouncements);

/**
 * A channel row read with the actor's membership row (`joined`), if the actor may read it, and whether
 * they are a member (#announcements has everyone); others' private channels and DMs are reported missing.
 */
export function readableChannel<Row extends { channel: ChannelRow; joined: boolean }>(
  row: Row | undefined,
): Row & { member: boolean } {
  const member = row !== undefined && (row.channel.isAnnouncements || row.joined);
  if (!row || !(row.channel.kind === "public" || member)) throw notFound("The channel");
  return { ...row, member };
}

/** Asked by every read of a channel. */
const channelWithMembership = preparedQuery((db) =>
  db
    .select({ channel: channels, joined: sql<boolean>`${channelMembers.userId} is not null` })
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, sql.placeholder("userId"))),
    )
    .where(eq(channels.id, sql.placeholder("channelId")))
    .prepare("channel_with_membership"),
);

/** Loads a channel the actor may read; others' private channels and DMs are reported missing. */
export async function loadReadableChannel(ctx: ActorCtx, id: string): Promise<ChannelRow> {
  const [row] = await channelWithMembership(ctx.db).execute({ channelId: id, userId: ctx.actor.id });
  return readableChannel(row).channel;
}

export async function listChannels(ctx: ActorCtx, onlyId?: string): Promise<Channel[]> {
  const { db, actor } = ctx;
  const rows = await db
    .select({
      channel: channels,
      lastReadSeq: channelMembers.lastReadSeq,
      joined: sql<boolean>`${channelMembers.userId} is not null`,
      lastMessageSeq: sql<number>`coalesce((select max(m.seq) from ${messages} m where m.channel_id = ${channels.id} and (m.thread_root_id is null or m.also_to_channel)), 0)::bigint`,
      unread: sql<number>`(select count(*) from ${messages} m where m.channel_id = ${channels.id} and m.seq > coalesce(${channelMembers.lastReadSeq}, 0) and m.author_id <> ${actor.id} and m.deleted_at is null and (m.thread_root_id is null or m.also_to_channel))::int`,
      // Each message once: one that names me, or an @channel by someone else since I joined (an
      // @channel that also names me counts as the @channel).
      mentions: sql<number>`((select count(*) from ${messageMentions} mm join ${messages} m on m.id = mm.message_id where mm.channel_id = ${channels.id} and mm.user_id = ${actor.id} and mm.seq > coalesce(${channelMembers.lastReadSeq}, 0) and not m.mentions_channel)
        + (select count(*) from ${messages} m where m.channel_id = ${channels.id} and m.mentions_channel and m.seq > ${channelMembers.lastReadSeq} and m.author_id <> ${actor.id} and m.created_at >= ${channelMembers.joinedAt}))::int`,
    })
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, actor.id)),
    )
    .where(
      and(
        or(eq(channels.kind, "public"), sql`${channelMembers.userId} is not null`),
        onlyId ? eq(channels.id, onlyId) : undefined,
      ),
    )
    .orderBy(sql`${channels.isAnnouncements} desc`, channels.name);

  const dmOthers = await directMessageOthers(
    db,
    actor.id,
    rows.filter((r) => r.channel.kind === "dm").map((r) => r.channel.id),
  );

  const views: Channel[] = [];
  for (const row of rows) {
    const member = row.joined || row.channel.isAnnouncements;
    const refusal = postingRefusalFor(row.channel, actor, member);
    const others = dmOthers.get(row.channel.id) ?? [];
    views.push(
      presentChannel(row.channel, {
        name: row.channel.kind === "dm" ? directMessageName(others) : row.channel.name,
        isMember: member,
        canPost: refusal === null,
        canManage: mayManage(row.channel, actor),
        unread: member ? Number(row.unread) : 0,
        mentions: member ? Number(row.mentions) : 0,
        lastReadSeq: Number(row.lastReadSeq ?? 0),
        lastMessageSeq: Number(row.lastMessageSeq),
        members: others,
      }),
    );
  }
  return views;
}

async function channelViewFor(ctx: ActorCtx, id: string): Promise<Channel> {
  const [view] = await listChannels(ctx, id);
  if (!view) throw notFound("The channel");
  return view;
}

function audienceOf(channel: ChannelRow, userIds: string[] = []) {
  return channel.kind === "public" ? { everyone: true } : { channelId: channel.id, userIds };
}

export const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);

export async function createChannel(ctx: ActorCtx, input: ChannelInput): Promise<Channel> {
  const { actor } = ctx;
  if (!actor.isStaff && !ctx.config.membersCreateChannels) {
    throw forbidden("Only the product team creates channels in this community.");
  }
  const slug = slugify(input.name);
  if (!slug) throw invalid({ name: "Use letters or digits in the name." });
  const id = await inTransaction(ctx, async (tx) => {
    const [clash] = await tx.db.select({ id: channels.id }).from(channels).where(eq(channels.slug, slug));
    if (clash) throw new AppError("conflict", `A channel #${slug} exists.`, { name: "Already taken" });
    const [row] = await tx.db
      .insert(channels)
      .values({
        slug,
        name: slug,
        kind: input.kind,
        topic: input.topic,
        description: input.description,
        createdBy: actor.id,
      })
      .returning();
    if (!row) throw new Error("channel row was not written");
    await tx.db.insert(channelMembers).values({ channelId: row.id, userId: actor.id });
    await publishEvent(tx, channelCreated, audienceOf(row, [actor.id]), { channel: presentChannel(row) });
    await publishEvent(
      tx,
      channelMembershipChanged,
      { channelId: row.id, userIds: [actor.id] },
      { channelId: row.id, userId: actor.id, joined: true },
    );
    return row.id;
  });
  return channelViewFor(ctx, id);
}

export async function updateChannel(ctx: ActorCtx, id: string, changes: ChannelChanges): Promise<Channel> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const channel = await loadReadableChannel(tx, id);
    if (!mayManage(channel, actor))
      throw forbidden("Only the product team or the channel's creator changes it.");
    if (channel.isAnnouncements && changes.archived) throw forbidden("#announcements cannot be archived.");
    if (channel.kind === "dm" && (changes.name || changes.archived !== undefined)) {
      throw invalid({ name: "Direct messages have no name to change." });
    }
    if (changes.newcomersJoin !== undefined) {
      if (!actor.isStaff) throw forbidden("Only the product team chooses the channels newcomers join.");
      if (changes.newcomersJoin && (channel.kind !== "public" || channel.isAnnouncements))
        throw invalid({
          newcomersJoin: "Newcomers join public channels only (everyone is in #announcements).",
        });
      if (changes.newcomersJoin && channel.archivedAt && changes.archived !== false)
        throw invalid({ newcomersJoin: "This channel is archived." });
    }
    const name = changes.name ? slugify(changes.name) : undefined;
    if (name !== undefined && !name) throw invalid({ name: "Use letters or digits in the name." });
    const [row] = await tx.db
      .update(channels)
      .set({
        ...(name ? { name, slug: name } : {}),
        ...(changes.topic !== undefined ? { topic: changes.topic } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.archived !== undefined ? { archivedAt: changes.archived ? new Date() : null } : {}),
        ...(changes.newcomersJoin !== undefined ? { newcomersJoin: changes.newcomersJoin } : {}),
        // An archived channel takes no newcomers.
        ...(changes.archived ? { newcomersJoin: false } : {}),
      })
      .where(eq(channels.id, id))
      .returning();
    if (!row) throw notFound("The channel");
    await publishEvent(tx, channelUpdated, audienceOf(row), { channel: presentChannel(row) });
  });
  return channelViewFor(ctx, id);
}

async function addMembership(ctx: Ctx, channel: ChannelRow, userId: string): Promise<void> {
  const inserted = await ctx.db
    .insert(channelMembers)
    .values({ channelId: channel.id, userId })
    .onConflictDoNothing()
    .returning({ userId: channelMembers.userId });
  if (inserted.length === 0) return;
  await publishEvent(
    ctx,
    channelMembershipChanged,
    { channelId: channel.id, userIds: [userId] },
    { channelId: channel.id, userId, joined: true },
  );
}

export async function joinChannel(ctx: ActorCtx, id: string): Promise<Channel> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const channel = await loadReadableChannel(tx, id);
    if (channel.kind !== "public") throw forbidden("Private channels are joined by invitation.");
    if (channel.archivedAt) throw forbidden("This channel is archived.");
    await addMembership(tx, channel, actor.id);
  });
  return channelViewFor(ctx, id);
}

/**
 * A person's visit to chat. The first one makes them a member of the channels the product team chose
 * for newcomers (open public ones) and answers the welcome; every later one answers none.
 */
export async function arriveInChat(ctx: ActorCtx): Promise<Arrival> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const [first] = await tx.db
      .insert(chatArrivals)
      .values({ userId: actor.id })
      .onConflictDoNothing()
      .returning({ userId: chatArrivals.userId });
    if (!first) return { welcome: null };
    const chosen = await tx.db
      .select()
      .from(channels)
      .where(and(eq(channels.newcomersJoin, true), eq(channels.kind, "public"), isNull(channels.archivedAt)))
      .orderBy(channels.name);
    for (const channel of chosen) await addMembership(tx, channel, actor.id);
    return { welcome: { joined: chosen.map((channel) => ({ id: channel.id, name: channel.name })) } };
  });
}

export async function leaveChannel(ctx: ActorCtx, id: string): Promise<void> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const channel = await loadReadableChannel(tx, id);
    if (channel.isAnnouncements) throw forbidden("Everyone stays in #announcements.");
    const removed = await tx.db
      .delete(channelMembers)
      .where(and(eq(channelMembers.channelId, id), eq(channelMembers.userId, actor.id)))
      .returning({ userId: channelMembers.userId });
    if (removed.length === 0) return;
    await publishEvent(
      tx,
      channelMembershipChanged,
      { channelId: id, userIds: [actor.id] },
      { channelId: id, userId: actor.id, joined: false },
    );
  });
}

export async function listMembers(ctx: ActorCtx, id: string): Promise<Person[]> {
  const { db } = ctx;
  const channel = await loadReadableChannel(ctx, id);
  // Everyone active is in #announcements without a membership row.
  if (channel.isAnnouncements)
    return (await searchPeople(db, "", 5000)).map(({ email: _email, ...person }) => person);
  const ids = (
    await db
      .select({ userId: channelMembers.userId })
      .from(channelMembers)
      .where(eq(channelMembers.channelId, id))
  ).map((m) => m.userId);
  const people = await peopleByIds(db, ids);
  return [...people.values()]
    .map(({ email: _email, ...person }) => person)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A member of a private channel (or staff) brings someone in; public channels are joined freely. */
export async function addMember(ctx: ActorCtx, id: string, userId: string): Promise<Person[]> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const channel = await loadReadableChannel(tx, id);
    if (channel.kind === "dm") throw forbidden("Start a new direct message to include more people.");
    if (channel.isAnnouncements) throw forbidden("Everyone is in #announcements already.");
    if (!actor.isStaff && !(await isMember(tx.db, channel, actor.id)))
      throw forbidden("Join the channel first.");
    const person = (await userSummaries(tx.db, [userId])).get(userId);
    if (!person?.active) throw invalid({ userId: "Choose an active member of the community." });
    await addMembership(tx, channel, userId);
  });
  return listMembers(ctx, id);
}

/** The one DM channel of exactly these people (the actor and 1 to 7 others), made on first use. */
export async function openDirectMessage(ctx: ActorCtx, userIds: string[]): Promise<Channel> {
  const { actor } = ctx;
  const everyone = [...new Set([actor.id, ...userIds])].sort();
  if (everyone.length < 2) throw invalid({ userIds: "Choose at least one other person." });
  if (everyone.length > MAX_DM_PEOPLE)
    throw invalid({ userIds: `A direct message has at most ${MAX_DM_PEOPLE} people.` });
  const people = await userSummaries(ctx.db, everyone);
  if (everyone.some((id) => !people.get(id)?.active))
    throw invalid({ userIds: "Choose active members of the community." });
  const dmKey = everyone.join(":");
  const id = await inTransaction(ctx, async (tx) => {
    const [existing] = await tx.db
      .select()
      .from(channels)
      .where(and(eq(channels.dmKey, dmKey), isNull(channels.archivedAt)));
    if (existing) return existing.id;
    const [row] = await tx.db
      .insert(channels)
      .values({ name: "direct message", kind: "dm", dmKey, createdBy: actor.id })
      .returning();
    if (!row) throw new Error("channel row was not written");
    await tx.db.insert(channelMembers).values(everyone.map((userId) => ({ channelId: row.id, userId })));
    await publishEvent(
      tx,
      channelCreated,
      { channelId: row.id, userIds: everyone },
      { channel: presentChannel(row) },
    );
    for (const userId of everyone) {
      await publishEvent(
        tx,
        channelMembershipChanged,
        { channelId: row.id, userIds: [userId] },
        { channelId: row.id, userId, joined: true },
      );
    }
    return row.id;
  });
  return channelViewFor(ctx, id);
}

/** Moves a person's read marker forward (never back) and tells their other devices. */
export async function markRead(ctx: ActorCtx, id: string, seq: number): Promise<ReadState> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const channel = await loadReadableChannel(tx, id);
    if (!(await isMember(tx.db, channel, actor.id))) throw forbidden("Join the channel first.");
    const [before] = await tx.db
      .select({ lastReadSeq: channelMembers.lastReadSeq })
      .from(channelMembers)
      .where(and(eq(channelMembers.channelId, id), eq(channelMembers.userId, actor.id)));
    const [row] = await tx.db
      .insert(channelMembers)
      .values({ channelId: id, userId: actor.id, lastReadSeq: seq })
      .onConflictDoUpdate({
        target: [channelMembers.channelId, channelMembers.userId],
        set: { lastReadSeq: sql`greatest(${channelMembers.lastReadSeq}, ${seq})` },
      })
      .returning({ lastReadSeq: channelMembers.lastReadSeq });
    const lastReadSeq = Number(row?.lastReadSeq ?? seq);
    await markChannelMessagesSeen(tx, actor.id, id, Number(before?.lastReadSeq ?? 0), lastReadSeq);
    await publishEvent(tx, channelRead, { userIds: [actor.id] }, { channelId: id, lastReadSeq });
    const [view] = await listChannels(tx, id);
    return { channelId: id, lastReadSeq, unread: view?.unread ?? 0, mentions: view?.mentions ?? 0 };
  });
}
