import { and, count, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { outer } from "../../db/correlated.js";
import { recordAudit } from "../../platform/audit/service.js";
import type { Ctx } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import {
  type Organisation,
  type OrganisationChanges,
  type OrganisationInput,
  organisationChanged,
} from "./contracts/organisations.js";
import { organisationDomains, organisations, users } from "./schema.js";
import { listActiveStaff } from "./users.js";

export type { OrganisationInput };

export const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function listOrganisations(db: Db, ids?: string[]): Promise<Organisation[]> {
  const rows = await db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      domains: sql<
        string[]
      >`coalesce((select array_agg(d.domain order by d.domain) from ${organisationDomains} d where d.organisation_id = ${outer(organisations.id)}), '{}')`,
      memberCount: sql<number>`(select count(*)::int from ${users} u where u.organisation_id = ${outer(organisations.id)} and u.status = 'active')`,
    })
    .from(organisations)
    .where(ids ? inArray(organisations.id, ids) : undefined)
    .orderBy(organisations.name);
  return rows;
}

export async function getOrganisation(db: Db, id: string): Promise<Organisation> {
  const [row] = await listOrganisations(db, [id]);
  if (!row) throw notFound("The organisation");
  return row;
}

/** True when the address is at one of the organisation's domains (the invitation rule). */
export async function emailBelongsTo(db: Db, email: string, organisationId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(organisationDomains)
    .where(
      and(
        eq(organisationDomains.organisationId, organisationId),
        eq(organisationDomains.domain, domainOf(email)),
      ),
    );
  return (row?.n ?? 0) > 0;
}

async function assertDomainsFree(db: Db, domains: string[], exceptOrganisationId?: string): Promise<void> {
  if (domains.length === 0) return;
  const taken = await db
    .select({ domain: organisationDomains.domain, name: organisations.name })
    .from(organisationDomains)
    .innerJoin(organisations, eq(organisations.id, organisationDomains.organisationId))
    .where(
      and(
        inArray(organisationDomains.domain, domains),
        exceptOrganisationId ? ne(organisationDomains.organisationId, exceptOrganisationId) : undefined,
      ),
    );
  if (taken.length > 0) {
    const list = taken.map((t) => `${t.domain} (${t.name})`).join(", ");
    throw new AppError("conflict", `A domain already belongs to another organisation: ${list}.`, {
      domains: `Already taken: ${list}`,
    });
  }
}

async function assertNameFree(db: Db, name: string, exceptOrganisationId?: string): Promise<void> {
  const [clash] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        sql`lower(${organisations.name}) = lower(${name})`,
        exceptOrganisationId ? ne(organisations.id, exceptOrganisationId) : undefined,
      ),
    );
  if (clash)
    throw new AppError("conflict", "An organisation with that name exists.", { name: "Already in use" });
}

/** Tells the product team's open admin pages, the only ones listing organisations, that one changed. */
async function announceOrganisationChange(ctx: Ctx, organisationId: string): Promise<void> {
  const staff = await listActiveStaff(ctx.db);
  await publishEvent(
    ctx,
    organisationChanged,
    { userIds: staff.map((person) => person.id) },
    { organisationId },
  );
}

export async function createOrganisation(ctx: Ctx, input: OrganisationInput): Promise<Organisation> {
  await assertNameFree(ctx.db, input.name);
  await assertDomainsFree(ctx.db, input.domains);
  const [created] = await ctx.db
    .insert(organisations)
    .values({ name: input.name, kind: input.kind })
    .returning({ id: organisations.id });
  if (!created) throw new Error("organisation row was not written");
  if (input.domains.length > 0) {
    await ctx.db
      .insert(organisationDomains)
      .values(input.domains.map((domain) => ({ domain, organisationId: created.id })));
  }
  await recordAudit(ctx, {
    action: "organisation.created",
    targetType: "organisation",
    targetId: created.id,
    details: { ...input },
  });
  await announceOrganisationChange(ctx, created.id);
  return getOrganisation(ctx.db, created.id);
}

export async function updateOrganisation(
  ctx: Ctx,
  id: string,
  changes: OrganisationChanges,
): Promise<Organisation> {
  const before = await getOrganisation(ctx.db, id);
  if (changes.name !== undefined) await assertNameFree(ctx.db, changes.name, id);
  if (changes.domains !== undefined) {
    await assertDomainsFree(ctx.db, changes.domains, id);
    if (changes.domains.length === 0 && before.kind !== "vendor") {
      throw invalid({ domains: "An organisation needs at least one domain for invitations." });
    }
  }
  if (changes.name !== undefined || changes.kind !== undefined) {
    await ctx.db
      .update(organisations)
      .set({ name: changes.name ?? before.name, kind: changes.kind ?? before.kind })
      .where(eq(organisations.id, id));
  }
  if (changes.domains !== undefined) {
    // Only the domains given up are deleted: a kept domain keeps its identity provider's coverage,
    // which the delete would cascade away.
    await ctx.db
      .delete(organisationDomains)
      .where(
        and(
          eq(organisationDomains.organisationId, id),
          changes.domains.length > 0 ? notInArray(organisationDomains.domain, changes.domains) : undefined,
        ),
      );
    if (changes.domains.length > 0) {
      await ctx.db
        .insert(organisationDomains)
        .values(changes.domains.map((domain) => ({ domain, organisationId: id })))
        .onConflictDoNothing();
    }
  }
  await recordAudit(ctx, {
    action: "organisation.updated",
    targetType: "organisation",
    targetId: id,
    details: { before: { name: before.name, kind: before.kind, domains: before.domains }, changes },
  });
  await announceOrganisationChange(ctx, id);
  return getOrganisation(ctx.db, id);
}
