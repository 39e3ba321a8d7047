/**
 * What every importer reads out of an export, before anything is written: the same shapes for
 * Slack, Groups.io and Basecamp, so the pipeline (people, ids, progress, the dry-run report) is one.
 *
 * Everything an export names keeps its own id (`externalId`, unique within the export's source):
 * the row it becomes gets a deterministic id made from it (`importedId`), which is what makes an
 * import idempotent (the same export twice writes nothing new) and resumable (a run stopped half way
 * is run again from the start, and what was written is skipped by the database).
 */

import { createHash } from "node:crypto";
import type { Readable } from "node:stream";

import type { ImportSource, UnknownPeople } from "./contracts/imports.js";

export type { ImportSource, UnknownPeople };

/** A person as the export names them; matched to an account by e-mail. */
export type ExportPerson = {
  externalId: string;
  email: string | null;
  name: string;
  /** Bots, integrations, Slackbot: their messages are kept under the shared former-member account. */
  isBot?: boolean;
};

/** A file the export carries (its bytes) or only names (Slack exports without files: a link). */
export type ExportFile = {
  externalId: string;
  name: string;
  contentType: string;
  /** Opens the bytes; absent when the export names the file but does not hold it. */
  open?: () => Promise<Readable>;
  /** Where the original lived, said in the text when the bytes are not in the export. */
  url?: string;
};

/** Something the export holds that cannot be brought over, for the dry-run report. */
export type ImportProblem = { item: string; reason: string };

/**
 * A row id that is the same every time the same export is imported: UUIDv7's layout (the item's
 * own time in the first 48 bits, so ids stay time-ordered like the ones the app makes), the rest from
 * a hash of the source and the item's id in it.
 */
export function importedId(sourceKey: string, externalId: string, at: Date): string {
  const hash = createHash("sha256").update(sourceKey).update("\0").update(externalId).digest();
  const bytes = Buffer.alloc(16);
  const ms = Math.max(0, Math.min(at.getTime(), 2 ** 48 - 1));
  bytes.writeUIntBE(ms, 0, 6);
  hash.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type ImportOptions = {
  unknownPeople: UnknownPeople;
  /** Groups.io: the handle of the group the archive goes into (made when there is none). */
  groupHandle?: string | undefined;
};

/** What a survey of the export found: counts by kind (messages, threads, files, ...) and problems. */
export type Survey = { counts: Record<string, number>; problems: ImportProblem[] };

/** Progress of a pass over the export: items done of the survey's total. */
export type ProgressReport = (done: number) => void;

/**
 * What the pipeline hands a source's writer: where to write (the importing admin's context, outside
 * any request), the source key its ids are made from, and the accounts its people resolved to.
 */
export type WriteContext = {
  ctx: import("../../platform/context.js").ActorCtx;
  sourceKey: string;
  options: ImportOptions;
  /** The account a person of the export writes as: matched, placeholder or the shared former member. */
  authorOf(externalId: string | null | undefined): string;
  /** The id of an item of this export: the same for the same item in every run (see importedId). */
  idOf(externalId: string, at: Date): string;
  /** Remembers where an item came from (import_records); kept in one write per call. */
  remember(items: { kind: string; externalId: string; itemId: string }[]): Promise<void>;
  /**
   * Units of work (a Slack channel) a stopped run already finished: a resumed run skips them. A unit
   * is marked once all of it is written; one under way when the run stopped is written again, and
   * the database skips what it already holds.
   */
  finished: ReadonlySet<string>;
  markFinished(unit: string): Promise<void>;
  /** Stores a file the export holds (once, by its id), or null when the export only names it. */
  storeFile(file: ExportFile, at: Date): Promise<string | null>;
};

/** One export, opened: its people, a survey (the dry run) and the write (the import). */
export type OpenedExport = {
  /** Names the source and, where the export says, the workspace: ids are made from it. */
  sourceKey: string;
  /** What the admin sees the export as: "Slack workspace Acme", "Groups.io group phase1". */
  title: string;
  people: ExportPerson[];
  /** Reads the whole export once, writing nothing; `total` of the survey is what `write` reports. */
  survey(progress: ProgressReport): Promise<Survey & { total: number }>;
  write(target: WriteContext, progress: ProgressReport): Promise<void>;
  close(): Promise<void>;
};

/** A source's importer: opens its export from a file on disk (a zip or an mbox). */
export type SourceImporter = {
  source: ImportSource;
  /** Throws AppError `invalid({ file })` when the file is not this source's export. */
  open(filePath: string, options: ImportOptions): Promise<OpenedExport>;
};
