import type { Config } from "../../config.js";
import { renderMarkdown } from "../../platform/markdown.js";
import type { Feature, FeatureAvailability, Release } from "./contracts/releases.js";
import type { Delivery, Webhook } from "./contracts/webhooks.js";
import type { releaseFeatures, releases, webhookDeliveries, webhooks } from "./schema.js";

export type ReleaseRow = typeof releases.$inferSelect;
export type FeatureRow = typeof releaseFeatures.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export const availabilityLabels: Record<FeatureAvailability, string> = { ga: "GA", preview: "Preview" };

/** "Convene 26.3 — Better dispensing": how a release is named in the feed, mail, chat and Slack. */
export const releaseHeadline = (release: Pick<ReleaseRow, "version" | "title">) =>
  `Convene ${release.version} — ${release.title}`;

export const releasePageUrl = (config: Config, version: string) =>
  `${config.publicUrl}/releases/${encodeURIComponent(version)}`;

export function presentFeature(row: FeatureRow): Feature {
  return {
    title: row.title,
    module: row.module,
    availability: row.availability,
    description: row.description,
  };
}

export function presentRelease(
  config: Config,
  row: ReleaseRow,
  features: FeatureRow[],
  closes: Release["closes"],
): Release {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    releaseDate: row.releaseDate,
    notes: row.notes,
    notesHtml: renderMarkdown(row.notes),
    status: row.status,
    features: [...features].sort((a, b) => a.position - b.position).map(presentFeature),
    url: releasePageUrl(config, row.version),
    closes,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentWebhook(row: WebhookRow, last: DeliveryRow | null): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    lastDelivery: last
      ? { status: last.status, lastStatusCode: last.lastStatusCode, createdAt: last.createdAt.toISOString() }
      : null,
  };
}

export function presentDelivery(row: DeliveryRow, release: { id: string; version: string } | null): Delivery {
  return {
    id: row.id,
    webhookId: row.webhookId,
    release,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}
