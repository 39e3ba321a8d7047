import { randomUUID } from "node:crypto";
import type {} from "@fastify/websocket";
import { and, asc, gt, inArray, max, min, or, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { channelMembershipChanged } from "../../../shared/contracts/realtime.js";
import type { ActivityScope } from "../../../shared/events.js";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { isSameOrigin, requireActor } from "../auth/http.js";
import type { Actor, ActorCtx } from "../context.js";
import { AppError } from "../errors.js";
import type { Ephemeral, EventHub, EventRow } from "./hub.js";
import { type PresenceSnapshotPart, PresenceSnapshots, presenceSnapshotParts } from "./presence-snapshot.js";
import { events } from "./schema.js";

type Connection = {
  socket: WebSocket;
  actor: Actor;
  userId: string;
  name: string;
  channels: Set<string>;
  /** The activity scopes (`<name>:<id>`) this socket may hear of, each allowed by its module. */
  watching: Set<string>;
  /** When this socket last told each scope what its person is doing. */
  lastActivityAt: Map<string, number>;
  /** The scopes in which this socket's person is active: left when the socket stops watching or closes. */
  activeIn: Set<string>;
  /** Client frames are handled one after another: a watch is decided before the activity that follows it. */
  handling: Promise<void>;
  /** Highest event id sent on this socket: anything at or below it is a duplicate. */
  lastSentId: number;
  /** Live events that arrived while the replay was being read. */
  pending: EventRow[] | null;
  alive: boolean;
  /** Which of the heartbeat's slices pings this socket. */
  heartbeatSlice: number;
  lastTypingAt: number;
};

export type GatewayOptions = {
  /** The channels whose events this person may receive (chat decides). */
  channelsOf: (userId: string) => Promise<string[]>;
  retentionDays: number;
};

/** A socket that cannot keep up is closed; its client reconnects with its last id and catches up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const REPLAY_BATCH = 1000;
const HEARTBEAT_MS = 30_000;
/**
 * Each socket is pinged once per HEARTBEAT_MS, in one of this many slices: pinging thousands of sockets
 * in one turn of the event loop held every message behind it for tens of milliseconds.
 */
const HEARTBEAT_SLICES = 30;
const PRESENCE_SNAPSHOT_MS = 20_000;
const PRESENCE_EXPIRY_MS = 3 * PRESENCE_SNAPSHOT_MS;
const TYPING_MIN_INTERVAL_MS = 1000;
const ACTIVITY_MIN_INTERVAL_MS = 1000;
/** A page watches the one or two items it shows; more from one socket is a client gone wrong. */
const MAX_WATCHED_SCOPES = 16;
/** A scope is a declared name and an item's id; anything longer names nothing, and is not echoed. */
const MAX_SCOPE_LENGTH = 200;
const PRESENCE_FLUSH_MS = 1000;

/**
 * Decides whether a person may hear what others are doing on one item (and tell them): the same rule
 * as reading the item, so a staff-only document's editors are shown to staff alone.
 */
export type ActivityGate = (ctx: ActorCtx, itemId: string) => Promise<boolean>;

/**
 * The WebSocket endpoint: authenticates by session cookie, checks Origin, replays what a client
 * missed after its last event id, then streams live events it may see. Typing and presence are
 * ephemeral signals shared between nodes through the hub.
 */
export class Gateway {
  private readonly connections = new Set<Connection>();
  /** Sockets by the channels their person is a member of, and by person: who a row may concern. */
  private readonly byChannel = new SetsByKey<string, Connection>();
  private readonly byPerson = new SetsByKey<string, Connection>();
  /** Sockets reading what they missed: live rows wait in their `pending` until the replay ends. */
  private readonly replaying = new Set<Connection>();
  private readonly snapshots = new PresenceSnapshots();
  private heartbeatTick = 0;
  private readonly nodeId = randomUUID();
  /** Who is online on each node, from their snapshots and changes (this node included). */
  private readonly presenceByNode = new Map<string, { userIds: Set<string>; seenAt: number }>();
  private timers: NodeJS.Timeout[] = [];
  private presenceDirty = false;
  /** Who this node last told its sockets is online. */
  private announcedOnline = new Set<string>();
  private unsubscribe: (() => void)[] = [];
  private readonly activityGates = new Map<string, ActivityGate>();

  constructor(
    private readonly hub: EventHub,
    private readonly db: Db,
    private readonly config: Config,
    private readonly options: GatewayOptions,
  ) {}

  start(): void {
    this.unsubscribe.push(this.hub.subscribe((rows) => this.deliver(rows)));
    this.unsubscribe.push(this.hub.subscribeEphemeral((signal) => this.onEphemeral(signal)));
    const heartbeat = setInterval(() => this.heartbeat(), HEARTBEAT_MS / HEARTBEAT_SLICES);
    const snapshot = setInterval(() => void this.sendPresenceSnapshot(), PRESENCE_SNAPSHOT_MS);
    const presence = setInterval(() => this.flushPresence(), PRESENCE_FLUSH_MS);
    for (const timer of [heartbeat, snapshot, presence]) timer.unref();
    this.timers.push(heartbeat, snapshot, presence);
  }

  /**
   * Closes every socket with 1012 (service restart): the client reconnects, to another node or to this
   * one restarted, after its last event id, so nothing published meanwhile is lost.
   */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const connection of this.connections)
      connection.socket.close(1012, "service restart: reconnect with your last event id");
  }

  /** Everyone online on any node. */
  onlineUserIds(): string[] {
    const now = Date.now();
    const online = new Set<string>();
    for (const [nodeId, entry] of this.presenceByNode) {
      if (nodeId !== this.nodeId && now - entry.seenAt > PRESENCE_EXPIRY_MS) continue;
      for (const id of entry.userIds) online.add(id);
    }
    return [...online];
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Lets pages watch a module's items for what others are doing on them (`{ type: "watch", scope }`,
   * then `{ type: "activity", scope, state }`): `mayWatch` is asked once per watch, with the person's
   * own context, and a refused or unknown scope is ignored.
   */
  allowActivity(scope: ActivityScope, mayWatch: ActivityGate): void {
    if (this.activityGates.has(scope.name)) throw new Error(`activity scope ${scope.name} is declared twice`);
    this.activityGates.set(scope.name, mayWatch);
  }

  register(app: FastifyInstance): void {
    app.get(
      "/api/ws",
      {
        websocket: true,
        schema: {
          hide: true,
          querystring: z.object({ after: z.coerce.number().int().min(0).optional() }),
        },
        preValidation: async (request) => {
          if (!request.headers.origin || !isSameOrigin(request, this.config)) {
            throw new AppError("csrf", "WebSocket connections are accepted from this site only.");
          }
        },
      },
      (socket, request) => {
        const actor = requireActor(request);
        const { after } = request.query as { after?: number };
        void this.open(socket, actor, after);
      },
    );
  }

  private async open(socket: WebSocket, actor: Actor, after: number | undefined) {
    const person = { userId: actor.id, name: actor.name };
    const connection: Connection = {
      socket,
      actor,
      userId: person.userId,
      name: person.name,
      channels: new Set(),
      watching: new Set(),
      lastActivityAt: new Map(),
      activeIn: new Set(),
      handling: Promise.resolve(),
      lastSentId: 0,
      pending: [],
      alive: true,
      heartbeatSlice: Math.floor(Math.random() * HEARTBEAT_SLICES),
      lastTypingAt: 0,
    };
    this.connections.add(connection);
    this.byPerson.add(connection.userId, connection);
    this.replaying.add(connection);
    socket.on("pong", () => {
      connection.alive = true;
    });
    socket.on("message", (data) => {
      connection.handling = connection.handling
        .then(() => this.onClientMessage(connection, data.toString()))
        .catch(() => undefined);
    });
    socket.on("close", () => this.close(connection));
    socket.on("error", () => this.close(connection));
    try {
      connection.channels = new Set(await this.options.channelsOf(person.userId));
      // Closed meanwhile: nothing of it may stay in the lookups.
      if (!this.connections.has(connection)) return;
      for (const channelId of connection.channels) this.byChannel.add(channelId, connection);
      if (after !== undefined && after > 0) {
        if (await this.gapTooOld(after)) {
          this.send(connection, JSON.stringify({ type: "reset", reason: "events_expired" }));
          connection.lastSentId = this.hub.lastEventId;
        } else {
          connection.lastSentId = after;
          await this.replay(connection);
        }
      } else {
        connection.lastSentId = this.hub.lastEventId;
      }
      const buffered = connection.pending ?? [];
      connection.pending = null;
      this.replaying.delete(connection);
      this.deliverTo(connection, buffered);
      // The person is online from this moment, though the other nodes hear of it only after the hello.
      const online = [...new Set([...this.onlineUserIds(), person.userId])];
      this.send(connection, JSON.stringify({ type: "hello", lastEventId: connection.lastSentId, online }));
      await this.markOnline(person.userId, true);
    } catch {
      socket.close(1011, "could not start the event stream");
    }
  }

  /**
   * True when events after `after` were pruned, or when `after` is beyond anything this database
   * ever wrote (a client of another installation). A node that is merely behind is not a gap: the
   * replay reads the table, not this node's cursor.
   */
  private async gapTooOld(after: number): Promise<boolean> {
    const [row] = await this.db.select({ oldest: min(events.id), newest: max(events.id) }).from(events);
    const oldest = row?.oldest ?? null;
    const newest = row?.newest ?? 0;
    if (after > newest) return true;
    return oldest !== null && after < oldest - 1;
  }

  private visibleCondition(connection: Connection) {
    const channelIds = [...connection.channels];
    return or(
      sql`${events.everyone}`,
      channelIds.length > 0 ? inArray(events.channelId, channelIds) : undefined,
      sql`${events.userIds} @> array[${connection.userId}]::uuid[]`,
    );
  }

  private async replay(connection: Connection): Promise<void> {
    for (;;) {
      const rows = await this.db
        .select()
        .from(events)
        .where(and(gt(events.id, connection.lastSentId), this.visibleCondition(connection)))
        .orderBy(asc(events.id))
        .limit(REPLAY_BATCH);
      this.deliverTo(connection, rows, true);
      if (rows.length < REPLAY_BATCH) return;
    }
  }

  /**
   * Hands each row, in id order, to the sockets it may concern: everyone's, its channel's members', its
   * named people's (and, for a membership change, the person's, whose channels change first). Looked
   * up by channel and person, so a batch costs its recipients, not every socket of the node times
   * every row. A socket still replaying keeps the rows for after its replay.
   */
  private deliver(rows: EventRow[]): void {
    for (const connection of this.replaying) connection.pending?.push(...rows);
    for (const row of rows) {
      if (row.everyone) {
        for (const connection of this.connections) this.deliverLive(connection, row);
        continue;
      }
      if (row.topic === channelMembershipChanged.topic) {
        const { userId } = row.payload as { userId?: string };
        for (const connection of (userId && this.byPerson.get(userId)) || [])
          this.deliverLive(connection, row);
      }
      if (row.channelId !== null) {
        for (const connection of this.byChannel.get(row.channelId) ?? []) this.deliverLive(connection, row);
      }
      for (const userId of row.userIds ?? []) {
        for (const connection of this.byPerson.get(userId) ?? []) this.deliverLive(connection, row);
      }
    }
  }

  private deliverLive(connection: Connection, row: EventRow): void {
    if (!connection.pending) this.deliverRow(connection, row);
  }

  private deliverTo(connection: Connection, rows: EventRow[], replaying = false): void {
    for (const row of rows) this.deliverRow(connection, row, replaying);
  }

  /** Sends a row once to a socket that may see it; a row it was sent already is skipped. */
  private deliverRow(connection: Connection, row: EventRow, replaying = false): void {
    if (row.id <= connection.lastSentId) return;
    if (row.topic === channelMembershipChanged.topic) this.applyMembership(connection, row);
    const visible =
      row.everyone ||
      (row.channelId !== null && connection.channels.has(row.channelId)) ||
      (row.userIds?.includes(connection.userId) ?? false);
    // A replayed row was selected for this person already; membership may have changed since.
    if (!visible && !replaying) return;
    connection.lastSentId = row.id;
    this.send(connection, frameOf(row));
  }

  private applyMembership(connection: Connection, row: EventRow): void {
    const payload = row.payload as { channelId?: string; userId?: string; joined?: boolean };
    if (payload.userId !== connection.userId || !payload.channelId) return;
    if (payload.joined) {
      connection.channels.add(payload.channelId);
      this.byChannel.add(payload.channelId, connection);
    } else {
      connection.channels.delete(payload.channelId);
      this.byChannel.remove(payload.channelId, connection);
    }
  }

  private send(connection: Connection, frame: string | Buffer): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    if (connection.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      connection.socket.close(1013, "too far behind; reconnect with your last event id");
      return;
    }
    // A text frame even from bytes: browsers parse it as the JSON it is.
    connection.socket.send(frame, { binary: false });
  }

  private async onClientMessage(connection: Connection, text: string): Promise<void> {
    let message: { type?: unknown; channelId?: unknown; scope?: unknown; state?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.type === "typing") return this.onTyping(connection, message.channelId);
    const { scope } = message;
    if (typeof scope !== "string" || scope.length > MAX_SCOPE_LENGTH) return;
    if (message.type === "watch") await this.watch(connection, scope);
    else if (message.type === "unwatch") await this.unwatch(connection, scope);
    else if (message.type === "activity") await this.onActivity(connection, scope, message.state);
  }

  private onTyping(connection: Connection, channelId: unknown): void {
    // Clients send typing at most every 3 s; anything faster is dropped before it costs a NOTIFY.
    if (
      typeof channelId === "string" &&
      connection.channels.has(channelId) &&
      Date.now() - connection.lastTypingAt >= TYPING_MIN_INTERVAL_MS
    ) {
      connection.lastTypingAt = Date.now();
      void this.hub
        .sendEphemeral({ type: "typing", channelId, userId: connection.userId, name: connection.name })
        .catch(() => undefined);
    }
  }

  /**
   * Adds a scope the person may watch, their module deciding as it decides who reads the item, and
   * answers `{ type: "watch", scope, allowed }`.
   */
  private async watch(connection: Connection, scope: string): Promise<void> {
    const allowed = connection.watching.has(scope) || (await this.mayWatch(connection, scope));
    if (allowed) connection.watching.add(scope);
    this.send(connection, JSON.stringify({ type: "watch", scope, allowed }));
  }

  private async unwatch(connection: Connection, scope: string): Promise<void> {
    await this.stopActivity(connection, scope);
    connection.watching.delete(scope);
    connection.lastActivityAt.delete(scope);
  }

  /** A person who leaves an item (or closes the page) stops whatever they were doing on it. */
  private async stopActivity(connection: Connection, scope: string): Promise<void> {
    if (!connection.activeIn.delete(scope)) return;
    await this.hub
      .sendEphemeral({
        type: "activity",
        scope,
        state: "stopped",
        userId: connection.userId,
        name: connection.name,
      })
      .catch(() => undefined);
  }

  private async mayWatch(connection: Connection, scope: string): Promise<boolean> {
    if (connection.watching.size >= MAX_WATCHED_SCOPES) return false;
    const separator = scope.indexOf(":");
    const gate = separator > 0 ? this.activityGates.get(scope.slice(0, separator)) : undefined;
    if (!gate) return false;
    const ctx: ActorCtx = { db: this.db, config: this.config, actor: connection.actor, ip: null };
    return gate(ctx, scope.slice(separator + 1)).catch(() => false);
  }

  /**
   * Passes on what the person does in a scope they watch. Awaited, so one socket's signals reach the
   * others in the order it sent them.
   */
  private async onActivity(connection: Connection, scope: string, state: unknown): Promise<void> {
    if (!connection.watching.has(scope) || (state !== "active" && state !== "stopped")) return;
    if (state === "stopped") return this.stopActivity(connection, scope);
    const last = connection.lastActivityAt.get(scope) ?? 0;
    if (Date.now() - last < ACTIVITY_MIN_INTERVAL_MS) return;
    connection.lastActivityAt.set(scope, Date.now());
    connection.activeIn.add(scope);
    await this.hub
      .sendEphemeral({ type: "activity", scope, state, userId: connection.userId, name: connection.name })
      .catch(() => undefined);
  }

  private onEphemeral(signal: Ephemeral): void {
    if (signal.type === "activity") {
      const frame = JSON.stringify(signal);
      for (const connection of this.connections) {
        if (connection.userId !== signal.userId && connection.watching.has(String(signal.scope))) {
          this.send(connection, frame);
        }
      }
      return;
    }
    if (signal.type === "typing") {
      const frame = JSON.stringify(signal);
      for (const connection of this.connections) {
        if (connection.userId !== signal.userId && connection.channels.has(String(signal.channelId))) {
          this.send(connection, frame);
        }
      }
      return;
    }
    if (signal.type === "presence" || signal.type === "presence-snapshot") {
      const nodeId = String(signal.nodeId);
      const entry = this.presenceByNode.get(nodeId) ?? { userIds: new Set<string>(), seenAt: 0 };
      entry.seenAt = Date.now();
      if (signal.type === "presence-snapshot") {
        const whole = this.snapshots.add(signal as PresenceSnapshotPart);
        if (whole) entry.userIds = whole;
      } else if (signal.online) entry.userIds.add(String(signal.userId));
      else entry.userIds.delete(String(signal.userId));
      this.presenceByNode.set(nodeId, entry);
      this.presenceDirty = true;
    }
  }

  /**
   * Sends what changed in who is online since the last flush, as one frame per socket. Batching
   * keeps a reconnect storm of N clients at about N frames a second instead of N x N.
   */
  private flushPresence(): void {
    if (!this.presenceDirty) return;
    this.presenceDirty = false;
    const online = new Set(this.onlineUserIds());
    const changes: { userId: string; online: boolean }[] = [];
    for (const userId of online)
      if (!this.announcedOnline.has(userId)) changes.push({ userId, online: true });
    for (const userId of this.announcedOnline)
      if (!online.has(userId)) changes.push({ userId, online: false });
    this.announcedOnline = online;
    if (changes.length === 0) return;
    const frame = JSON.stringify({ type: "presence", changes });
    for (const connection of this.connections) this.send(connection, frame);
  }

  private async markOnline(userId: string, online: boolean): Promise<void> {
    const sockets = this.byPerson.get(userId)?.size ?? 0;
    // Only the first socket in and the last socket out change anything.
    if ((online && sockets !== 1) || (!online && sockets !== 0)) return;
    await this.hub
      .sendEphemeral({ type: "presence", nodeId: this.nodeId, userId, online })
      .catch(() => undefined);
  }

  private async sendPresenceSnapshot(): Promise<void> {
    for (const part of presenceSnapshotParts(this.nodeId, [...this.byPerson.keys()]))
      await this.hub.sendEphemeral(part).catch(() => undefined);
  }

  private close(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.byPerson.remove(connection.userId, connection);
    for (const channelId of connection.channels) this.byChannel.remove(channelId, connection);
    this.replaying.delete(connection);
    void this.markOnline(connection.userId, false);
    for (const scope of connection.activeIn) void this.stopActivity(connection, scope);
  }

  private heartbeat(): void {
    this.heartbeatTick = (this.heartbeatTick + 1) % HEARTBEAT_SLICES;
    for (const connection of this.connections) {
      if (connection.heartbeatSlice !== this.heartbeatTick) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        this.close(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

/** Sets of values by key, where an emptied set goes with its key. */
class SetsByKey<Key, Value> {
  private readonly sets = new Map<Key, Set<Value>>();

  get(key: Key): ReadonlySet<Value> | undefined {
    return this.sets.get(key);
  }

  keys(): IterableIterator<Key> {
    return this.sets.keys();
  }

  add(key: Key, value: Value): void {
    const set = this.sets.get(key);
    if (set) set.add(value);
    else this.sets.set(key, new Set([value]));
  }

  remove(key: Key, value: Value): void {
    const set = this.sets.get(key);
    if (set?.delete(value) && set.size === 0) this.sets.delete(key);
  }
}

/**
 * Each row's frame, made once per node: one event goes to every member's socket, and encoding it
 * per socket (JSON, then UTF-8) was most of a busy node's fan-out time. A replayed row is its own
 * object, read for one socket, and leaves the cache with it.
 */
const frames = new WeakMap<EventRow, Buffer>();

function frameOf(row: EventRow): Buffer {
  let frame = frames.get(row);
  if (!frame) {
    frame = Buffer.from(
      JSON.stringify({
        type: "event",
        id: row.id,
        topic: row.topic,
        payload: row.payload,
        at: row.createdAt,
      }),
    );
    frames.set(row, frame);
  }
  return frame;
}
