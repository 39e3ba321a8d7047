import { type SQL, sql } from "drizzle-orm";

/**
 * Ids as one PostgreSQL array literal: a 5,000-member audience is one bound value, not 5,000
 * parameters, and a prepared statement takes any number of ids under one text.
 */
export const uuidListValue = (ids: readonly string[]): string => `{${ids.join(",")}}`;

/** Ids as one bound `uuid[]` value (see `uuidListValue`). */
export const uuidArray = (ids: readonly string[]): SQL => sql`${uuidListValue(ids)}::uuid[]`;
