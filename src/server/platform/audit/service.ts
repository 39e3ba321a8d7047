import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, ilike, lte, or, type SQL, sql } from "drizzle-orm";
import type { AuditEntry as AuditEntryView, AuditFilter } from "../../../shared/contracts/platform.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../context.js";
import { auditLog } from "./schema.js";

export type AuditEntry = {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** For events without a signed-in actor (failed sign-in): who it was about. */
  actorEmail?: string;
};

const GENESIS = "0".repeat(64);
// One lock id for the chain: appends are serialised so each row sees its true predecessor.
const AUDIT_CHAIN_LOCK = 727_001;

/** Stable JSON with sorted keys: jsonb reorders keys, the hash must not care. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

type HashedFields = {
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
};

function rowHash(row: HashedFields): string {
  const content = canonical({ ...row, at: row.at.toISOString() });
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Appends one row to the audit chain. Inside a caller's transaction it commits or rolls back with
 * the change it records; the chain lock is held until that outer transaction ends.
 */
export async function recordAudit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [last] = await tx
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1);
    const fields: HashedFields = {
      at: new Date(),
      actorId: ctx.actor?.id ?? null,
      actorEmail: entry.actorEmail ?? ctx.actor?.email ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: ctx.ip,
      details: entry.details ?? {},
      prevHash: last?.hash ?? GENESIS,
    };
    await tx.insert(auditLog).values({ ...fields, hash: rowHash(fields) });
  });
}

export type { AuditFilter };

export type ChainVerdict =
  | { intact: true; rows: number }
  | { intact: false; rows: number; brokenAtId: number };

/** Recomputes every hash in order; the first row whose content or link does not match is reported. */
export async function verifyAuditChain(db: Db): Promise<ChainVerdict> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  let prevHash = GENESIS;
  for (const row of rows) {
    const { id, hash, ...fields } = row;
    if (fields.prevHash !== prevHash || rowHash(fields) !== hash) {
      return { intact: false, rows: rows.length, brokenAtId: id };
    }
    prevHash = hash;
  }
  return { intact: true, rows: rows.length };
}

export async function listAudit(db: Db, filter: AuditFilter) {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(ilike(auditLog.action, `${filter.action}%`));
  if (filter.actor) conditions.push(ilike(auditLog.actorEmail, `%${filter.actor}%`));
  if (filter.target) {
    const target = or(eq(auditLog.targetId, filter.target), ilike(auditLog.targetType, filter.target));
    if (target) conditions.push(target);
  }
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lte(auditLog.at, filter.to));
  if (filter.beforeId) conditions.push(sql`${auditLog.id} < ${filter.beforeId}`);
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit);
}

/** The log as staff read it: the hash columns stay on the server. */
export async function listAuditEntries(db: Db, filter: AuditFilter): Promise<AuditEntryView[]> {
  const rows = await listAudit(db, filter);
  return rows.map(({ prevHash: _prev, hash: _hash, ...entry }) => ({ ...entry, at: entry.at.toISOString() }));
}
