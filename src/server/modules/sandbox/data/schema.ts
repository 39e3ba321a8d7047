import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "../../../db/columns.js";
import type { ImportStatus } from "./contracts/imports.js";

/** One obfuscating import of volunteer records: who ran it, from which file, and its report. */
export const volunteerImports = pgTable("volunteer_imports", {
  id: id(),
  filename: text("filename").notNull(),
  status: text("status").$type<ImportStatus>().notNull(),
  skipInvalid: boolean("skip_invalid").notNull().default(false),
  rowsRead: integer("rows_read").notNull(),
  imported: integer("imported").notNull(),
  refused: integer("refused").notNull(),
  /** Refused rows: line number and reasons (never the refused values themselves). */
  report: jsonb("report").$type<{ line: number; field: string | null; reason: string }[]>().notNull(),
  createdBy: uuid("created_by").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
});
