import { desc } from "drizzle-orm";
import type { Config } from "../../../config.js";
import type { ActorCtx } from "../../../platform/context.js";
import { forbidden } from "../../../platform/errors.js";
import { type ProductPerson, productPeople } from "../access/index.js";
import type {
  ProductCall,
  ProductConnection,
  ProductEnvironment,
  ProvisionedPerson,
  ProvisioningState,
} from "./contracts/product.js";
import { type ProductAccount, provisioningState } from "./provisioning.js";
import { sandboxProductAccounts, sandboxProductCalls } from "./schema.js";
import { issuerOf } from "./sign-in.js";

/** Signed calls shown, newest first. */
const RECENT_CALLS = 50;

export function requireProductOperator(ctx: ActorCtx): void {
  if (!ctx.actor.isStaff) throw forbidden("Only the product team operates the product environment.");
}

/** What of the product is configured, without its secrets (client secret, SCIM token, signing keys). */
export function productConnection(config: Config): ProductConnection {
  const { product } = config;
  return {
    productUrl: product.url ?? null,
    oidc: product.oidcClient
      ? {
          issuer: issuerOf(config),
          clientId: product.oidcClient.clientId,
          redirectUris: product.oidcClient.redirectUris,
          postLogoutRedirectUris: product.oidcClient.postLogoutRedirectUris,
          backchannelLogoutUri: product.oidcClient.backchannelLogoutUri ?? null,
        }
      : null,
    scim: product.scim ? { url: product.scim.url } : null,
    reset: product.resetUrl
      ? {
          url: product.resetUrl,
          timeoutSeconds: product.resetTimeoutMs / 1000,
          attempts: product.resetAttempts,
        }
      : null,
    flags: { url: product.flagsUrl ?? null, source: product.flagsSource },
  };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function presentPerson(person: ProductPerson, account: ProductAccount | null): ProvisionedPerson {
  const state = provisioningState(person, account);
  return {
    userId: person.userId,
    name: person.name,
    email: person.email,
    organisation: person.organisation.name,
    role: person.role,
    member: person.member,
    state,
    scimId: account?.scimId ?? null,
    pushedAt: iso(account?.pushedAt ?? null),
    attempts: state === "in sync" ? 0 : (account?.attempts ?? 0),
    lastError: state === "failing" ? (account?.lastError ?? null) : null,
    failingSince: state === "failing" ? iso(account?.failingSince ?? null) : null,
    nextAttemptAt: state === "in sync" ? null : iso(account?.nextAttemptAt ?? null),
  };
}

const stateOrder: Record<ProvisioningState, number> = { failing: 0, pending: 1, "in sync": 2 };

async function provisioning(ctx: ActorCtx): Promise<ProductEnvironment["provisioning"]> {
  if (!ctx.config.product.scim) return null;
  const [people, rows] = await Promise.all([
    productPeople(ctx.db),
    ctx.db.select().from(sandboxProductAccounts),
  ]);
  const accounts = new Map(rows.map((row) => [row.userId, row]));
  const presented = people
    .map((person) => presentPerson(person, accounts.get(person.userId) ?? null))
    .sort(
      (a, b) =>
        stateOrder[a.state] - stateOrder[b.state] ||
        a.organisation.localeCompare(b.organisation) ||
        a.name.localeCompare(b.name),
    );
  const count = (state: ProvisioningState) => presented.filter((person) => person.state === state).length;
  return {
    people: presented,
    counts: { inSync: count("in sync"), pending: count("pending"), failing: count("failing") },
  };
}

async function recentCalls(ctx: ActorCtx): Promise<ProductCall[]> {
  const rows = await ctx.db
    .select()
    .from(sandboxProductCalls)
    .orderBy(desc(sandboxProductCalls.createdAt), desc(sandboxProductCalls.id))
    .limit(RECENT_CALLS);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: iso(row.deliveredAt),
    nextAttemptAt: row.nextAttemptAt.toISOString(),
  }));
}

/** The staff page's view of the product: its connection, everyone's provisioning and the signed calls. */
export async function productEnvironment(ctx: ActorCtx): Promise<ProductEnvironment> {
  requireProductOperator(ctx);
  const [provisioned, calls] = await Promise.all([provisioning(ctx), recentCalls(ctx)]);
  return { connection: productConnection(ctx.config), provisioning: provisioned, calls };
}
