import { type Column, getTableName, type SQL, sql } from "drizzle-orm";

/**
 * A column of the outer query, named with its table, for a correlated subquery written as SQL. Drizzle
 * writes a column of a single-table query without its table ("id"), which inside the subquery would
 * name the subquery's own column (`u.organisation_id = "id"` compares with `u.id`) and match nothing.
 */
export const outer = (column: Column): SQL =>
  sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
