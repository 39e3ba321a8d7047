/**
 * Provisioning sandbox people into the vendor's product over SCIM, level-triggered: every pass builds
 * the SCIM user each sandbox person should be and pushes whoever differs from what the product last
 * acknowledged (sandbox_product_accounts.pushed). Nothing in access calls this: adding, changing or
 * removing a sandbox user only changes what the next pass sees, so access never depends on product.
 *
 * A person removed from the sandbox (or deactivated) is pushed as `active: false`, never deleted: the
 * product is a clinical system, whose audit trail keeps who did what under the user who did it.
 */
import { isDeepStrictEqual } from "node:util";
import { eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { ADVISORY_LOCKS } from "../../../platform/advisory-locks.js";
import { SerialWorker, silentLog, type WorkerLog } from "../../../platform/serial-worker.js";
import { withSessionLock } from "../../../platform/session-lock.js";
import { retryDelayMs } from "../../../platform/signed-post.js";
import { type ProductPerson, productPeople } from "../access/index.js";
import type { ProvisioningState } from "./contracts/product.js";
import { sandboxProductAccounts } from "./schema.js";
import { SCIM_SCHEMAS, ScimClient, type ScimConnection, type ScimResource } from "./scim-client.js";

export type ProductAccount = typeof sandboxProductAccounts.$inferSelect;

/** The first retry's delay; then 2 min, 10 min, 1 h, and every 6 h for good (RETRY_STEPS). */
export const DEFAULT_RETRY_BASE_MS = 30_000;

/** "Ada Lovelace King" as identity providers split a one-field name: the first word, and the rest. */
function nameParts(name: string): { givenName: string; familyName?: string } {
  const [givenName = "", ...rest] = name.trim().split(/\s+/);
  return rest.length > 0 ? { givenName, familyName: rest.join(" ") } : { givenName };
}

/** The SCIM user a sandbox person should be in the product, with everything Convene owns of them. */
export function desiredResource(person: ProductPerson): ScimResource {
  return {
    schemas: [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser],
    externalId: person.userId,
    userName: person.email,
    name: { formatted: person.name, ...nameParts(person.name) },
    displayName: person.name,
    emails: [{ value: person.email, primary: true }],
    active: person.member,
    roles: [{ value: person.role, primary: true }],
    [SCIM_SCHEMAS.enterpriseUser]: { organization: person.organisation.name },
  };
}

/** Whether a person's product account has something to push: what it should be differs from what it is. */
export function needsPush(person: ProductPerson, account: ProductAccount | null): boolean {
  // Never pushed (or gone from the product) and not a member: the product has nothing to be told.
  if (!account?.pushed) return person.member;
  return !isDeepStrictEqual(account.pushed, desiredResource(person));
}

export function provisioningState(person: ProductPerson, account: ProductAccount | null): ProvisioningState {
  if (!needsPush(person, account)) return "in sync";
  return account?.lastError ? "failing" : "pending";
}

/** What the product acknowledged: the resource it now holds (null when it holds none) and its id. */
export type Acknowledged = { pushed: ScimResource | null; scimId: string | null };

/** Records a push the product took: the account is in sync and its failures are forgotten. */
export async function recordPushed(db: Db, userId: string, acknowledged: Acknowledged): Promise<void> {
  const values = {
    scimId: acknowledged.scimId,
    pushed: acknowledged.pushed,
    pushedAt: new Date(),
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    failingSince: null,
  };
  await db
    .insert(sandboxProductAccounts)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: sandboxProductAccounts.userId, set: values });
}

/**
 * Records a failed push: one more attempt, the error, when the failures began (kept from the first)
 * and when to try again. There is no last attempt: a person stays failing, and shown, until it works.
 * `found` is what the product turned out to hold when that differs from what it last acknowledged
 * (a reconcile found the user gone or changed), so that the worker pushes them again.
 */
export async function recordFailure(
  db: Db,
  account: { userId: string; previous: ProductAccount | null },
  failure: { error: string; retryBaseMs?: number; found?: Acknowledged },
): Promise<void> {
  const now = new Date();
  const attempts = (account.previous?.attempts ?? 0) + 1;
  const values = {
    ...failure.found,
    attempts,
    lastError: failure.error,
    failingSince: account.previous?.failingSince ?? now,
    nextAttemptAt: new Date(
      now.getTime() + retryDelayMs(failure.retryBaseMs ?? DEFAULT_RETRY_BASE_MS, attempts),
    ),
  };
  await db
    .insert(sandboxProductAccounts)
    .values({ userId: account.userId, ...values })
    .onConflictDoUpdate({ target: sandboxProductAccounts.userId, set: values });
}

/** Forgets the failures of an account that no longer needs a push (say, a person removed before it worked). */
async function clearFailures(db: Db, userId: string): Promise<void> {
  await db
    .update(sandboxProductAccounts)
    .set({ attempts: 0, nextAttemptAt: null, lastError: null, failingSince: null })
    .where(eq(sandboxProductAccounts.userId, userId));
}

/**
 * Runs `work` while this process alone pushes to the product: the provisioning passes of every node
 * and a reconcile take one lock, so two never create the same person twice. Waits for it up to
 * `waitMs` (0: not at all), then answers null.
 */
export async function withProvisioningLock<T>(
  db: Db,
  work: () => Promise<T>,
  waitMs = 0,
): Promise<{ value: T } | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const held = await withSessionLock(db, ADVISORY_LOCKS.productProvisioning, () => work());
    if (held || Date.now() >= deadline) return held;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Pushes one person's resource: updates the user the product has for them, or creates it. */
async function pushPerson(
  client: ScimClient,
  person: ProductPerson,
  account: ProductAccount | null,
): Promise<{ ok: true; acknowledged: Acknowledged } | { ok: false; error: string }> {
  const desired = desiredResource(person);
  if (account?.scimId) {
    const replaced = await client.replaceUser(account.scimId, desired);
    if (replaced.ok) return { ok: true, acknowledged: { pushed: desired, scimId: replaced.value.id } };
    // Deleted in the product by hand: look for them again below, as for someone never pushed.
    if (replaced.status !== 404) return replaced;
  }
  // Found first, so that someone the product already has is taken over rather than made twice.
  const found = await client.findUser({ externalId: person.userId, userName: person.email });
  if (!found.ok) return found;
  if (found.value) {
    const replaced = await client.replaceUser(found.value.id, desired);
    return replaced.ok
      ? { ok: true, acknowledged: { pushed: desired, scimId: replaced.value.id } }
      : replaced;
  }
  // Nobody to deactivate: the product holds nothing of this person, which is what it should hold.
  if (!person.member) return { ok: true, acknowledged: { pushed: null, scimId: null } };
  const created = await client.createUser(desired);
  return created.ok ? { ok: true, acknowledged: { pushed: desired, scimId: created.value.id } } : created;
}

export type ProvisioningOptions = {
  /** The first retry's delay; later ones are 4x, 20x, 120x and 720x it. Default 30 s. */
  retryBaseMs?: number;
  /** How long one SCIM request may take. Default 10 s. */
  timeoutMs?: number;
  log?: WorkerLog;
};

/**
 * Pushes sandbox people to the product's SCIM endpoint, a pass every few seconds once the server
 * listens (tests call flush()). One pass at a time in this process (SerialWorker) and in the
 * installation (the provisioning lock: a node finding it held leaves the pass to its holder).
 */
export class ProvisioningWorker {
  /** Public so tests can make retries come sooner. */
  retryBaseMs: number;
  private readonly client: ScimClient;
  private readonly log: WorkerLog;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Db,
    connection: ScimConnection,
    options: ProvisioningOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.client = new ScimClient(connection, { timeoutMs: options.timeoutMs });
    this.log = options.log ?? silentLog;
    this.worker = new SerialWorker(() => this.pushDue(), this.log, "product provisioning pass failed");
  }

  /** Pushes everyone due now; resolves when done. Flushes run one after another in-process. */
  flush(): Promise<void> {
    return this.worker.flush();
  }

  start(intervalMs = 5000): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** The delay before the attempt after `attempts` failed ones. */
  retryDelayMs(attempts: number): number {
    return retryDelayMs(this.retryBaseMs, attempts);
  }

  /** Staff's "retry now": every failing person is due at once, and a pass runs. */
  async retryFailing(): Promise<void> {
    await this.db
      .update(sandboxProductAccounts)
      .set({ nextAttemptAt: null })
      .where(isNotNull(sandboxProductAccounts.lastError));
    await this.flush();
  }

  private async pushDue(): Promise<void> {
    await withProvisioningLock(this.db, async () => {
      const [people, rows] = await Promise.all([
        productPeople(this.db),
        this.db.select().from(sandboxProductAccounts),
      ]);
      const accounts = new Map(rows.map((row) => [row.userId, row]));
      const now = Date.now();
      for (const person of people) {
        const account = accounts.get(person.userId) ?? null;
        if (!needsPush(person, account)) {
          if (account?.lastError) await clearFailures(this.db, person.userId);
          continue;
        }
        if (account?.nextAttemptAt && account.nextAttemptAt.getTime() > now) continue;
        const outcome = await pushPerson(this.client, person, account);
        if (outcome.ok) {
          await recordPushed(this.db, person.userId, outcome.acknowledged);
          continue;
        }
        await recordFailure(
          this.db,
          { userId: person.userId, previous: account },
          { error: outcome.error, retryBaseMs: this.retryBaseMs },
        );
        this.log.warn(
          { userId: person.userId, attempt: (account?.attempts ?? 0) + 1, error: outcome.error },
          "pushing a sandbox person to the product failed",
        );
      }
    });
  }
}
