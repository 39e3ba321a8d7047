import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import type { CreatedScimToken, ScimToken, ScimTokenInput } from "./contracts/scim-tokens.js";
import { getOrganisation } from "./organisations.js";
import { scimTokens, users } from "./schema.js";

/** Where an identity provider reaches SCIM, below PUBLIC_URL (outside /api: it speaks SCIM, not this API). */
export const SCIM_BASE_PATH = "/scim/v2";
/** What every SCIM token starts with, so secret scanners can recognise one, and tell it from an API token. */
const SCIM_TOKEN_PREFIX = "cvnscim_";
const VISIBLE_LENGTH = SCIM_TOKEN_PREFIX.length + 8;
// lastUsedAt is written at most once a minute per token, not on every request.
const TOUCH_INTERVAL_MS = 60_000;

export const scimBaseUrl = (config: Config) => `${config.publicUrl.replace(/\/$/, "")}${SCIM_BASE_PATH}`;

async function listTokens(db: Db, where: ReturnType<typeof eq>): Promise<ScimToken[]> {
  const rows = await db
    .select({ token: scimTokens, creator: { id: users.id, name: users.name } })
    .from(scimTokens)
    .leftJoin(users, eq(users.id, scimTokens.createdBy))
    .where(where)
    .orderBy(desc(scimTokens.createdAt));
  return rows.map(({ token, creator }) => ({
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    organisationId: token.organisationId,
    createdBy: creator,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  }));
}

export async function listScimTokens(ctx: ActorCtx, organisationId: string): Promise<ScimToken[]> {
  await getOrganisation(ctx.db, organisationId);
  return listTokens(ctx.db, eq(scimTokens.organisationId, organisationId));
}

/**
 * A new SCIM token of an organisation, its secret answered this once. It has no expiry: an identity
 * provider holds it unattended, and one that silently stopped would stop deprovisioning with it;
 * staff revoke it instead, and its last use shows whether it is still in service.
 */
export async function createScimToken(
  ctx: ActorCtx,
  organisationId: string,
  input: ScimTokenInput,
): Promise<CreatedScimToken> {
  const organisation = await getOrganisation(ctx.db, organisationId);
  const { token: secret, tokenHash } = newToken(SCIM_TOKEN_PREFIX);
  const id = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(scimTokens)
      .values({
        tokenHash,
        prefix: secret.slice(0, VISIBLE_LENGTH),
        organisationId,
        name: input.name,
        createdBy: ctx.actor.id,
      })
      .returning({ id: scimTokens.id });
    if (!row) throw new Error("scim token row was not written");
    await recordAudit(tx, {
      action: "scim_token.created",
      targetType: "scim_token",
      targetId: row.id,
      details: { name: input.name, organisation: organisation.name },
    });
    return row.id;
  });
  const [token] = await listTokens(ctx.db, eq(scimTokens.id, id));
  if (!token) throw new Error("scim token row was not read back");
  return { token, secret, baseUrl: scimBaseUrl(ctx.config) };
}

export async function revokeScimToken(ctx: ActorCtx, id: string): Promise<void> {
  const [token] = await listTokens(ctx.db, eq(scimTokens.id, id));
  if (!token) throw notFound("The SCIM token");
  await inTransaction(ctx, async (tx) => {
    const revoked = await tx.db
      .update(scimTokens)
      .set({ revokedAt: new Date(), revokedBy: ctx.actor.id })
      .where(and(eq(scimTokens.id, id), isNull(scimTokens.revokedAt)))
      .returning({ id: scimTokens.id });
    if (revoked.length === 0) return;
    await recordAudit(tx, {
      action: "scim_token.revoked",
      targetType: "scim_token",
      targetId: id,
      details: { name: token.name, prefix: token.prefix, organisationId: token.organisationId },
    });
  });
}

/** The organisation a live SCIM token provisions, or null; its last use is written once a minute at most. */
export async function resolveScimToken(
  db: Db,
  secret: string,
): Promise<{ tokenId: string; organisationId: string } | null> {
  const [token] = await db
    .select()
    .from(scimTokens)
    .where(and(eq(scimTokens.tokenHash, hashToken(secret)), isNull(scimTokens.revokedAt)))
    .limit(1);
  if (!token) return null;
  const now = new Date();
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(scimTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(scimTokens.id, token.id),
          or(
            isNull(scimTokens.lastUsedAt),
            lt(scimTokens.lastUsedAt, new Date(now.getTime() - TOUCH_INTERVAL_MS)),
          ),
        ),
      );
  }
  return { tokenId: token.id, organisationId: token.organisationId };
}
