import { PgTransaction } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";

/** A transaction is a Db to every caller; this tells it apart from the pool. */
export const isTransaction = (db: Db): boolean => (db as unknown) instanceof PgTransaction;

type Results<Reads extends readonly (() => PromiseLike<unknown>)[]> = {
  -readonly [K in keyof Reads]: Awaited<ReturnType<Reads[K]>>;
};

/**
 * Independent reads, all at once on the pool (each on a connection of its own), one after another
 * inside a transaction: its one connection runs one statement at a time, and node-postgres' queue for
 * statements sent while another runs is deprecated (pg 9 refuses them).
 */
export async function readTogether<const Reads extends readonly (() => PromiseLike<unknown>)[]>(
  db: Db,
  reads: Reads,
): Promise<Results<Reads>> {
  if (!isTransaction(db)) return (await Promise.all(reads.map((read) => read()))) as Results<Reads>;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as Results<Reads>;
}
