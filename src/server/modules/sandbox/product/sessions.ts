import { and, eq, isNotNull, lt, notInArray } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type Provider from "oidc-provider";
import type { Db } from "../../../db/client.js";
import type { ModuleDeps } from "../../../platform/module.js";
import { SerialWorker, type WorkerLog } from "../../../platform/serial-worker.js";
import { productPerson } from "../access/index.js";
import { sandboxOidcModels } from "./schema.js";
import { createProductProvider, productSignInRoutes } from "./sign-in.js";

type SessionPayload = { authorizations?: Record<string, { sid?: string }> };

/**
 * What a person keeps when their product sessions end: the provider's own session and a sign-in under
 * way. A person asked to accept a new agreement is in the middle of one, and every sign-in passes
 * Convene's check again, so keeping them lets no one in; what is ended is what the product holds.
 */
const KEPT_MODELS = ["Session", "Interaction"];
const held = notInArray(sandboxOidcModels.model, KEPT_MODELS);

/**
 * Ends the product sessions of people who may no longer sign in (removed from the sandbox, deactivated,
 * or not yet agreeing to a newly published agreement): the product hears it by back-channel logout, and
 * their grants and tokens are deleted, so the next refresh is refused even where no logout reached
 * the product. Level-triggered: each pass compares who holds something with who may, so no
 * change elsewhere has to remember to call it. Each person is logged out once: what the pass looks
 * for (grants and tokens) is what it deletes.
 */
export class ProductSessionGuard {
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly log: WorkerLog,
  ) {
    this.worker = new SerialWorker(() => this.endRefusedSessions(), log, "product session pass failed");
  }

  start(intervalMs = 5000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Runs a pass now (tests), after any under way. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  private async endRefusedSessions(): Promise<void> {
    await this.db.delete(sandboxOidcModels).where(lt(sandboxOidcModels.expiresAt, new Date()));
    const holders = await this.db
      .selectDistinct({ accountId: sandboxOidcModels.accountId })
      .from(sandboxOidcModels)
      .where(and(isNotNull(sandboxOidcModels.accountId), held));
    for (const { accountId } of holders) {
      if (!accountId) continue;
      const person = await productPerson(this.db, accountId);
      if (person && !person.refusal) continue;
      await this.endSessionsOf(accountId);
    }
  }

  private async endSessionsOf(accountId: string): Promise<void> {
    const sessions = await this.db
      .select({ payload: sandboxOidcModels.payload })
      .from(sandboxOidcModels)
      .where(and(eq(sandboxOidcModels.model, "Session"), eq(sandboxOidcModels.accountId, accountId)));
    for (const { payload } of sessions) {
      for (const [clientId, authorization] of Object.entries(
        (payload as SessionPayload).authorizations ?? {},
      )) {
        const client = await this.provider.Client.find(clientId);
        if (!client?.backchannelLogoutUri || !authorization.sid) continue;
        // A product that misses the logout still meets the refusal at its next refresh.
        await client
          .backchannelLogout(accountId, authorization.sid)
          .catch((error: unknown) =>
            this.log.warn(
              { clientId, error: error instanceof Error ? error.message : String(error) },
              "back-channel logout to the product failed",
            ),
          );
      }
    }
    await this.db.delete(sandboxOidcModels).where(and(eq(sandboxOidcModels.accountId, accountId), held));
  }
}

const guards = new WeakMap<Db, ProductSessionGuard>();

/** The app's session guard for this database (tests run its passes by hand); null without a product client. */
export function productSessionGuardOf(db: Db): ProductSessionGuard | null {
  return guards.get(db) ?? null;
}

/** Convene as the product's OpenID provider, when a product client is configured: routes and the guard. */
export async function registerProductSignIn(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const provider = await createProductProvider(deps.db, deps.config);
  if (!provider) return;
  productSignInRoutes(app, provider, deps.db, deps.config);
  const guard = new ProductSessionGuard(deps.db, provider, app.log);
  guards.set(deps.db, guard);
  app.addHook("onListen", async () => guard.start());
  app.addHook("onClose", async () => {
    await guard.stop();
    guards.delete(deps.db);
  });
}
