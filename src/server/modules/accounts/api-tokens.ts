import { and, desc, eq, gt, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import type { ApiTokenGrant } from "../../platform/auth/http.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { forbidden, notFound } from "../../platform/errors.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import type {
  ApiToken,
  ApiTokenFilter,
  ApiTokenInput,
  ApiTokenStatus,
  CreatedApiToken,
} from "./contracts/api-tokens.js";
import { actorOf } from "./present.js";
import { apiTokens, organisations, users } from "./schema.js";

/** What every token starts with, so secret scanners (GitHub's, gitleaks) can recognise a leaked one. */
export const API_TOKEN_PREFIX = "cvn_";
/** How much of a token is kept in the clear, to recognise it in a list: the prefix and 8 characters. */
const VISIBLE_LENGTH = API_TOKEN_PREFIX.length + 8;
// lastUsedAt, and the audit row of a token's use, are written at most once a minute per token.
const TOUCH_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 3600_000;

type TokenRow = typeof apiTokens.$inferSelect;
type OwnerRow = Pick<typeof users.$inferSelect, "id" | "name" | "email">;

function statusOf(row: TokenRow, now = Date.now()): ApiTokenStatus {
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now ? "expired" : "active";
}

function present(row: {
  token: TokenRow;
  owner: OwnerRow;
  organisation: { id: string; name: string };
}): ApiToken {
  const { token } = row;
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    access: token.access,
    area: token.area,
    owner: row.owner,
    organisation: row.organisation,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    status: statusOf(token),
  };
}

function listTokens(db: Db, where: SQL | undefined): Promise<ApiToken[]> {
  return db
    .select({
      token: apiTokens,
      owner: { id: users.id, name: users.name, email: users.email },
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(where)
    .orderBy(desc(apiTokens.createdAt))
    .limit(500)
    .then((rows) => rows.map(present));
}

async function getToken(db: Db, id: string): Promise<ApiToken> {
  const [token] = await listTokens(db, eq(apiTokens.id, id));
  if (!token) throw notFound("The API token");
  return token;
}

/** A new token of the acting person; the secret is returned here once and only its hash is kept. */
export async function createApiToken(ctx: ActorCtx, input: ApiTokenInput): Promise<CreatedApiToken> {
  const { token: secret, tokenHash } = newToken(API_TOKEN_PREFIX);
  const id = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(apiTokens)
      .values({
        tokenHash,
        prefix: secret.slice(0, VISIBLE_LENGTH),
        userId: ctx.actor.id,
        name: input.name,
        access: input.access,
        area: input.area,
        expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS),
      })
      .returning({ id: apiTokens.id });
    if (!row) throw new Error("api token row was not written");
    await recordAudit(tx, {
      action: "api_token.created",
      targetType: "api_token",
      targetId: row.id,
      details: { name: input.name, access: input.access, area: input.area, days: input.expiresInDays },
    });
    return row.id;
  });
  return { token: await getToken(ctx.db, id), secret };
}

export function listMyApiTokens(ctx: ActorCtx): Promise<ApiToken[]> {
  return listTokens(ctx.db, eq(apiTokens.userId, ctx.actor.id));
}

/** Organisation admins see their organisation's tokens, staff everyone's (or one organisation's). */
export function listApiTokens(ctx: ActorCtx, filter: ApiTokenFilter): Promise<ApiToken[]> {
  const { actor } = ctx;
  if (actor.isStaff)
    return listTokens(
      ctx.db,
      filter.organisationId ? eq(users.organisationId, filter.organisationId) : undefined,
    );
  if (actor.isOrgAdmin) return listTokens(ctx.db, eq(users.organisationId, actor.organisationId));
  throw forbidden("Only organisation admins and the product team see other people's API tokens.");
}

async function revoke(ctx: ActorCtx, token: ApiToken): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const revoked = await tx.db
      .update(apiTokens)
      .set({ revokedAt: new Date(), revokedBy: ctx.actor.id })
      .where(and(eq(apiTokens.id, token.id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    // Revoking a revoked token changes nothing and is no new event.
    if (revoked.length === 0) return;
    await recordAudit(tx, {
      action: "api_token.revoked",
      targetType: "api_token",
      targetId: token.id,
      details: { name: token.name, prefix: token.prefix, owner: token.owner.email },
    });
  });
}

/** Revokes one of the acting person's own tokens; someone else's is as good as unknown. */
export async function revokeMyApiToken(ctx: ActorCtx, id: string): Promise<void> {
  const token = await getToken(ctx.db, id);
  if (token.owner.id !== ctx.actor.id) throw notFound("The API token");
  await revoke(ctx, token);
}

/** Staff revoke any token, an organisation admin their organisation's; another's is not found. */
export async function revokeApiToken(ctx: ActorCtx, id: string): Promise<void> {
  const { actor } = ctx;
  if (!actor.isStaff && !actor.isOrgAdmin)
    throw forbidden("Only organisation admins and the product team revoke other people's API tokens.");
  const token = await getToken(ctx.db, id);
  if (!actor.isStaff && token.organisation.id !== actor.organisationId) throw notFound("The API token");
  await revoke(ctx, token);
}

/** Revokes every live token of a person (deactivation; a password change when they ask). */
export async function revokeAllApiTokens(db: Db, userId: string, revokedBy: string | null): Promise<number> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date(), revokedBy })
    .where(
      and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, new Date())),
    )
    .returning({ id: apiTokens.id });
  return revoked.length;
}

/**
 * The person a bearer token acts as, within its scope, or why it is refused. The person's standing is
 * read on every request, so deactivation stops their tokens at once. Last use is written, and audited,
 * at most once a minute per token: one conditional UPDATE decides, so concurrent requests write once.
 */
export async function resolveApiToken(
  db: Db,
  config: Config,
  secret: string,
  ip: string,
): Promise<ApiTokenGrant | { refused: string }> {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(secret)))
    .limit(1);
  if (!row) return { refused: "This API token is not valid." };
  const { token, user } = row;
  const status = statusOf(token);
  if (status === "revoked") return { refused: "This API token has been revoked." };
  if (status === "expired")
    return {
      refused: `This API token expired on ${token.expiresAt.toISOString().slice(0, 10)}; create a new one on your profile page.`,
    };
  if (user.status !== "active") return { refused: "The account this API token belongs to is deactivated." };
  const actor = actorOf(user);
  const now = new Date();
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.transaction(async (tx) => {
      const touched = await tx
        .update(apiTokens)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(apiTokens.id, token.id),
            or(
              isNull(apiTokens.lastUsedAt),
              lt(apiTokens.lastUsedAt, new Date(now.getTime() - TOUCH_INTERVAL_MS)),
            ),
          ),
        )
        .returning({ id: apiTokens.id });
      if (touched.length === 0) return;
      await recordAudit(
        { db: tx as unknown as Db, config, actor, ip },
        {
          action: "api_token.used",
          targetType: "api_token",
          targetId: token.id,
          details: { name: token.name, prefix: token.prefix },
        },
      );
    });
  }
  return { actor, token: { id: token.id, access: token.access, area: token.area } };
}
