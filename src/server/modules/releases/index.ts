// What other modules may use of releases: service functions only, never its tables.
import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { ReleaseStatus } from "./contracts/releases.js";
import { releases } from "./schema.js";

/** A release as another module names it: enough to link to it and to know whether it is out. */
export type ReleaseRef = { id: string; version: string; status: ReleaseStatus };

const refColumns = { id: releases.id, version: releases.version, status: releases.status };

/** The releases with these ids, by id; ids that name no release are simply absent. */
export async function releaseRefs(db: Db, ids: string[]): Promise<Map<string, ReleaseRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select(refColumns).from(releases).where(inArray(releases.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}

/** The release with this version (`26.3`, `26.3.1`), drafts included, or null. */
export async function releaseRefByVersion(db: Db, version: string): Promise<ReleaseRef | null> {
  const [row] = await db.select(refColumns).from(releases).where(eq(releases.version, version));
  return row ?? null;
}

/** Every release, newest first, drafts included, for the product team choosing one to link. */
export async function allReleaseRefs(db: Db): Promise<ReleaseRef[]> {
  return db.select(refColumns).from(releases).orderBy(desc(releases.releaseDate), desc(releases.createdAt));
}
