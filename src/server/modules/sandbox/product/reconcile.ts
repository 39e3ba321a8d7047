/**
 * Reconciling the product's user list with Convene's: the provisioning worker only pushes what changed
 * on Convene's side, so drift on the product's side (a user deleted or edited by hand there, someone
 * added there directly) is found here. Every user the product has is read and matched to a sandbox
 * person by externalId, then by userName; the plan creates the members it lacks, corrects what differs
 * in the attributes Convene owns, and deactivates every active user who is not a member (ours or
 * someone's made by hand): the product's active users must be exactly the sandbox's members, and the
 * product team, who sign in as staff without being sandbox users.
 */
import { isDeepStrictEqual } from "node:util";
import type { Db } from "../../../db/client.js";
import { listActiveStaff } from "../../accounts/index.js";
import { type ProductPerson, productPeople } from "../access/index.js";
import type { ReconcileAction, ReconcileReport } from "./contracts/product.js";
import {
  desiredResource,
  type ProductAccount,
  recordFailure,
  recordPushed,
  withProvisioningLock,
} from "./provisioning.js";
import { sandboxProductAccounts } from "./schema.js";
import {
  SCIM_SCHEMAS,
  ScimClient,
  type ScimConnection,
  type ScimResource,
  type ScimUser,
} from "./scim-client.js";

/** How long a reconcile waits for a provisioning pass under way to end. */
const LOCK_WAIT_MS = 60_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An attribute of a SCIM object: attribute names are case-insensitive (RFC 7643 2.1). */
function attribute(object: unknown, name: string): unknown {
  if (!isObject(object)) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");
const values = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Whether a user is active: SCIM booleans, and "False" as some products write it. */
function isActive(resource: ScimResource): boolean {
  const active = attribute(resource, "active");
  return !(active === false || (typeof active === "string" && active.toLowerCase() === "false"));
}

/** The attributes Convene owns of a user, as comparable values; the product may keep more, in any case. */
function ownedAttributes(resource: ScimResource): Record<string, unknown> {
  const name = attribute(resource, "name");
  const emails = values(attribute(resource, "emails"));
  const primary = emails.find((email) => attribute(email, "primary") === true) ?? emails[0];
  return {
    userName: text(attribute(resource, "userName")).toLowerCase(),
    externalId: text(attribute(resource, "externalId")),
    name: [
      text(attribute(name, "formatted")),
      text(attribute(name, "givenName")),
      text(attribute(name, "familyName")),
    ],
    displayName: text(attribute(resource, "displayName")),
    emails: text(attribute(primary, "value")).toLowerCase(),
    active: isActive(resource),
    roles: values(attribute(resource, "roles"))
      .map((role) => text(attribute(role, "value")))
      .sort(),
    organization: text(attribute(attribute(resource, SCIM_SCHEMAS.enterpriseUser), "organization")),
  };
}

/** The names of the owned attributes in which the product's user differs from what it should be. */
function differences(user: ScimUser, desired: ScimResource): string[] {
  const have = ownedAttributes(user);
  const want = ownedAttributes(desired);
  return Object.keys(want).filter((key) => !isDeepStrictEqual(have[key], want[key]));
}

/** One step of the plan, with what applying it needs. */
type Step = ReconcileAction & {
  person: ProductPerson | null;
  account: ProductAccount | null;
  /** The product's user as listed; null for one to create. */
  found: ScimUser | null;
  apply: (client: ScimClient) => Promise<{ ok: true; scimId: string | null } | { ok: false; error: string }>;
};

/** The product's users matched to Convene's people: by externalId first, then by userName. */
function match(people: ProductPerson[], users: ScimUser[]) {
  const byId = new Map(people.map((person) => [person.userId, person]));
  const byEmail = new Map(people.map((person) => [person.email.toLowerCase(), person]));
  const matched = new Map<string, ScimUser>();
  const strangers: { user: ScimUser; duplicateOf: ProductPerson | null }[] = [];
  const pending: ScimUser[] = [];
  for (const user of users) {
    const person = byId.get(text(attribute(user, "externalId")));
    if (person && !matched.has(person.userId)) matched.set(person.userId, user);
    else pending.push(user);
  }
  for (const user of pending) {
    const person =
      byId.get(text(attribute(user, "externalId"))) ??
      byEmail.get(text(attribute(user, "userName")).toLowerCase());
    if (person && !matched.has(person.userId)) matched.set(person.userId, user);
    else strangers.push({ user, duplicateOf: person ?? null });
  }
  return { matched, strangers };
}

const applied = (outcome: { ok: true; value: { id: string } | null } | { ok: false; error: string }) =>
  outcome.ok ? { ok: true as const, scimId: outcome.value?.id ?? null } : outcome;

function plan(
  people: ProductPerson[],
  users: ScimUser[],
  accounts: Map<string, ProductAccount>,
  /** The product team's addresses: they sign in to the product as staff, without being sandbox users. */
  staffEmails: Set<string>,
): { steps: Step[]; inSync: ProductPerson[]; matched: Map<string, ScimUser> } {
  const { matched, strangers } = match(people, users);
  const steps: Step[] = [];
  const inSync: ProductPerson[] = [];
  for (const person of people) {
    const user = matched.get(person.userId);
    const desired = desiredResource(person);
    const base = {
      userName: person.email,
      name: person.name,
      organisation: person.organisation.name,
      userId: person.userId,
      outcome: "planned" as const,
      error: null,
      person,
      account: accounts.get(person.userId) ?? null,
    };
    if (!user) {
      if (!person.member) inSync.push(person);
      else
        steps.push({
          ...base,
          action: "create",
          scimId: null,
          found: null,
          reason: "A sandbox member the product does not have.",
          apply: async (client) => applied(await client.createUser(desired)),
        });
      continue;
    }
    const differing = differences(user, desired);
    if (differing.length === 0) {
      inSync.push(person);
      continue;
    }
    const deactivating = isActive(user) && !person.member;
    steps.push({
      ...base,
      action: deactivating ? "deactivate" : "update",
      scimId: user.id,
      found: user,
      reason: deactivating
        ? person.refusal === "deactivated"
          ? "Deactivated in Convene."
          : "No longer a sandbox user."
        : `Differs in ${differing.join(", ")}.`,
      apply: async (client) => applied(await client.replaceUser(user.id, desired)),
    });
  }
  for (const { user, duplicateOf } of strangers) {
    if (!isActive(user)) continue;
    if (!duplicateOf && staffEmails.has(text(attribute(user, "userName")).toLowerCase())) continue;
    steps.push({
      action: "deactivate",
      userName: text(attribute(user, "userName")),
      name: text(attribute(user, "displayName")) || null,
      organisation: null,
      userId: null,
      scimId: user.id,
      reason: duplicateOf
        ? `A second product user for ${duplicateOf.email}.`
        : "Not a sandbox member in Convene.",
      outcome: "planned",
      error: null,
      person: null,
      account: null,
      found: user,
      apply: async (client) => applied(await client.deactivateUser(user.id)),
    });
  }
  const order = { create: 0, update: 1, deactivate: 2 };
  steps.sort((a, b) => order[a.action] - order[b.action] || a.userName.localeCompare(b.userName));
  return { steps, inSync, matched };
}

/**
 * The accounts of people already right in the product are brought in line with it (its id, the
 * resource it holds, no failures), so the worker does not push them again.
 */
async function recordInSync(
  db: Db,
  people: ProductPerson[],
  matched: Map<string, ScimUser>,
  accounts: Map<string, ProductAccount>,
): Promise<void> {
  for (const person of people) {
    const account = accounts.get(person.userId) ?? null;
    const user = matched.get(person.userId);
    const acknowledged = user
      ? { pushed: desiredResource(person), scimId: user.id }
      : { pushed: null, scimId: null };
    const current =
      account?.scimId === acknowledged.scimId &&
      isDeepStrictEqual(account.pushed, acknowledged.pushed) &&
      !account.lastError;
    if (!current && (account || user)) await recordPushed(db, person.userId, acknowledged);
  }
}

function report(
  dryRun: boolean,
  summary: { productUsers: number; members: number; inSync: number },
  steps: Step[],
  error: string | null = null,
): ReconcileReport {
  const actions = steps.map(
    ({ person: _person, account: _account, found: _found, apply: _apply, ...action }) => action,
  );
  return {
    dryRun,
    ...summary,
    actions,
    failed: actions.filter((action) => action.outcome === "failed").length,
    error,
  };
}

/**
 * Reads the product's users and plans; unless `dryRun`, applies the plan through the same SCIM client
 * as the worker and records the outcome on each person's account as the worker does.
 */
export async function reconcileProduct(
  db: Db,
  connection: ScimConnection,
  options: { dryRun: boolean; timeoutMs?: number },
): Promise<ReconcileReport> {
  const client = new ScimClient(connection, { timeoutMs: options.timeoutMs });
  const locked = await withProvisioningLock(
    db,
    async () => {
      const listed = await client.listUsers();
      const people = await productPeople(db);
      const members = people.filter((person) => person.member).length;
      if (!listed.ok)
        return report(options.dryRun, { productUsers: 0, members, inSync: 0 }, [], listed.error);
      const rows = await db.select().from(sandboxProductAccounts);
      const accounts = new Map(rows.map((row) => [row.userId, row]));
      const staffEmails = new Set((await listActiveStaff(db)).map((person) => person.email.toLowerCase()));
      const { steps, inSync, matched } = plan(people, listed.value, accounts, staffEmails);
      const summary = { productUsers: listed.value.length, members, inSync: inSync.length };
      if (options.dryRun) return report(true, summary, steps);
      await recordInSync(db, inSync, matched, accounts);
      for (const step of steps) {
        const outcome = await step.apply(client);
        step.outcome = outcome.ok ? "done" : "failed";
        step.error = outcome.ok ? null : outcome.error;
        if (!step.person) continue;
        if (outcome.ok)
          await recordPushed(db, step.person.userId, {
            pushed: desiredResource(step.person),
            scimId: outcome.scimId,
          });
        else
          await recordFailure(
            db,
            { userId: step.person.userId, previous: step.account },
            // What the product holds is not what was last pushed: the worker pushes them again.
            { error: outcome.error, found: { pushed: step.found, scimId: step.scimId } },
          );
      }
      return report(false, summary, steps);
    },
    LOCK_WAIT_MS,
  );
  return (
    locked?.value ??
    report(
      options.dryRun,
      { productUsers: 0, members: 0, inSync: 0 },
      [],
      "A provisioning pass kept the product busy for over a minute; try again.",
    )
  );
}

const actionLabels = { create: "create", update: "update", deactivate: "deactivate" } as const;

/** The report as the CLI prints it: a table of the actions, then a summary line. */
export function formatReconcileReport(result: ReconcileReport): string {
  if (result.error) return `Nothing was reconciled: ${result.error}`;
  const header = ["ACTION", "USER", "ORGANISATION", "WHY", "RESULT"];
  const rows = result.actions.map((action) => [
    actionLabels[action.action],
    action.userName,
    action.organisation ?? "—",
    action.reason,
    action.outcome === "failed" ? `failed: ${action.error}` : action.outcome,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ");
  const count = (kind: ReconcileAction["action"]) =>
    result.actions.filter((action) => action.action === kind).length;
  const summary = `${result.productUsers} product users, ${result.members} sandbox members, ${result.inSync} in sync; ${count("create")} to create, ${count("update")} to update, ${count("deactivate")} to deactivate`;
  const ending = result.dryRun
    ? "Dry run: nothing was changed."
    : result.failed > 0
      ? `${result.failed} of ${result.actions.length} actions failed.`
      : `All ${result.actions.length} actions done.`;
  const table =
    rows.length > 0 ? [line(header), ...rows.map(line)] : ["Nothing to do: the product matches Convene."];
  return [...table, `${summary}. ${ending}`].join("\n");
}
