import { createHash, createHmac } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { and, asc, desc, eq, gte, ilike, lte, or, type SQL, sql } from "drizzle-orm";
import type { AuditEntry as AuditEntryView, AuditFilter } from "../../../shared/contracts/platform.js";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { ADVISORY_LOCKS, lockForTransaction } from "../advisory-locks.js";
import type { Ctx } from "../context.js";
import { dataDirSecret } from "../secrets.js";
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

const SECRET_FILE = "audit.secret";
const keys = new Map<string, Promise<string>>();

/**
 * The key of the chain: AUDIT_SECRET, else a secret kept in DATA_DIR. It lives outside the database,
 * so someone who can write the database cannot recompute the hashes of rows they changed.
 */
export function auditKey(config: Pick<Config, "auditSecret" | "dataDir">): Promise<string> {
  if (config.auditSecret) return Promise.resolve(config.auditSecret);
  let key = keys.get(config.dataDir);
  if (!key) {
    key = dataDirSecret(config.dataDir, SECRET_FILE);
    keys.set(config.dataDir, key);
  }
  return key;
}

function rowHash(row: HashedFields, key: string | null): string {
  const content = canonical({ ...row, at: row.at.toISOString() });
  return key === null
    ? createHash("sha256").update(content).digest("hex")
    : createHmac("sha256", key).update(content).digest("hex");
}

/**
 * Appends one row to the audit chain. Inside a caller's transaction it commits or rolls back with
 * the change it records; the chain lock is held until that outer transaction ends.
 */
export async function recordAudit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  const key = await auditKey(ctx.config);
  await ctx.db.transaction(async (tx) => {
    await lockForTransaction(tx, ADVISORY_LOCKS.auditChain);
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
    await tx.insert(auditLog).values({ ...fields, hash: rowHash(fields, key), keyed: true });
  });
}

export type { AuditFilter };

export type ChainVerdict =
  | { intact: true; rows: number; checkpoints: number }
  | { intact: false; rows: number; checkpoints: number; brokenAtId: number | null; problem: string };

/**
 * Recomputes every hash in order with the key, then holds the chain against the signed checkpoints:
 * an edited row (recomputed or not) fails its HMAC, a deleted row breaks the next row's link, and
 * deleted newest rows or a truncated log no longer reach a checkpoint's row count and head hash.
 */
export async function verifyAuditChain(db: Db, config: Config): Promise<ChainVerdict> {
  const key = await auditKey(config);
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  const checkpoints = await readCheckpoints(config, key);
  const broken = (brokenAtId: number | null, problem: string): ChainVerdict => ({
    intact: false,
    rows: rows.length,
    checkpoints: checkpoints.valid.length,
    brokenAtId,
    problem,
  });
  if (checkpoints.forged > 0)
    return broken(null, `${checkpoints.forged} checkpoint(s) carry a wrong signature.`);
  let prevHash = GENESIS;
  let keyedSeen = false;
  const hashById = new Map<number, string>();
  for (const row of rows) {
    const { id, hash, keyed, ...fields } = row;
    // Unkeyed rows are those written before the chain had a key: they can only come first.
    if (!keyed && keyedSeen) return broken(id, "A row without the key follows keyed rows.");
    keyedSeen ||= keyed;
    if (fields.prevHash !== prevHash)
      return broken(id, "The row does not follow its predecessor: a row before it is missing or changed.");
    if (rowHash(fields, keyed ? key : null) !== hash)
      return broken(id, "The row's content does not match its hash.");
    prevHash = hash;
    hashById.set(id, hash);
  }
  for (const checkpoint of checkpoints.valid) {
    if (rows.length < checkpoint.rows || hashById.get(checkpoint.lastId) !== checkpoint.headHash) {
      return broken(
        checkpoint.lastId,
        `The log no longer holds what the checkpoint of ${checkpoint.at} recorded (${checkpoint.rows} rows up to row ${checkpoint.lastId}): rows were deleted or rewritten.`,
      );
    }
  }
  return { intact: true, rows: rows.length, checkpoints: checkpoints.valid.length };
}

// --- checkpoints: the chain's head, signed, kept outside the database ---

export type Checkpoint = { at: string; rows: number; lastId: number; headHash: string; signature: string };

const CHECKPOINT_FILE = "audit-checkpoints.jsonl";
const checkpointFile = (config: Pick<Config, "dataDir">) => path.join(config.dataDir, CHECKPOINT_FILE);

const signatureOf = (checkpoint: Omit<Checkpoint, "signature">, key: string) =>
  createHmac("sha256", key)
    .update(
      `audit-checkpoint.${checkpoint.at}.${checkpoint.rows}.${checkpoint.lastId}.${checkpoint.headHash}`,
    )
    .digest("hex");

async function readCheckpoints(
  config: Pick<Config, "dataDir">,
  key: string,
): Promise<{ valid: Checkpoint[]; forged: number }> {
  const text = await fs.readFile(checkpointFile(config), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const valid: Checkpoint[] = [];
  let forged = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const checkpoint = JSON.parse(line) as Checkpoint;
    const { signature, ...content } = checkpoint;
    if (signatureOf(content, key) === signature) valid.push(checkpoint);
    else forged += 1;
  }
  return { valid, forged };
}

/**
 * Writes the chain's current head (row count, newest id and hash), signed with the key, to
 * DATA_DIR/audit-checkpoints.jsonl, and POSTs it to AUDIT_CHECKPOINT_URL when one is set. Nothing is
 * written while the log is empty or unchanged since the last checkpoint.
 */
export async function writeCheckpoint(db: Db, config: Config): Promise<Checkpoint | null> {
  const key = await auditKey(config);
  const [head] = await db
    .select({
      id: auditLog.id,
      hash: auditLog.hash,
      rows: sql<number>`(select count(*) from ${auditLog})::int`,
    })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1);
  if (!head) return null;
  const { valid } = await readCheckpoints(config, key);
  const last = valid[valid.length - 1];
  if (last && last.lastId === head.id && last.headHash === head.hash) return null;
  const content = { at: new Date().toISOString(), rows: head.rows, lastId: head.id, headHash: head.hash };
  const checkpoint: Checkpoint = { ...content, signature: signatureOf(content, key) };
  await fs.mkdir(config.dataDir, { recursive: true });
  await fs.appendFile(checkpointFile(config), `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  if (config.auditCheckpointUrl) {
    await fetch(config.auditCheckpointUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "convene.audit.checkpoint", ...checkpoint }),
      signal: AbortSignal.timeout(10_000),
    });
  }
  return checkpoint;
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

/** The current addresses of the people among `ids` whose accounts were erased (the accounts module answers). */
export type ErasedAddresses = (db: Db, ids: string[]) => Promise<Map<string, string>>;

/**
 * The log as staff read it: the hash columns stay on the server. Rows are never rewritten (the chain
 * would break), so a person erased since shows with the pseudonym address their account has now, and
 * an address a row about them kept in its details is left out of what is shown.
 */
export async function listAuditEntries(
  db: Db,
  filter: AuditFilter,
  erasedAddresses: ErasedAddresses,
): Promise<AuditEntryView[]> {
  const rows = await listAudit(db, filter);
  const ids = rows.flatMap((row) => [row.actorId, row.targetType === "user" ? row.targetId : null]);
  const erased = await erasedAddresses(
    db,
    ids.filter((id): id is string => id !== null && /^[0-9a-f-]{36}$/.test(id)),
  );
  return rows.map(({ prevHash: _prev, hash: _hash, ...entry }) => {
    const actorAddress = entry.actorId ? erased.get(entry.actorId) : undefined;
    const targetAddress =
      entry.targetType === "user" && entry.targetId ? erased.get(entry.targetId) : undefined;
    const details =
      targetAddress && typeof entry.details.email === "string"
        ? { ...entry.details, email: targetAddress }
        : entry.details;
    return {
      ...entry,
      actorEmail: actorAddress ?? entry.actorEmail,
      details,
      at: entry.at.toISOString(),
    };
  });
}
