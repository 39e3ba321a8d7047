import { and, desc, eq, isNull, ne, type SQL, sql } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Actor, type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { forgetBrowser, forgetSessionBrowsers } from "../../platform/notifications/push.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import type { Session } from "./contracts/me.js";
import { sessions, users } from "./schema.js";

/** Starts a fresh session: a new id and token on every sign-in, so a planted cookie is useless. */
export async function startSession(
  db: Db,
  config: Config,
  options: { userId: string; ip: string | null; userAgent: string | null },
): Promise<string> {
  const { token, tokenHash } = newToken();
  await db.insert(sessions).values({
    tokenHash,
    userId: options.userId,
    ip: options.ip,
    userAgent: options.userAgent?.slice(0, 500) ?? null,
    expiresAt: new Date(Date.now() + config.sessionMaxHours * 3600_000),
  });
  return token;
}

// lastSeenAt is written at most once a minute per session, not on every request.
const TOUCH_INTERVAL_MS = 60_000;

/** Every request asks it: a live session and its person, by the token's hash. */
const sessionByToken = preparedQuery((db) =>
  db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), isNull(sessions.endedAt)))
    .limit(1)
    .prepare("session_by_token"),
);

/**
 * The session's person if the token is live: not ended, not idle too long, not past its lifetime.
 * The app hands this to the platform's authentication, which knows no module's tables.
 */
export async function resolveSession(
  db: Db,
  config: Config,
  token: string,
): Promise<{ actor: Actor; sessionId: string } | null> {
  const [row] = await sessionByToken(db).execute({ tokenHash: hashToken(token) });
  if (row?.user.status !== "active") return null;
  const now = Date.now();
  const idleLimit = config.sessionIdleMinutes * 60_000;
  if (row.session.expiresAt.getTime() <= now || row.session.lastSeenAt.getTime() + idleLimit <= now) {
    await endSessions(db, eq(sessions.id, row.session.id));
    return null;
  }
  if (now - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, row.session.id));
  }
  const { user } = row;
  return {
    sessionId: row.session.id,
    actor: {
      id: user.id,
      email: user.email,
      name: user.name,
      organisationId: user.organisationId,
      isStaff: user.isStaff,
      isOrgAdmin: user.isOrgAdmin,
    },
  };
}

export async function endSession(db: Db, options: { sessionId: string; userId: string }): Promise<boolean> {
  const ended = await endSessions(
    db,
    and(eq(sessions.id, options.sessionId), eq(sessions.userId, options.userId), isNull(sessions.endedAt)),
  );
  return ended > 0;
}

/**
 * Every way a session ends comes here: the browsers that subscribed to pushes in it stop getting
 * them, so a browser signed out from elsewhere (a lost laptop) shows none of its person's pushes.
 */
function endSessions(db: Db, which: SQL | undefined): Promise<number> {
  return db.transaction(async (tx) => {
    const ended = await tx
      .update(sessions)
      .set({ endedAt: new Date() })
      .where(which)
      .returning({ id: sessions.id });
    await forgetSessionBrowsers(
      tx,
      ended.map((session) => session.id),
    );
    return ended.length;
  });
}

/** Ends every live session of a person, but for `exceptSessionId` (the one making the change). */
export async function endAllSessions(
  db: Db,
  userId: string,
  exceptSessionId?: string | null,
): Promise<number> {
  return endSessions(
    db,
    and(
      eq(sessions.userId, userId),
      isNull(sessions.endedAt),
      exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
    ),
  );
}

export async function listLiveSessions(db: Db, config: Config, userId: string) {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)))
    .orderBy(desc(sessions.lastSeenAt));
  const now = Date.now();
  return rows.filter(
    (s) => s.expiresAt.getTime() > now && s.lastSeenAt.getTime() + config.sessionIdleMinutes * 60_000 > now,
  );
}

/** The person's live sessions as their settings page lists them, the one asking marked current. */
export async function listMySessions(ctx: ActorCtx, currentSessionId: string | null): Promise<Session[]> {
  const rows = await listLiveSessions(ctx.db, ctx.config, ctx.actor.id);
  return rows.map((s) => ({
    id: s.id,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    current: s.id === currentSessionId,
  }));
}

/** Ends one of the person's own sessions; someone else's is as good as unknown. */
export async function endMySession(ctx: ActorCtx, sessionId: string): Promise<void> {
  const ended = await endSession(ctx.db, { sessionId, userId: ctx.actor.id });
  if (!ended) throw new AppError("not_found", "That session was not found among yours.");
  await recordAudit(ctx, { action: "auth.session_ended", targetType: "session", targetId: sessionId });
}

/**
 * Signing out ends the session the request came on and, named by its endpoint, stops pushing to the
 * browser it came from, in one transaction: a browser signed out of never keeps its person's pushes.
 * Ending the session already drops what the browser subscribed in it; the web names the endpoint too
 * for a subscription the session did not make (an earlier session in the same browser).
 */
export async function signOut(
  ctx: ActorCtx,
  sessionId: string | null,
  pushEndpoint: string | undefined,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (sessionId) await endSession(tx.db, { sessionId, userId: ctx.actor.id });
    if (pushEndpoint) await forgetBrowser(tx.db, ctx.actor.id, pushEndpoint);
    await recordAudit(tx, { action: "auth.signed_out", targetType: "user", targetId: ctx.actor.id });
  });
}
