/**
 * SCIM 2.0 provisioning of an organisation's people (RFC 7643 resources, RFC 7644 protocol), as an
 * identity provider (Okta, Microsoft Entra ID) drives it with the organisation's SCIM token: find by
 * `userName eq`, create, read, replace, patch (deactivation above all) and delete (a deactivation that
 * keeps what the person wrote). A SCIM User is a Convene person: `userName` and the work e-mail are
 * their address (at one of the organisation's domains), `name` their name, `active` their standing.
 * Attributes Convene does not keep (title, phone numbers, the enterprise extension) are accepted and
 * left out, as RFC 7644 lets a service provider do, so an identity provider's default mappings work.
 */
import { and, asc, count, eq, isNull, type SQL } from "drizzle-orm";
import { emailField } from "../../../shared/fields.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Ctx, inTransaction } from "../../platform/context.js";
import { newToken } from "../../platform/tokens.js";
import { emailBelongsTo, getOrganisation } from "./organisations.js";
import { users } from "./schema.js";
import { announceUserChange, createUser, findUserByEmail, setUserStatus } from "./users.js";

export const SCIM_SCHEMAS = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  list: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patch: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  serviceProviderConfig: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
  resourceType: "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
  schema: "urn:ietf:params:scim:schemas:core:2.0:Schema",
} as const;

/** RFC 7644 3.12's error types; `null` where the status says it all (401, 404). */
export type ScimErrorType =
  | "invalidFilter"
  | "uniqueness"
  | "invalidSyntax"
  | "invalidPath"
  | "invalidValue"
  | "mutability"
  | "noTarget"
  | null;

/** A refusal in SCIM's terms: the status, its scimType and a detail naming the attribute. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimErrorType,
    detail: string,
  ) {
    super(detail);
    this.name = "ScimError";
  }
}

const invalidValue = (attribute: string, problem: string) =>
  new ScimError(400, "invalidValue", `${attribute}: ${problem}`);

/** Who is provisioning: the organisation of the SCIM token, the token, and where SCIM is served. */
export type ScimCtx = Ctx & { scim: { tokenId: string; organisationId: string; baseUrl: string } };

type UserRow = typeof users.$inferSelect;

export type ScimUser = {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name: { formatted: string; givenName: string; familyName: string };
  displayName: string;
  emails: { value: string; type: "work"; primary: true }[];
  active: boolean;
  meta: { resourceType: "User"; created: string; lastModified: string; location: string };
};

/** A one-field name split the way identity providers expect: the first word, and the rest. */
function nameParts(name: string): { givenName: string; familyName: string } {
  const [givenName = "", ...rest] = name.trim().split(/\s+/);
  return { givenName, familyName: rest.join(" ") };
}

export function presentScimUser(user: UserRow, baseUrl: string): ScimUser {
  return {
    schemas: [SCIM_SCHEMAS.user],
    id: user.id,
    ...(user.scimExternalId ? { externalId: user.scimExternalId } : {}),
    userName: user.email,
    name: { formatted: user.name, ...nameParts(user.name) },
    displayName: user.name,
    emails: [{ value: user.email, type: "work", primary: true }],
    active: user.status === "active",
    meta: {
      resourceType: "User",
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
    },
  };
}

// --- reading what an identity provider sends ---

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An attribute of a SCIM object: attribute names are case-insensitive (RFC 7643 2.1). */
function attribute(object: Json, name: string): unknown {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** SCIM booleans; Entra ID sends "True" and "False" as strings, so those count too. */
function booleanOf(value: unknown, attributeName: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw invalidValue(attributeName, "must be true or false.");
}

function textOf(value: unknown, attributeName: string, max: number): string {
  if (typeof value !== "string") throw invalidValue(attributeName, "must be a string.");
  const text = value.trim();
  if (text.length === 0) throw invalidValue(attributeName, "must not be empty.");
  if (text.length > max) throw invalidValue(attributeName, `must be at most ${max} characters.`);
  return text;
}

function emailOf(value: unknown, attributeName: string): string {
  const parsed = emailField.safeParse(value);
  if (!parsed.success) throw invalidValue(attributeName, "must be an e-mail address.");
  return parsed.data;
}

/** The work (else primary, else first) address of an `emails` list. */
function emailFromList(value: unknown): string | undefined {
  if (!Array.isArray(value)) throw invalidValue("emails", "must be a list.");
  const entries = value.filter(isObject);
  const chosen =
    entries.find((entry) => attribute(entry, "type") === "work") ??
    entries.find((entry) => attribute(entry, "primary") === true) ??
    entries[0];
  return chosen === undefined ? undefined : emailOf(attribute(chosen, "value"), "emails.value");
}

/** What a request asks to change of a person, in Convene's terms; absent means unchanged. */
type Changes = {
  email?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  externalId?: string | null;
  active?: boolean;
};

const NAME_MAX = 120;

/** One attribute, named by its path (`name.givenName`, `emails[type eq "work"].value`), set to a value. */
function setAttribute(changes: Changes, path: string, value: unknown): void {
  const key = path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, "");
  switch (key) {
    case "username":
      changes.email = emailOf(value, "userName");
      return;
    case "displayname":
    case "name.formatted":
      changes.name = textOf(value, path, NAME_MAX);
      return;
    case "name.givenname":
      changes.givenName = textOf(value, path, NAME_MAX);
      return;
    case "name.familyname":
      changes.familyName = textOf(value, path, NAME_MAX);
      return;
    case "name":
      if (!isObject(value)) throw invalidValue("name", "must be an object.");
      for (const [sub, subValue] of Object.entries(value)) setAttribute(changes, `name.${sub}`, subValue);
      return;
    case "externalid":
      changes.externalId = value === null ? null : textOf(value, "externalId", 200);
      return;
    case "active":
      changes.active = booleanOf(value, "active");
      return;
    case "emails":
      changes.email = emailFromList(value) ?? changes.email;
      return;
    case 'emails[type eq "work"].value':
    case "emails[primary eq true].value":
      changes.email = emailOf(value, "emails.value");
      return;
    default:
      // Attributes Convene keeps no place for (title, phoneNumbers, the enterprise extension…) are left out.
      return;
  }
}

/** A whole User as POST and PUT send it. */
function changesFromResource(body: unknown): Changes {
  if (!isObject(body)) throw new ScimError(400, "invalidSyntax", "The body must be a SCIM User object.");
  const changes: Changes = {};
  for (const [key, value] of Object.entries(body)) {
    if (["schemas", "id", "meta", "password", "groups"].includes(key.toLowerCase())) continue;
    setAttribute(changes, key, value);
  }
  // userName is the address: it wins over the e-mails sent beside it.
  const userName = attribute(body, "userName");
  if (userName === undefined) throw invalidValue("userName", "is required.");
  changes.email = emailOf(userName, "userName");
  if (changes.externalId === undefined) changes.externalId = null;
  return changes;
}

/** The operations of a PATCH (RFC 7644 3.5.2), op names in any case, as Entra ID sends them. */
function changesFromPatch(body: unknown): Changes {
  if (!isObject(body)) throw new ScimError(400, "invalidSyntax", "The body must be a SCIM PatchOp.");
  const operations = attribute(body, "Operations");
  if (!Array.isArray(operations) || operations.length === 0)
    throw new ScimError(400, "invalidSyntax", "Operations: give at least one operation.");
  const changes: Changes = {};
  for (const operation of operations) {
    if (!isObject(operation))
      throw new ScimError(400, "invalidSyntax", "Operations: each must be an object.");
    const op = String(attribute(operation, "op") ?? "").toLowerCase();
    const path = attribute(operation, "path");
    const value = attribute(operation, "value");
    if (path !== undefined && typeof path !== "string")
      throw new ScimError(400, "invalidPath", "Operations.path: must be a string.");
    if (op === "remove") {
      if (!path) throw new ScimError(400, "noTarget", "Operations.path: remove needs a path.");
      if (path.toLowerCase() !== "externalid")
        throw new ScimError(400, "mutability", `${path}: is required and cannot be removed.`);
      changes.externalId = null;
    } else if (op === "add" || op === "replace") {
      if (path) setAttribute(changes, path, value);
      else if (isObject(value)) {
        // Without a path the value holds the attributes, nested or (as Entra ID sends) dotted.
        for (const [key, nested] of Object.entries(value)) setAttribute(changes, key, nested);
      } else throw new ScimError(400, "invalidValue", "Operations.value: without a path, must be an object.");
    } else {
      throw new ScimError(400, "invalidSyntax", `Operations.op: "${op}" is not add, replace or remove.`);
    }
  }
  return changes;
}

/** The person's one-field name after the change: a whole name, or parts replacing parts of it. */
function nameAfter(current: string, changes: Changes): string {
  const base = changes.name ?? current;
  if (changes.givenName === undefined && changes.familyName === undefined) return base;
  const parts = nameParts(base);
  return [changes.givenName ?? parts.givenName, changes.familyName ?? parts.familyName]
    .filter(Boolean)
    .join(" ")
    .slice(0, NAME_MAX);
}

// --- the service ---

const audited = (ctx: ScimCtx) => ({ via: "scim", scimTokenId: ctx.scim.tokenId });

/** The address must be at one of the token's organisation's domains: a token provisions only its own. */
async function assertOrganisationAddress(ctx: ScimCtx, email: string, attributeName: string): Promise<void> {
  if (await emailBelongsTo(ctx.db, email, ctx.scim.organisationId)) return;
  const organisation = await getOrganisation(ctx.db, ctx.scim.organisationId);
  throw invalidValue(
    attributeName,
    `${email} is not at one of ${organisation.name}'s domains (${organisation.domains.join(", ") || "none"}).`,
  );
}

/** The people a SCIM token provisions: its organisation's, erased accounts aside. */
const provisionable = (ctx: ScimCtx) =>
  and(eq(users.organisationId, ctx.scim.organisationId), isNull(users.erasedAt));

/**
 * A person of the token's organisation; anyone else is as good as unknown. So is an erased account:
 * an identity provider must not bring back, rename or re-address someone who was anonymised.
 */
async function userOf(ctx: ScimCtx, id: string): Promise<UserRow> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const [row] = uuid
    ? await ctx.db
        .select()
        .from(users)
        .where(and(eq(users.id, id), provisionable(ctx)))
    : [];
  if (!row) throw new ScimError(404, null, `User ${id} not found.`);
  return row;
}

/** `userName eq "…"` or `externalId eq "…"`, the filters identity providers send to find a person. */
function filterCondition(filter: string | undefined): SQL | undefined {
  if (filter === undefined || filter.trim() === "") return undefined;
  const match = /^\s*(userName|externalId)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!match)
    throw new ScimError(
      400,
      "invalidFilter",
      'filter: only userName eq "…" and externalId eq "…" are supported.',
    );
  const value = (match[2] as string).replace(/\\(.)/g, "$1");
  // userName is case-insensitive (RFC 7643 4.1.1); externalId is the identity provider's, exact.
  return (match[1] as string).toLowerCase() === "username"
    ? eq(users.email, value.trim().toLowerCase())
    : eq(users.scimExternalId, value);
}

const MAX_PAGE = 200;

/** Paging is 1-based; below 1 counts as 1, and a negative count as 0 (RFC 7644 3.4.2.4). */
function pageOf(query: { startIndex?: string; count?: string }): { startIndex: number; count: number } {
  const startIndex = Number.parseInt(query.startIndex ?? "1", 10);
  const requested = Number.parseInt(query.count ?? String(MAX_PAGE), 10);
  return {
    startIndex: Number.isFinite(startIndex) && startIndex >= 1 ? startIndex : 1,
    count: Number.isFinite(requested) ? Math.min(Math.max(requested, 0), MAX_PAGE) : MAX_PAGE,
  };
}

export async function listScimUsers(
  ctx: ScimCtx,
  query: { filter?: string; startIndex?: string; count?: string },
) {
  const where = and(provisionable(ctx), filterCondition(query.filter));
  const { startIndex, count: pageSize } = pageOf(query);
  const [total] = await ctx.db.select({ n: count() }).from(users).where(where);
  const rows =
    pageSize === 0
      ? []
      : await ctx.db
          .select()
          .from(users)
          .where(where)
          .orderBy(asc(users.createdAt), asc(users.id))
          .offset(startIndex - 1)
          .limit(pageSize);
  return {
    schemas: [SCIM_SCHEMAS.list],
    totalResults: total?.n ?? 0,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => presentScimUser(row, ctx.scim.baseUrl)),
  };
}

export async function getScimUser(ctx: ScimCtx, id: string): Promise<ScimUser> {
  return presentScimUser(await userOf(ctx, id), ctx.scim.baseUrl);
}

async function assertAddressFree(ctx: ScimCtx, email: string, exceptId?: string): Promise<void> {
  const existing = await findUserByEmail(ctx.db, email);
  if (existing && existing.id !== exceptId)
    throw new ScimError(409, "uniqueness", `userName: ${email} is already in use.`);
}

/** Applies changes to a person of the organisation, in the caller's transaction, and audits them. */
async function applyChanges(ctx: ScimCtx, user: UserRow, changes: Changes): Promise<void> {
  const set: Partial<typeof users.$inferInsert> = {};
  if (changes.email !== undefined && changes.email !== user.email) {
    await assertOrganisationAddress(ctx, changes.email, "userName");
    await assertAddressFree(ctx, changes.email, user.id);
    set.email = changes.email;
  }
  const name = nameAfter(user.name, changes);
  if (name !== user.name) set.name = name;
  if (changes.externalId !== undefined && changes.externalId !== user.scimExternalId)
    set.scimExternalId = changes.externalId;
  if (Object.keys(set).length > 0) {
    await ctx.db.update(users).set(set).where(eq(users.id, user.id));
    await recordAudit(ctx, {
      action: "user.provisioned_update",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, changed: Object.keys(set), ...audited(ctx) },
    });
  }
  if (changes.active !== undefined)
    await setUserStatus(ctx, user, changes.active ? "active" : "deactivated", audited(ctx));
  await announceUserChange(ctx, user.id);
}

/**
 * Creates a person of the token's organisation. They get a random password nobody knows: they sign
 * in through their organisation's identity provider, or set a password by resetting it. A password
 * the identity provider sends is not used, so Convene never holds a password it was not given by
 * its person.
 */
export async function createScimUser(ctx: ScimCtx, body: unknown): Promise<ScimUser> {
  const changes = changesFromResource(body);
  const email = changes.email as string;
  await assertOrganisationAddress(ctx, email, "userName");
  const id = await inTransaction(ctx, async (tx) => {
    await assertAddressFree(tx, email);
    const user = await createUser(tx, {
      email,
      name: nameAfter(email.split("@")[0] as string, changes),
      password: newToken().token,
      organisationId: tx.scim.organisationId,
    });
    if (changes.externalId)
      await tx.db.update(users).set({ scimExternalId: changes.externalId }).where(eq(users.id, user.id));
    await recordAudit(tx, {
      action: "user.provisioned",
      targetType: "user",
      targetId: user.id,
      details: { email, ...audited(tx) },
    });
    if (changes.active === false) await setUserStatus(tx, user, "deactivated", audited(tx));
    return user.id;
  });
  return getScimUser(ctx, id);
}

/** PUT: the resource as sent replaces what Convene keeps of the person. */
export async function replaceScimUser(ctx: ScimCtx, id: string, body: unknown): Promise<ScimUser> {
  const changes = changesFromResource(body);
  await inTransaction(ctx, async (tx) => applyChanges(tx, await userOf(tx, id), changes));
  return getScimUser(ctx, id);
}

export async function patchScimUser(ctx: ScimCtx, id: string, body: unknown): Promise<ScimUser> {
  const changes = changesFromPatch(body);
  await inTransaction(ctx, async (tx) => applyChanges(tx, await userOf(tx, id), changes));
  return getScimUser(ctx, id);
}

/** DELETE deactivates: what the person wrote stays, attributed to them, and they can come back. */
export async function deleteScimUser(ctx: ScimCtx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => applyChanges(tx, await userOf(tx, id), { active: false }));
}
