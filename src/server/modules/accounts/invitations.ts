import { aliasedTable, and, count, desc, eq, gt, isNull, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, actingAs, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import type { Acceptance, Invitation, InvitationFilter, InvitationInput } from "./contracts/invitations.js";
import type { Me } from "./contracts/me.js";
import { invitationMail } from "./mail.js";
import { passwordSignInAllowed, USE_ORGANISATION_SIGN_IN } from "./organisation-sign-in.js";
import { emailBelongsTo, getOrganisation, normaliseEmail } from "./organisations.js";
import { invitationStatus } from "./present.js";
import { invitations, organisations, users } from "./schema.js";
import { startSession } from "./sessions.js";
import { actorOf, createUser, findUserByEmail, getMe } from "./users.js";

export const INVITATION_DAYS = 7;
export const INVITATIONS_PER_DAY = 20;

const inviter = aliasedTable(users, "inviter");

async function listInvitationViews(db: Db, where: SQL | undefined): Promise<Invitation[]> {
  const rows = await db
    .select({
      invitation: invitations,
      organisation: { id: organisations.id, name: organisations.name },
      inviter: { id: inviter.id, name: inviter.name },
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.organisationId))
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(where)
    .orderBy(desc(invitations.createdAt))
    .limit(500);
  return rows.map((row) => ({
    id: row.invitation.id,
    email: row.invitation.email,
    organisation: row.organisation,
    invitedBy: row.inviter?.id ? { id: row.inviter.id, name: row.inviter.name } : null,
    createdAt: row.invitation.createdAt.toISOString(),
    expiresAt: row.invitation.expiresAt.toISOString(),
    status: invitationStatus(row.invitation),
  }));
}

async function getInvitationView(db: Db, id: string): Promise<Invitation> {
  const [view] = await listInvitationViews(db, eq(invitations.id, id));
  if (!view) throw notFound("The invitation");
  return view;
}

/**
 * Issues a single-use invitation and e-mails its link. Any earlier pending invitation for the same
 * address is revoked, so only the newest link works.
 */
export async function issueInvitation(
  ctx: Ctx,
  input: { email: string; organisationId: string; accessRequestTicketId?: string },
): Promise<Invitation> {
  const email = normaliseEmail(input.email);
  if (await findUserByEmail(ctx.db, email)) {
    throw new AppError("conflict", "That person already has an account.", { email: "Already a member" });
  }
  const organisation = await getOrganisation(ctx.db, input.organisationId);
  await ctx.db
    .update(invitations)
    .set({ revokedAt: new Date(), revokedBy: ctx.actor?.id ?? null })
    .where(and(eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const { token, tokenHash } = newToken();
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600_000);
  const [row] = await ctx.db
    .insert(invitations)
    .values({
      tokenHash,
      email,
      organisationId: organisation.id,
      invitedBy: ctx.actor?.id ?? null,
      accessRequestTicketId: input.accessRequestTicketId ?? null,
      expiresAt,
    })
    .returning({ id: invitations.id });
  if (!row) throw new Error("invitation row was not written");
  await queueMail(
    ctx,
    invitationMail(ctx.config, {
      to: email,
      organisationName: organisation.name,
      inviterName: ctx.actor?.name ?? null,
      token,
      expiresAt,
    }),
  );
  await recordAudit(ctx, {
    action: "invitation.sent",
    targetType: "invitation",
    targetId: row.id,
    details: { email, organisation: organisation.name },
  });
  return getInvitationView(ctx.db, row.id);
}

/**
 * A member invites a colleague at one of their own organisation's domains, at most 20 a day;
 * staff may invite anyone into any organisation.
 */
export async function inviteColleague(ctx: ActorCtx, input: InvitationInput): Promise<Invitation> {
  const { actor } = ctx;
  const organisationId = input.organisationId ?? actor.organisationId;
  if (!actor.isStaff) {
    if (organisationId !== actor.organisationId)
      throw forbidden("You can only invite colleagues into your own organisation.");
    if (!(await emailBelongsTo(ctx.db, input.email, organisationId))) {
      const { domains } = await getOrganisation(ctx.db, organisationId);
      throw invalid({ email: `Use an address at your organisation's domain: ${domains.join(", ")}.` });
    }
  }
  return inTransaction(ctx, async (tx) => {
    if (!actor.isStaff) await assertUnderDailyLimit(tx.db, actor.id);
    return issueInvitation(tx, { email: input.email, organisationId });
  });
}

/**
 * Counts the inviter's invitations of the last 24 hours while holding a lock on the inviter's row,
 * so parallel requests are counted one after another and cannot all slip under the limit.
 */
async function assertUnderDailyLimit(db: Db, inviterId: string): Promise<void> {
  await db.select({ id: users.id }).from(users).where(eq(users.id, inviterId)).for("no key update");
  const since = new Date(Date.now() - 24 * 3600_000);
  const [sent] = await db
    .select({ n: count() })
    .from(invitations)
    .where(and(eq(invitations.invitedBy, inviterId), gt(invitations.createdAt, since)));
  if ((sent?.n ?? 0) >= INVITATIONS_PER_DAY) {
    throw new AppError("rate_limited", `You can send at most ${INVITATIONS_PER_DAY} invitations a day.`);
  }
}

/** Staff see every invitation; an org admin their organisation's; a member the ones they sent. */
export async function listInvitations(ctx: ActorCtx, filter: InvitationFilter): Promise<Invitation[]> {
  const { actor } = ctx;
  let scope: SQL | undefined;
  if (actor.isStaff)
    scope = filter.organisationId ? eq(invitations.organisationId, filter.organisationId) : undefined;
  else if (actor.isOrgAdmin) scope = eq(invitations.organisationId, actor.organisationId);
  else scope = eq(invitations.invitedBy, actor.id);
  const views = await listInvitationViews(ctx.db, scope);
  return filter.status ? views.filter((v) => v.status === filter.status) : views;
}

export async function revokeInvitation(ctx: ActorCtx, id: string): Promise<Invitation> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select().from(invitations).where(eq(invitations.id, id)).for("update");
    if (!row) throw notFound("The invitation");
    const allowed =
      actor.isStaff ||
      (actor.isOrgAdmin && row.organisationId === actor.organisationId) ||
      row.invitedBy === actor.id;
    if (!allowed) throw notFound("The invitation");
    if (invitationStatus(row) !== "pending") {
      throw new AppError("conflict", `This invitation is already ${invitationStatus(row)}.`);
    }
    await tx.db
      .update(invitations)
      .set({ revokedAt: new Date(), revokedBy: actor.id })
      .where(eq(invitations.id, id));
    await recordAudit(tx, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: id,
      details: { email: row.email },
    });
    return getInvitationView(tx.db, id);
  });
}

const NO_LONGER_VALID = "This invitation link is no longer valid: it has expired, been used or been revoked.";

async function findLiveInvitation(db: Db, token: string, lock: boolean) {
  const query = db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, hashToken(token)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row)
    throw new AppError("not_found", "This invitation link is not known. Check that you copied all of it.");
  if (invitationStatus(row) !== "pending") throw new AppError("gone", NO_LONGER_VALID);
  return row;
}

export async function previewInvitation(db: Db, token: string) {
  const row = await findLiveInvitation(db, token, false);
  const organisation = await getOrganisation(db, row.organisationId);
  return {
    email: row.email,
    organisation: { name: organisation.name },
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Creates the account and consumes the invitation in one transaction: a link works exactly once. */
export async function acceptInvitation(ctx: Ctx, token: string, input: Acceptance) {
  return inTransaction(ctx, async (tx) => {
    const row = await findLiveInvitation(tx.db, token, true);
    // The account would have a password its owner may not use: they join at the organisation's sign-in.
    if (!(await passwordSignInAllowed(tx.db, { organisationId: row.organisationId }))) {
      throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
    }
    const user = await createUser(tx, {
      email: row.email,
      name: input.name,
      password: input.password,
      organisationId: row.organisationId,
    });
    await tx.db
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedUserId: user.id })
      .where(eq(invitations.id, row.id));
    // The new account accepted it: the audit row names them.
    await recordAudit(actingAs(tx, actorOf(user)), {
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: row.id,
      details: { email: row.email },
    });
    return user;
  });
}

/** Accepting an invitation signs the new person in, on a fresh session. */
export async function acceptInvitationAndSignIn(
  ctx: Ctx,
  token: string,
  input: Acceptance & { userAgent: string | null },
): Promise<{ token: string; me: Me }> {
  const user = await acceptInvitation(ctx, token, input);
  const sessionToken = await startSession(ctx.db, ctx.config, {
    userId: user.id,
    ip: ctx.ip,
    userAgent: input.userAgent,
  });
  await recordAudit(actingAs(ctx, actorOf(user)), {
    action: "auth.signed_in",
    targetType: "user",
    targetId: user.id,
  });
  return { token: sessionToken, me: await getMe(ctx.db, user.id) };
}
