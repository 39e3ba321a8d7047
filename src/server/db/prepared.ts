import type { Db } from "./client.js";
import { isTransaction } from "./together.js";

/**
 * A hot query built once per database and run as a named prepared statement. Building a query's SQL
 * costs the server more than PostgreSQL takes to answer a small read, and a named statement is parsed
 * and planned once per connection rather than on every request. The query takes its values as
 * `sql.placeholder`s. Inside a transaction it is built for that transaction, under the same name.
 */
export function preparedQuery<Query>(build: (db: Db) => Query): (db: Db) => Query {
  const built = new WeakMap<Db, Query>();
  return (db) => {
    if (isTransaction(db)) return build(db);
    let query = built.get(db);
    if (!query) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
