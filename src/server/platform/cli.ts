import type { Config } from "../config.js";
import { openDatabase } from "../db/client.js";
import type { Ctx } from "./context.js";

/** Runs a command's work against the migrated database, closed afterwards whatever happens. */
export async function withDatabase<T>(config: Config, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    return await work({ db: database.db, config, actor: null, ip: null });
  } finally {
    await database.close();
  }
}
