import { customType, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";

/** UUIDv7 primary key: time-ordered, so inserts stay index-friendly. */
export const id = () =>
  uuid("id")
    .primaryKey()
    .$defaultFn(() => uuidv7());

export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * `updated_at` that only the service writes: an update that leaves it out keeps it, which the tables
 * whose services compare it (edit conflicts) or set it on some changes only rely on.
 */
export const updatedAtSetByService = () =>
  timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** `updated_at` that every update through drizzle sets to now. */
export const updatedAt = () => updatedAtSetByService().$onUpdateFn(() => new Date());

/** When a row was removed (soft removal): null while it is in use; its history keeps pointing at it. */
export const removedAt = () => timestamp("removed_at", { withTimezone: true });

export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
