import { type SQL, sql } from "drizzle-orm";

/**
 * Ids as one PostgreSQL array literal: a 5,000-member audience is one bound value, not 5,000
 * parameters, and a prepared statement takes any number of ids under one text.
 */
export const uuidListValue = (ids: readonly string[]): string => `{${ids.join(",")}}`;

/** Ids as one bound `uuid[]` value (see `uuidListValue`). */
export const uuidArray = (ids: readonly string[]): SQL => sql`${uuidListValue(ids)}::uuid[]`;

/** A value a bulk statement sends inside an array literal. */
export type ArrayElement = string | number | boolean | null;

/**
 * Values as one PostgreSQL array literal, every element quoted (so any text is safe) and null as NULL:
 * the same text the driver would make of the array, made by the caller, when it suits, ahead of the
 * statement that sends it.
 */
export function arrayLiteral(values: readonly ArrayElement[]): string {
  const elements = values.map((value) =>
    value === null ? "NULL" : `"${String(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`,
  );
  return `{${elements.join(",")}}`;
}
