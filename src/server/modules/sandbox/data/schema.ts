import {
  boolean,
  foreignKey,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id } from "../../../db/columns.js";
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

/**
 * The baseline's rows, ready for a wipe to load (baseline-payload.ts): written once, from rows the
 * generator produced and the PHI guard passed, and read by every wipe after. At most one: `key` names
 * the options, the owning organisations, the release and the columns it was made for.
 */
export const sandboxBaselinePayloads = pgTable("sandbox_baseline_payloads", {
  key: text("key").primaryKey(),
  studies: integer("studies").notNull(),
  volunteers: integer("volunteers").notNull(),
  enrolments: integer("enrolments").notNull(),
  createdAt: createdAt(),
});

/** A payload's rows: per table (`part`, in load order), chunks of rows as JSON objects by column. */
export const sandboxBaselinePayloadChunks = pgTable(
  "sandbox_baseline_payload_chunks",
  {
    key: text("key").notNull(),
    part: integer("part").notNull(),
    chunk: integer("chunk").notNull(),
    tableName: text("table_name").notNull(),
    rowCount: integer("row_count").notNull(),
    rows: json("rows").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.part, t.chunk] }),
    foreignKey({ columns: [t.key], foreignColumns: [sandboxBaselinePayloads.key] }).onDelete("cascade"),
  ],
);
