import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "../../db/columns.js";
import type { ImportReport, ImportRunStatus, ImportSource, UnknownPeople } from "./contracts/imports.js";

/**
 * One export brought in: its dry-run report, then the import's progress. An uploaded export is kept
 * in DATA_DIR/imports under the run's id until the run is imported, so a failed or interrupted run
 * can be started again. `updatedAt` moves with every progress report: a run that says it is busy but
 * has not moved for minutes was cut off by a stop of the server.
 */
export const importRuns = pgTable("import_runs", {
  id: id(),
  source: text("source").$type<ImportSource>().notNull(),
  title: text("title").notNull().default(""),
  filename: text("filename").notNull(),
  /** Where the export is read from: the upload kept in DATA_DIR/imports, or the CLI's own file. */
  filePath: text("file_path").notNull(),
  unknownPeople: text("unknown_people").$type<UnknownPeople>().notNull(),
  groupHandle: text("group_handle"),
  status: text("status").$type<ImportRunStatus>().notNull(),
  phase: text("phase").$type<"survey" | "import">().notNull().default("survey"),
  done: integer("done").notNull().default(0),
  total: integer("total").notNull().default(0),
  report: jsonb("report").$type<ImportReport>(),
  /** Units of the export (a Slack channel) written whole, skipped when the run resumes. */
  finished: jsonb("finished").$type<string[]>().notNull().default([]),
  error: text("error"),
  startedBy: uuid("started_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/**
 * Where an imported item came from: its id in the export's source (`slack:T024BE7LD`) and the row
 * it became. Chat messages carry theirs as their client id and group messages as their Message-ID,
 * so these rows are for the rest: people, channels, groups, topics, projects and their items.
 */
export const importRecords = pgTable(
  "import_records",
  {
    sourceKey: text("source_key").notNull(),
    externalId: text("external_id").notNull(),
    kind: text("kind").notNull(),
    itemId: uuid("item_id").notNull(),
    runId: uuid("run_id").notNull(),
    importedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sourceKey, t.externalId] })],
);
