import type { Config } from "../config.js";
import type { Db } from "../db/client.js";

/** The signed-in person as every policy sees them. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  organisationId: string;
  isStaff: boolean;
  isOrgAdmin: boolean;
};

/** What every service function receives: where to write, who is acting, from where. */
export type Ctx = {
  db: Db;
  config: Config;
  actor: Actor | null;
  ip: string | null;
};

/** Runs `work` in one transaction; everything it writes (rows, audit, outbox) commits or none of it does. */
export function inTransaction<T>(ctx: Ctx, work: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction((db) => work({ ...ctx, db: db as unknown as Db }));
}
