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

/** A context whose actor is known: every member and staff route's services receive this one. */
export type ActorCtx = Ctx & { actor: Actor };

/** The context of server code acting as a known person (the demo seed, a CLI command, a test). */
export const actingAs = (ctx: Ctx, actor: Actor): ActorCtx => ({ ...ctx, actor });

/** Runs `work` in one transaction; everything it writes (rows, audit, outbox) commits or none of it does. */
export function inTransaction<C extends Ctx, T>(ctx: C, work: (tx: C) => Promise<T>): Promise<T> {
  return ctx.db.transaction((db) => work({ ...ctx, db: db as unknown as Db }));
}
