import { count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { ADVISORY_LOCKS, lockForTransaction } from "../../../platform/advisory-locks.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { AppError, notFound } from "../../../platform/errors.js";
import { peopleByIds } from "../../accounts/index.js";
import { acceptedAt, currentAgreement } from "./access.js";
import type { AgreementInput } from "./contracts/agreement.js";
import { notifyEnvironmentPeople } from "./notifications.js";
import {
  type AcceptanceView,
  type AgreementRow,
  type AgreementVersionView,
  type AgreementView,
  presentAgreement,
  presentAgreementVersion,
} from "./present.js";
import { sandboxAgreementAcceptances, sandboxAgreements } from "./schema.js";

export const AGREEMENT_ACCEPTED = "sandbox.agreement_accepted";
export const AGREEMENT_PUBLISHED = "sandbox.agreement_published";
export const AGREEMENT_DRAFTED = "sandbox.agreement_drafted";
export const AGREEMENT_EDITED = "sandbox.agreement_edited";

async function loadAgreement(db: Db, id: string, lock = false): Promise<AgreementRow> {
  const query = db.select().from(sandboxAgreements).where(eq(sandboxAgreements.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The agreement version");
  return row;
}

/** The agreement in force and when the actor accepted it; 404 before staff publish the first version. */
export async function getCurrentAgreement(ctx: ActorCtx): Promise<AgreementView> {
  const { actor } = ctx;
  const agreement = await currentAgreement(ctx.db);
  if (!agreement) throw notFound("The Access and Use Agreement");
  return presentAgreement(agreement, await acceptedAt(ctx.db, agreement.id, actor.id));
}

/**
 * Records that the actor accepted the agreement in force, with their address and browser. Accepting
 * again is harmless (the first acceptance stands); an older or unpublished version is 409.
 */
export async function acceptAgreement(
  ctx: ActorCtx,
  agreementId: string,
  userAgent: string | null,
): Promise<AgreementView> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const agreement = await currentAgreement(tx.db);
    if (!agreement || agreement.id !== agreementId)
      throw new AppError(
        "conflict",
        "That is not the current version of the agreement. Reload the page and read the current one.",
        { agreementId: "Not the current version." },
      );
    const inserted = await tx.db
      .insert(sandboxAgreementAcceptances)
      .values({ agreementId, userId: actor.id, ip: ctx.ip, userAgent: userAgent?.slice(0, 500) ?? null })
      .onConflictDoNothing()
      .returning({ id: sandboxAgreementAcceptances.id });
    if (inserted.length > 0)
      await recordAudit(tx, {
        action: AGREEMENT_ACCEPTED,
        targetType: "sandbox_agreement",
        targetId: agreement.id,
        details: { version: agreement.version },
      });
    return presentAgreement(agreement, await acceptedAt(tx.db, agreement.id, actor.id));
  });
}

async function acceptanceCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ agreementId: sandboxAgreementAcceptances.agreementId, n: count() })
    .from(sandboxAgreementAcceptances)
    .where(inArray(sandboxAgreementAcceptances.agreementId, ids))
    .groupBy(sandboxAgreementAcceptances.agreementId);
  return new Map(rows.map((row) => [row.agreementId, Number(row.n)]));
}

async function presentVersions(db: Db, rows: AgreementRow[]): Promise<AgreementVersionView[]> {
  const current = await currentAgreement(db);
  const counts = await acceptanceCounts(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => presentAgreementVersion(row, current?.id ?? null, counts.get(row.id) ?? 0));
}

async function presentVersion(db: Db, row: AgreementRow): Promise<AgreementVersionView> {
  const [view] = await presentVersions(db, [row]);
  if (!view) throw notFound("The agreement version");
  return view;
}

/** Every version, newest first, drafts included. */
export async function listAgreementVersions(ctx: Ctx): Promise<AgreementVersionView[]> {
  const rows = await ctx.db.select().from(sandboxAgreements).orderBy(desc(sandboxAgreements.version));
  return presentVersions(ctx.db, rows);
}

export async function getAgreementVersion(ctx: Ctx, id: string): Promise<AgreementVersionView> {
  return presentVersion(ctx.db, await loadAgreement(ctx.db, id));
}

/** A new draft, numbered after every existing version. */
export async function createAgreementDraft(
  ctx: ActorCtx,
  input: AgreementInput,
): Promise<AgreementVersionView> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    // One numbering at a time, so two drafts started together do not take the same number.
    await lockForTransaction(tx.db, ADVISORY_LOCKS.agreementVersion);
    const [last] = await tx.db
      .select({ version: sandboxAgreements.version })
      .from(sandboxAgreements)
      .orderBy(desc(sandboxAgreements.version))
      .limit(1);
    const [row] = await tx.db
      .insert(sandboxAgreements)
      .values({
        version: (last?.version ?? 0) + 1,
        title: input.title,
        body: input.body,
        createdBy: actor.id,
      })
      .returning();
    if (!row) throw new Error("the agreement draft was not written");
    await recordAudit(tx, {
      action: AGREEMENT_DRAFTED,
      targetType: "sandbox_agreement",
      targetId: row.id,
      details: { version: row.version },
    });
    return presentVersion(tx.db, row);
  });
}

export async function updateAgreementDraft(
  ctx: Ctx,
  id: string,
  changes: Partial<AgreementInput>,
): Promise<AgreementVersionView> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadAgreement(tx.db, id, true);
    if (row.status !== "draft")
      throw new AppError("conflict", "A published version cannot be changed; start a new draft instead.");
    const [updated] = await tx.db
      .update(sandboxAgreements)
      .set({
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.body !== undefined ? { body: changes.body } : {}),
      })
      .where(eq(sandboxAgreements.id, id))
      .returning();
    if (!updated) throw notFound("The agreement version");
    await recordAudit(tx, {
      action: AGREEMENT_EDITED,
      targetType: "sandbox_agreement",
      targetId: id,
      details: { version: row.version, fields: Object.keys(changes) },
    });
    return presentVersion(tx.db, updated);
  });
}

/**
 * Puts a draft in force. From then on everyone, staff included, must accept it before using the
 * sandbox again. A draft older than the version in force cannot be published (409).
 */
export async function publishAgreement(ctx: ActorCtx, id: string): Promise<AgreementVersionView> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const row = await loadAgreement(tx.db, id, true);
    if (row.status !== "draft")
      throw new AppError("conflict", `Version ${row.version} is already published.`);
    const current = await currentAgreement(tx.db);
    if (current && current.version > row.version)
      throw new AppError(
        "conflict",
        `Version ${current.version} is newer and already in force; start a new draft instead.`,
      );
    const [published] = await tx.db
      .update(sandboxAgreements)
      .set({ status: "published", publishedAt: new Date(), publishedBy: actor.id })
      .where(eq(sandboxAgreements.id, id))
      .returning();
    if (!published) throw notFound("The agreement version");
    await recordAudit(tx, {
      action: AGREEMENT_PUBLISHED,
      targetType: "sandbox_agreement",
      targetId: id,
      details: { version: published.version, title: published.title },
    });
    await notifyEnvironmentPeople(tx, {
      kind: "sandbox.agreement",
      item: {
        type: "agreement",
        id: published.id,
        title: `${published.title} (version ${published.version})`,
        url: "/sandbox/agreement",
      },
      excerpt: "Read and accept it to keep using the development environment.",
    });
    return presentVersion(tx.db, published);
  });
}

/** Who accepted a version, newest first: person, organisation, time and address. */
export async function listAcceptances(ctx: Ctx, id: string): Promise<AcceptanceView[]> {
  await loadAgreement(ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(sandboxAgreementAcceptances)
    .where(eq(sandboxAgreementAcceptances.agreementId, id))
    .orderBy(desc(sandboxAgreementAcceptances.acceptedAt));
  const people = await peopleByIds(
    ctx.db,
    rows.map((row) => row.userId),
  );
  return rows.map((row) => {
    const person = people.get(row.userId);
    return {
      person: { id: row.userId, name: person?.name ?? "Unknown person", email: person?.email ?? "" },
      organisation: person?.organisation ?? null,
      acceptedAt: row.acceptedAt.toISOString(),
      ip: row.ip,
      userAgent: row.userAgent,
    };
  });
}
