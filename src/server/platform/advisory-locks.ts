import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

/**
 * Every advisory lock key of the instance, in one place. PostgreSQL keeps transaction-level and
 * session-level advisory locks in one space, so two uses sharing a key block each other: a session
 * lock held for a whole wipe would stall every transaction taking a transaction lock of that number.
 */
export const ADVISORY_LOCKS = {
  /** Audit appends, so each row hashes its true predecessor. */
  auditChain: 727_001,
  /** Event ids taken and committed in lock order, so a cursor never skips a late commit. */
  eventOrder: 727_002,
  /** Held for a whole wipe by the process running it (session level). */
  wipeRunner: 727_003,
  /** Pharmacy barcode serials, so two receipts never read the same highest serial. */
  barcodeSerial: 727_004,
  /** Agreement version numbers, so two drafts started together never take the same one. */
  agreementVersion: 727_005,
  /** Held by the process pushing sandbox people to the product's SCIM, or reconciling it (session level). */
  productProvisioning: 727_006,
} as const;

export type AdvisoryLockKey = (typeof ADVISORY_LOCKS)[keyof typeof ADVISORY_LOCKS];

/** Takes the lock until the caller's transaction ends (outside one, until the statement ends). */
export async function lockForTransaction(db: Pick<Db, "execute">, key: AdvisoryLockKey): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${key})`);
}
