import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { readTogether } from "../../db/together.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, notFound } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import { markdownExcerpt, renderMarkdown } from "../../platform/markdown.js";
import { notify } from "../../platform/notifications/service.js";
import { activeUserIds, releaseEmailRecipients } from "../accounts/index.js";
import { postAnnouncement } from "../chat/index.js";
import { closeOnPublish, closesFor, writeCloses } from "./closures.js";
import { announcementBody, type ReleaseContent, releaseHtml } from "./content.js";
import type {
  Feature,
  Release,
  ReleaseChanges,
  ReleaseClosesInput,
  ReleaseInput,
  ReleasePreview,
  ReleaseStatus,
} from "./contracts/releases.js";
import { releaseMail, releaseMailContent } from "./mail.js";
import { markReleaseSeen, releaseItem } from "./notifications.js";
import { canSeeRelease, isEditable } from "./policy.js";
import {
  type FeatureRow,
  presentFeature,
  presentRelease,
  type ReleaseRow,
  releaseHeadline,
  releasePageUrl,
} from "./present.js";
import { releaseFeatures, releases } from "./schema.js";
import { slackPayload } from "./slack.js";
import { enqueueDeliveries } from "./webhooks.js";

export const RELEASE_PUBLISHED = "release.published";

/** Newest first: by date, then by version as numbers (26.10 after 26.9, a hotfix after its release). */
const newestFirst = [
  desc(releases.releaseDate),
  sql`string_to_array(${releases.version}, '.')::int[] desc`,
  desc(releases.createdAt),
];

async function featuresOf(db: Db, releaseIds: string[]): Promise<Map<string, FeatureRow[]>> {
  const byRelease = new Map<string, FeatureRow[]>(releaseIds.map((id) => [id, []]));
  if (releaseIds.length === 0) return byRelease;
  const rows = await db
    .select()
    .from(releaseFeatures)
    .where(inArray(releaseFeatures.releaseId, releaseIds))
    .orderBy(releaseFeatures.position);
  for (const row of rows) byRelease.get(row.releaseId)?.push(row);
  return byRelease;
}

async function present(ctx: Ctx, rows: ReleaseRow[]): Promise<Release[]> {
  const ids = rows.map((row) => row.id);
  const [features, closes] = await readTogether(ctx.db, [
    () => featuresOf(ctx.db, ids),
    () => closesFor(ctx.db, ctx.actor, ids),
  ]);
  return rows.map((row) =>
    presentRelease(
      ctx.config,
      row,
      features.get(row.id) ?? [],
      closes.get(row.id) ?? { ideas: [], tickets: [] },
    ),
  );
}

async function presentOne(ctx: Ctx, row: ReleaseRow): Promise<Release> {
  const [view] = await present(ctx, [row]);
  if (!view) throw notFound("The release");
  return view;
}

async function loadRelease(db: Db, id: string, lock = false): Promise<ReleaseRow> {
  const query = db.select().from(releases).where(eq(releases.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The release");
  return row;
}

/** Published releases, newest first: the public release notes and the Atom feed. */
export async function listPublishedReleases(ctx: Ctx): Promise<Release[]> {
  const rows = await ctx.db
    .select()
    .from(releases)
    .where(eq(releases.status, "published"))
    .orderBy(...newestFirst);
  return present(ctx, rows);
}

/** Every release, drafts included, for the product team's list; `status` narrows it. */
export async function listAllReleases(ctx: Ctx, filter: { status?: ReleaseStatus } = {}): Promise<Release[]> {
  const rows = await ctx.db
    .select()
    .from(releases)
    .where(filter.status ? eq(releases.status, filter.status) : undefined)
    .orderBy(...newestFirst);
  return present(ctx, rows);
}

/**
 * A release by its version, as its page opens it; a draft is missing to anyone but the product team.
 * A signed-in reader has seen what they were notified of about it.
 */
export async function getReleaseByVersion(ctx: Ctx, version: string): Promise<Release> {
  const [row] = await ctx.db.select().from(releases).where(eq(releases.version, version));
  if (!row || !canSeeRelease(ctx.actor, row)) throw notFound("The release");
  if (ctx.actor) await markReleaseSeen(ctx, ctx.actor.id, row.id);
  return presentOne(ctx, row);
}

export async function getRelease(ctx: Ctx, id: string): Promise<Release> {
  return presentOne(ctx, await loadRelease(ctx.db, id));
}

const versionTaken = (version: string) =>
  new AppError("conflict", `There is already a release ${version}.`, {
    version: `Version ${version} already exists.`,
  });

async function assertVersionFree(db: Db, version: string, exceptId?: string): Promise<void> {
  const [other] = await db.select({ id: releases.id }).from(releases).where(eq(releases.version, version));
  if (other && other.id !== exceptId) throw versionTaken(version);
}

async function writeFeatures(db: Db, releaseId: string, features: Feature[]): Promise<void> {
  await db.delete(releaseFeatures).where(eq(releaseFeatures.releaseId, releaseId));
  if (features.length === 0) return;
  await db.insert(releaseFeatures).values(
    features.map((feature, position) => ({
      releaseId,
      position,
      title: feature.title,
      module: feature.module,
      availability: feature.availability,
      description: feature.description,
    })),
  );
}

export async function createDraft(ctx: ActorCtx, input: ReleaseInput): Promise<Release> {
  try {
    const id = await inTransaction(ctx, async (tx) => {
      await assertVersionFree(tx.db, input.version);
      const [row] = await tx.db
        .insert(releases)
        .values({
          version: input.version,
          title: input.title,
          releaseDate: input.releaseDate,
          notes: input.notes,
          createdBy: ctx.actor.id,
        })
        .returning({ id: releases.id });
      if (!row) throw new Error("release row was not written");
      await writeFeatures(tx.db, row.id, input.features);
      await recordAudit(tx, {
        action: "release.created",
        targetType: "release",
        targetId: row.id,
        details: { version: input.version },
      });
      return row.id;
    });
    return getRelease(ctx, id);
  } catch (error) {
    // Two drafts of one version at the same instant: the unique index decides, the loser hears why.
    if (isUniqueViolation(error)) throw versionTaken(input.version);
    throw error;
  }
}

const publishedIsFinal = (row: ReleaseRow) =>
  new AppError("conflict", `Convene ${row.version} is published and can no longer be changed.`);

/** Changes a draft; `features`, when given, replaces the whole list in the order given. */
export async function updateDraft(ctx: Ctx, id: string, changes: ReleaseChanges): Promise<Release> {
  try {
    await inTransaction(ctx, async (tx) => {
      const row = await loadRelease(tx.db, id, true);
      if (!isEditable(row)) throw publishedIsFinal(row);
      if (changes.version !== undefined && changes.version !== row.version) {
        await assertVersionFree(tx.db, changes.version, id);
      }
      const { features, ...fields } = changes;
      await tx.db
        .update(releases)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(releases.id, id));
      if (features) await writeFeatures(tx.db, id, features);
      await recordAudit(tx, {
        action: "release.updated",
        targetType: "release",
        targetId: id,
        details: { version: changes.version ?? row.version, changed: Object.keys(changes).sort() },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.version) throw versionTaken(changes.version);
    throw error;
  }
  return getRelease(ctx, id);
}

/** Chooses what a draft closes: publishing it releases those ideas and tells those tickets' people. */
export async function setDraftCloses(ctx: ActorCtx, id: string, input: ReleaseClosesInput): Promise<Release> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadRelease(tx.db, id, true);
    if (!isEditable(row)) throw publishedIsFinal(row);
    await writeCloses(tx, id, input);
  });
  return getRelease(ctx, id);
}

export async function deleteDraft(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadRelease(tx.db, id, true);
    if (!isEditable(row)) throw publishedIsFinal(row);
    await tx.db.delete(releases).where(eq(releases.id, id));
    await recordAudit(tx, {
      action: "release.deleted",
      targetType: "release",
      targetId: id,
      details: { version: row.version },
    });
  });
}

function contentOf(config: Config, input: Omit<ReleaseInput, "features"> & { features: Feature[] }) {
  return {
    version: input.version,
    title: input.title,
    releaseDate: input.releaseDate,
    notes: input.notes,
    features: input.features,
    url: releasePageUrl(config, input.version),
  } satisfies ReleaseContent;
}

/** Everything publishing would send, rendered from a draft (saved or not) without sending it. */
export function previewRelease(config: Config, input: ReleaseInput): ReleasePreview {
  const content = contentOf(config, input);
  const announcement = announcementBody(content);
  return {
    html: releaseHtml(content),
    notesHtml: renderMarkdown(content.notes),
    announcement: { body: announcement, html: renderMarkdown(announcement) },
    email: releaseMailContent(config, content),
    slack: slackPayload(content),
  };
}

export async function previewStoredRelease(ctx: Ctx, id: string): Promise<ReleasePreview> {
  return previewRelease(ctx.config, await getRelease(ctx, id));
}

/**
 * Publishes a draft, once: the row lock makes a second publisher wait and then see it published.
 * The status change, the #announcements post, every opted-in member's e-mail, one pending
 * delivery per active webhook, what it closes (ideas released, tickets told) and the audit row commit
 * together or not at all.
 */
export async function publishRelease(ctx: ActorCtx, id: string): Promise<Release> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadRelease(tx.db, id, true);
    if (row.status === "published") {
      throw new AppError("conflict", `Convene ${row.version} is already published.`);
    }
    const features = (await featuresOf(tx.db, [id])).get(id) ?? [];
    const content = contentOf(tx.config, { ...row, features: features.map(presentFeature) });

    const { messageId } = await postAnnouncement(tx, {
      clientId: `release:${row.id}`,
      body: announcementBody(content),
    });
    await tx.db
      .update(releases)
      .set({
        status: "published",
        publishedAt: new Date(),
        publishedBy: ctx.actor.id,
        announcementMessageId: messageId,
      })
      .where(and(eq(releases.id, id), eq(releases.status, "draft")));

    // The release e-mail is this notification's e-mail: it goes out now, to whoever chose e-mail for
    // releases, and the inbox never e-mails the release a second time.
    await notify(tx, {
      kind: "releases.published",
      recipients: await activeUserIds(tx.db),
      item: {
        type: releaseItem.type,
        id: row.id,
        title: releaseHeadline(row),
        url: `/releases/${encodeURIComponent(row.version)}`,
      },
      excerpt: markdownExcerpt(row.notes),
      actor: { id: ctx.actor.id, name: ctx.actor.name },
      ownEmail: true,
    });
    const recipients = await releaseEmailRecipients(tx.db);
    for (const recipient of recipients) await queueMail(tx, releaseMail(tx.config, content, recipient.email));

    const closed = await closeOnPublish(tx, {
      id: row.id,
      headline: releaseHeadline(row),
      url: `/releases/${encodeURIComponent(row.version)}`,
    });

    const deliveries = await enqueueDeliveries(tx, {
      event: RELEASE_PUBLISHED,
      releaseId: row.id,
      payload: slackPayload(content),
    });
    await recordAudit(tx, {
      action: RELEASE_PUBLISHED,
      targetType: "release",
      targetId: row.id,
      details: {
        version: row.version,
        emails: recipients.length,
        webhooks: deliveries,
        closed,
        announcementMessageId: messageId,
      },
    });
  });
  return getRelease(ctx, id);
}
