/**
 * The people an import brings who have no account here. Each becomes a placeholder: a deactivated
 * account with no password that holds their history (messages keep their author) until an
 * invitation, sign-in through their organisation or provisioning for the address claims it
 * (createUser). Their organisation is the one whose domain their address is in; a domain no
 * organisation has yet gets a customer organisation of its own, named after it.
 */

import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import type { ActorCtx } from "../../platform/context.js";
import { domainOf, normaliseEmail } from "./organisations.js";
import { organisationDomains, organisations, users } from "./schema.js";

/** The one account that writes for people an import leaves out (skipped, bots, no address). */
export const FORMER_MEMBER_EMAIL = "former-member@import.invalid";
const FORMER_MEMBER_NAME = "Former member";

export type AccountOfAddress = { id: string; placeholder: boolean; name: string };

/** Accounts and earlier placeholders of these addresses, by address. */
export async function accountsOfAddresses(db: Db, emails: string[]): Promise<Map<string, AccountOfAddress>> {
  const wanted = [...new Set(emails.map(normaliseEmail))];
  const found = new Map<string, AccountOfAddress>();
  for (let start = 0; start < wanted.length; start += 1000) {
    const rows = await db
      .select({ id: users.id, email: users.email, name: users.name, placeholder: users.placeholder })
      .from(users)
      .where(inArray(users.email, wanted.slice(start, start + 1000)));
    for (const row of rows)
      found.set(row.email, { id: row.id, placeholder: row.placeholder, name: row.name });
  }
  return found;
}

/** The organisation each domain belongs to, by domain (domains no organisation has are absent). */
export async function organisationsOfDomains(db: Db, domains: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(domains.map((domain) => domain.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ domain: organisationDomains.domain, name: organisations.name })
    .from(organisationDomains)
    .innerJoin(organisations, eq(organisations.id, organisationDomains.organisationId))
    .where(inArray(organisationDomains.domain, wanted));
  return new Map(rows.map((row) => [row.domain, row.name]));
}

/**
 * Makes placeholders for these people (none of whom has an account), and the organisations of
 * domains nobody has yet, in the caller's transaction; returns their ids by address.
 */
export async function createPlaceholders(
  ctx: ActorCtx,
  people: { email: string; name: string }[],
  source: string,
): Promise<Map<string, string>> {
  const byEmail = new Map(
    people.map((person) => [normaliseEmail(person.email), person.name.trim() || person.email]),
  );
  const domains = [...new Set([...byEmail.keys()].map(domainOf))];
  const organisationOf = new Map<string, string>();
  for (const domain of domains) {
    const [owner] = await ctx.db
      .select({ organisationId: organisationDomains.organisationId })
      .from(organisationDomains)
      .where(eq(organisationDomains.domain, domain));
    organisationOf.set(domain, owner?.organisationId ?? (await organisationForDomain(ctx, domain, source)));
  }
  const ids = new Map<string, string>();
  const emails = [...byEmail.keys()];
  for (let start = 0; start < emails.length; start += 500) {
    const rows = await ctx.db
      .insert(users)
      .values(
        emails.slice(start, start + 500).map((email) => ({
          email,
          name: byEmail.get(email) ?? email,
          passwordHash: "",
          organisationId: organisationOf.get(domainOf(email)) ?? "",
          status: "deactivated" as const,
          placeholder: true,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: users.id, email: users.email });
    for (const row of rows) ids.set(row.email, row.id);
  }
  const missing = emails.filter((email) => !ids.has(email));
  for (const [email, account] of await accountsOfAddresses(ctx.db, missing)) ids.set(email, account.id);
  if (ids.size > 0) {
    await recordAudit(ctx, {
      action: "user.placeholders_imported",
      targetType: "import",
      details: { source, count: ids.size },
    });
  }
  return ids;
}

async function organisationForDomain(ctx: ActorCtx, domain: string, source: string): Promise<string> {
  const [named] = await ctx.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.name, domain));
  const id =
    named?.id ??
    (
      await ctx.db
        .insert(organisations)
        .values({ name: domain, kind: "customer" })
        .returning({ id: organisations.id })
    )[0]?.id;
  if (!id) throw new Error("organisation row was not written");
  await ctx.db.insert(organisationDomains).values({ domain, organisationId: id }).onConflictDoNothing();
  await recordAudit(ctx, {
    action: "organisation.created",
    targetType: "organisation",
    targetId: id,
    details: { name: domain, kind: "customer", domains: [domain], source },
  });
  return id;
}

/** The former-member account, made the first time an import needs it, in the vendor's organisation. */
export async function formerMemberAccount(ctx: ActorCtx): Promise<string> {
  const [existing] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, FORMER_MEMBER_EMAIL));
  if (existing) return existing.id;
  const [vendor] = await ctx.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.kind, "vendor"))
    .limit(1);
  const [created] = await ctx.db
    .insert(users)
    .values({
      email: FORMER_MEMBER_EMAIL,
      name: FORMER_MEMBER_NAME,
      passwordHash: "",
      organisationId: vendor?.id ?? ctx.actor.organisationId,
      status: "deactivated",
      placeholder: true,
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (created) return created.id;
  return formerMemberAccount(ctx);
}
