import { randomBytes } from "node:crypto";
import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, notFound } from "../../platform/errors.js";
import type {
  CreatedWebhook,
  Delivery,
  Webhook,
  WebhookChanges,
  WebhookInput,
} from "./contracts/webhooks.js";
import { type DeliveryRow, presentDelivery, presentWebhook, type WebhookRow } from "./present.js";
import { releases, webhookDeliveries, webhooks } from "./schema.js";

async function loadWebhook(db: Db, id: string): Promise<WebhookRow> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  if (!row) throw notFound("The webhook");
  return row;
}

/** The newest delivery of each webhook, for the list's "last delivery" column. */
async function lastDeliveries(db: Db, webhookIds: string[]): Promise<Map<string, DeliveryRow>> {
  if (webhookIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([webhookDeliveries.webhookId])
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.webhookId, webhookIds))
    .orderBy(webhookDeliveries.webhookId, desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id));
  return new Map(rows.map((row) => [row.webhookId, row]));
}

async function presentOne(db: Db, row: WebhookRow): Promise<Webhook> {
  const last = await lastDeliveries(db, [row.id]);
  return presentWebhook(row, last.get(row.id) ?? null);
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  const rows = await db.select().from(webhooks).orderBy(desc(webhooks.active), webhooks.name);
  const last = await lastDeliveries(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => presentWebhook(row, last.get(row.id) ?? null));
}

export async function getWebhook(db: Db, id: string): Promise<Webhook> {
  return presentOne(db, await loadWebhook(db, id));
}

/** A new webhook with a fresh 256-bit signing secret, which is returned this once and never again. */
export async function createWebhook(ctx: ActorCtx, input: WebhookInput): Promise<CreatedWebhook> {
  const secret = randomBytes(32).toString("hex");
  const row = await inTransaction(ctx, async (tx) => {
    const [created] = await tx.db
      .insert(webhooks)
      .values({ name: input.name, url: input.url, secret, createdBy: ctx.actor.id })
      .returning();
    if (!created) throw new Error("webhook row was not written");
    await recordAudit(tx, {
      action: "webhook.created",
      targetType: "webhook",
      targetId: created.id,
      details: { name: input.name, url: input.url },
    });
    return created;
  });
  return { ...presentWebhook(row, null), secret };
}

export async function updateWebhook(ctx: Ctx, id: string, changes: WebhookChanges): Promise<Webhook> {
  await inTransaction(ctx, async (tx) => {
    const before = await loadWebhook(tx.db, id);
    await tx.db.update(webhooks).set(changes).where(eq(webhooks.id, id));
    await recordAudit(tx, {
      action: changes.active === false && before.active ? "webhook.deactivated" : "webhook.updated",
      targetType: "webhook",
      targetId: id,
      details: { name: changes.name ?? before.name, changed: Object.keys(changes).sort() },
    });
  });
  return getWebhook(ctx.db, id);
}

/** Deleting keeps the row (its delivery log stays readable) and stops every future delivery. */
export async function deactivateWebhook(ctx: Ctx, id: string): Promise<void> {
  await updateWebhook(ctx, id, { active: false });
}

export async function listDeliveries(db: Db, webhookId: string, limit = 100): Promise<Delivery[]> {
  await loadWebhook(db, webhookId);
  const rows = await db
    .select({ delivery: webhookDeliveries, release: { id: releases.id, version: releases.version } })
    .from(webhookDeliveries)
    .leftJoin(releases, eq(releases.id, webhookDeliveries.releaseId))
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  return rows.map(({ delivery, release }) => presentDelivery(delivery, release));
}

async function deliveryView(db: Db, id: string): Promise<Delivery> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, release: { id: releases.id, version: releases.version } })
    .from(webhookDeliveries)
    .leftJoin(releases, eq(releases.id, webhookDeliveries.releaseId))
    .where(eq(webhookDeliveries.id, id));
  if (!row) throw notFound("The delivery");
  return presentDelivery(row.delivery, row.release);
}

/**
 * One pending delivery per active webhook, in the caller's transaction: they exist only if the
 * change they announce commits. Returns how many were queued.
 */
export async function enqueueDeliveries(
  ctx: Ctx,
  input: { event: string; releaseId: string | null; payload: Record<string, unknown> },
): Promise<number> {
  const targets = await ctx.db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.active, true));
  if (targets.length === 0) return 0;
  await ctx.db.insert(webhookDeliveries).values(
    targets.map((target) => ({
      webhookId: target.id,
      releaseId: input.releaseId,
      event: input.event,
      payload: input.payload,
    })),
  );
  return targets.length;
}

/**
 * Sends a delivery's payload again as a new delivery (its own id, attempts and log), leaving the
 * original's record as it was. Only an active webhook is sent to.
 */
export async function redeliver(ctx: Ctx, deliveryId: string): Promise<Delivery> {
  const id = await inTransaction(ctx, async (tx) => {
    const [original] = await tx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, deliveryId));
    if (!original) throw notFound("The delivery");
    const webhook = await loadWebhook(tx.db, original.webhookId);
    if (!webhook.active)
      throw new AppError("conflict", `Turn the webhook "${webhook.name}" on before redelivering.`);
    const [copy] = await tx.db
      .insert(webhookDeliveries)
      .values({
        webhookId: original.webhookId,
        releaseId: original.releaseId,
        event: original.event,
        payload: original.payload,
      })
      .returning({ id: webhookDeliveries.id });
    if (!copy) throw new Error("delivery row was not written");
    await recordAudit(tx, {
      action: "webhook.redelivered",
      targetType: "webhook",
      targetId: original.webhookId,
      details: { deliveryId: copy.id, of: original.id, event: original.event },
    });
    return copy.id;
  });
  return deliveryView(ctx.db, id);
}
