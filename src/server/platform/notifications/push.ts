import { createECDH, createHash } from "node:crypto";
import type { Agent } from "node:https";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { MAX_PUSH_SUBSCRIPTIONS, notificationKinds } from "../../../shared/contracts/notifications.js";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { ActorCtx } from "../context.js";
import { notFound } from "../errors.js";
import { loadOnce } from "../load-once.js";
import { dataDirSecret } from "../secrets.js";
import { SerialWorker, silentLog, type WorkerLog } from "../serial-worker.js";
import { mayDeliver } from "./items.js";
import { quietUntil } from "./quiet-hours.js";
import { notificationSettings, notifications, pushSubscriptions } from "./schema.js";

export type VapidKeys = { publicKey: string; privateKey: string };

/** The Web Push client, loaded by the first push sent: most nodes send none for hours, some never. */
const loadWebPush = loadOnce(() => import("web-push"));

const KEY_FILE = "vapid-private.key";
let generatedKeys: { dataDir: string; keys: Promise<VapidKeys> } | null = null;

/**
 * The raw P-256 public key (65 bytes, base64url) of a private scalar; any 32 random bytes are a valid
 * private key but for a chance of about 2^-32, so the generated DATA_DIR secret serves as one.
 */
function vapidKeysOf(privateKey: string): VapidKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(privateKey, "base64url"));
  return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey };
}

/**
 * The key pair browser pushes are signed with (VAPID): VAPID_PRIVATE_KEY, or else a random one made on
 * first use and kept in DATA_DIR (mode 600). It must outlive restarts: every browser subscribed with the
 * public key, and a push service refuses messages signed with another.
 */
export function vapidKeys(config: Config): Promise<VapidKeys> {
  if (config.vapidPrivateKey) return Promise.resolve(vapidKeysOf(config.vapidPrivateKey));
  if (generatedKeys?.dataDir !== config.dataDir) {
    generatedKeys = {
      dataDir: config.dataDir,
      keys: dataDirSecret(config.dataDir, KEY_FILE).then(vapidKeysOf),
    };
  }
  return generatedKeys.keys;
}

/** Who sends: push services contact this address or site when a sender misbehaves. */
function vapidSubject(config: Config): string {
  if (config.publicUrl.startsWith("https://")) return config.publicUrl;
  const address = /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom;
  return `mailto:${address.trim()}`;
}

export type PushSubscriptionInput = { endpoint: string; keys: { p256dh: string; auth: string } };

/**
 * Pushes the person's at-once notifications to this browser for as long as `sessionId` (the session
 * asking) lives. An endpoint already known (the browser subscribed before, perhaps for someone who
 * signed out) now belongs to the person and this session, with these keys; beyond the limit the
 * person's oldest browser is dropped, as an old one most likely went stale.
 */
export async function subscribe(
  ctx: ActorCtx,
  input: PushSubscriptionInput,
  sessionId: string | null,
): Promise<void> {
  const me = ctx.actor.id;
  await ctx.db.transaction(async (tx) => {
    const keys = { userId: me, sessionId, p256dh: input.keys.p256dh, auth: input.keys.auth };
    await tx
      .insert(pushSubscriptions)
      .values({ endpoint: input.endpoint, ...keys })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { ...keys, createdAt: new Date(), lastSuccessAt: null },
      });
    await tx.execute(sql`
      delete from ${pushSubscriptions}
      where user_id = ${me} and id not in (
        select id from ${pushSubscriptions} where user_id = ${me}
        order by created_at desc limit ${MAX_PUSH_SUBSCRIPTIONS}
      )`);
  });
}

/** Stops pushing to one of the person's browsers; answers whether it was theirs. */
export async function forgetBrowser(db: Db, userId: string, endpoint: string): Promise<boolean> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  return removed.length > 0;
}

/** Stops pushing to the browsers that subscribed in these sessions, which have ended. */
export async function forgetSessionBrowsers(db: Db, sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length > 0)
    await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.sessionId, [...sessionIds]));
}

/** Stops pushing to one of the person's browsers; someone else's endpoint is not found. */
export async function unsubscribe(ctx: ActorCtx, endpoint: string): Promise<void> {
  if (!(await forgetBrowser(ctx.db, ctx.actor.id, endpoint))) throw notFound("That subscription");
}

export type PushPayload = { title: string; body: string; url: string; tag: string };

type Row = typeof notifications.$inferSelect;

/** What the service worker shows: the item as title, who did what as body; one tag per item. */
export function payloadOf(row: Row): PushPayload {
  const said = row.excerpt || notificationKinds[row.kind]?.label || "";
  return {
    title: row.itemTitle,
    body: row.actorName ? `${row.actorName}: ${said}` : said,
    url: row.url,
    tag: `${row.itemType}:${row.itemId}`,
  };
}

type Outcome = "done" | "retry" | { deferTo: Date };

const LEASE_MS = 60_000;
const BATCH = 20;

/**
 * Pushes notifications whose `push_due_at` has come (written by `notify` for kinds the person gets at
 * once) to the person's browsers. Rows are claimed with FOR UPDATE SKIP LOCKED and leased in a short
 * transaction, then sent outside it, so a slow push service holds no connection or lock; a node that
 * dies mid-send leaves the lease to expire and the row is pushed again (the tag collapses the repeat).
 * Visibility is asked again before sending; quiet hours move the push to their end.
 */
export class PushSender {
  /** The agent HTTPS requests go through; tests set one trusting their local push service. */
  agent: Agent | undefined;
  /** Public so tests can make retries take milliseconds. */
  retryBaseMs = 30_000;
  readonly maxAttempts = 5;
  readonly timeoutMs = 10_000;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: WorkerLog = silentLog,
  ) {
    this.worker = new SerialWorker(() => this.sendDue(), log, "push pass failed");
  }

  /** Pushes everything due now; resolves when done. Flushes run one after another in-process. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  /** Pushes what is due within a few milliseconds, in one pass with other asks meanwhile. */
  flushSoon(): void {
    this.worker.flushSoon();
  }

  start(intervalMs = 5000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      const rows = await this.db.transaction(async (tx) => {
        const due = await tx
          .select()
          .from(notifications)
          .where(lte(notifications.pushDueAt, sql`now()`))
          .orderBy(notifications.pushDueAt, notifications.id)
          .limit(BATCH)
          .for("update", { skipLocked: true });
        if (due.length > 0)
          await tx
            .update(notifications)
            .set({ pushDueAt: new Date(Date.now() + LEASE_MS) })
            .where(
              inArray(
                notifications.id,
                due.map((row) => row.id),
              ),
            );
        return due;
      });
      if (rows.length === 0) return;
      // A browser shows only the latest push of an item (one tag), so one person's pushes of one item
      // go one after another, in the order they were due; different items and people go at once.
      const sameItem = new Map<string, Row[]>();
      for (const row of rows) {
        const key = `${row.userId} ${row.itemType}:${row.itemId}`;
        sameItem.set(key, [...(sameItem.get(key) ?? []), row]);
      }
      await Promise.all(
        [...sameItem.values()].map(async (inOrder) => {
          for (const row of inOrder) {
            const outcome = await this.push(row).catch((error): Outcome => {
              this.log.warn({ err: error, notificationId: row.id }, "push failed");
              return "retry";
            });
            await this.settle(row, outcome);
          }
        }),
      );
      if (rows.length < BATCH) return;
    }
  }

  private async settle(row: Row, outcome: Outcome): Promise<void> {
    const attempts = row.pushAttempts + 1;
    const set =
      outcome === "done" || (outcome === "retry" && attempts >= this.maxAttempts)
        ? { pushDueAt: null, pushAttempts: attempts }
        : outcome === "retry"
          ? {
              pushDueAt: new Date(Date.now() + this.retryBaseMs * 4 ** (attempts - 1)),
              pushAttempts: attempts,
            }
          : // Waiting out quiet hours is no failed attempt.
            { pushDueAt: outcome.deferTo };
    await this.db.update(notifications).set(set).where(eq(notifications.id, row.id));
  }

  private async push(row: Row): Promise<Outcome> {
    if (row.readAt) return "done";
    const item = { type: row.itemType, id: row.itemId };
    if ((await mayDeliver(this.db, item, [row.userId])).length === 0) return "done";
    const [settings] = await this.db
      .select()
      .from(notificationSettings)
      .where(eq(notificationSettings.userId, row.userId));
    const quietEnd = settings ? quietUntil(settings, new Date()) : null;
    if (quietEnd) return { deferTo: quietEnd };
    const subscriptions = await this.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, row.userId));
    if (subscriptions.length === 0) return "done";
    const keys = await vapidKeys(this.config);
    const { default: webpush, WebPushError } = await loadWebPush();
    const payload = payloadOf(row);
    // A push service holding an undelivered push of the same item (browser offline) replaces it.
    const topic = createHash("sha256").update(payload.tag).digest("base64url").slice(0, 32);
    const results = await Promise.all(
      subscriptions.map(async (subscription) => {
        try {
          await webpush.sendNotification(
            {
              endpoint: subscription.endpoint,
              keys: { p256dh: subscription.p256dh, auth: subscription.auth },
            },
            JSON.stringify(payload),
            {
              topic,
              vapidDetails: { subject: vapidSubject(this.config), ...keys },
              // Undelivered after a day, it is stale: the inbox still has it.
              TTL: 24 * 3600,
              timeout: this.timeoutMs,
              ...(this.agent ? { agent: this.agent } : {}),
            },
          );
          await this.db
            .update(pushSubscriptions)
            .set({ lastSuccessAt: new Date() })
            .where(eq(pushSubscriptions.id, subscription.id));
          return true;
        } catch (error) {
          // The browser unsubscribed or the push service forgot it: it will never take a push again.
          if (error instanceof WebPushError && (error.statusCode === 404 || error.statusCode === 410)) {
            await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, subscription.id));
            return true;
          }
          this.log.warn({ err: error, subscriptionId: subscription.id }, "push to a browser failed");
          return false;
        }
      }),
    );
    return results.every(Boolean) ? "done" : "retry";
  }
}
