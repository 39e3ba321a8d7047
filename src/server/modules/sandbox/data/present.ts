import type { VolunteerImport as VolunteerImportView } from "./contracts/imports.js";
import type { volunteerImports } from "./schema.js";

export type VolunteerImportRow = typeof volunteerImports.$inferSelect;

export const presentVolunteerImport = (
  row: VolunteerImportRow,
  createdBy: { id: string; name: string },
): VolunteerImportView => ({
  id: row.id,
  filename: row.filename,
  status: row.status,
  skipInvalid: row.skipInvalid,
  rowsRead: row.rowsRead,
  imported: row.imported,
  refused: row.refused,
  report: row.report,
  createdBy,
  startedAt: row.startedAt.toISOString(),
  finishedAt: row.finishedAt.toISOString(),
});

export type { ImportReportEntry, VolunteerImport as VolunteerImportView } from "./contracts/imports.js";
