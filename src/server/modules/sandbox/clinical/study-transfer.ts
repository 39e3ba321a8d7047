/**
 * An organisation's studies out and back in: exported as JSON before a wipe and
 * imported again after it. Only the design travels (study fields, epochs, cohorts, events), never
 * subjects or volunteers, so the file holds nobody's data. The import goes through the studies service,
 * study by study and item by item, so it is refused by exactly what the forms refuse and the sandbox
 * audit trail records every record it creates; it runs in one transaction, all or nothing.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { type ActorCtx, inTransaction } from "../../../platform/context.js";
import { AppError, forbidden, invalid, withFieldPrefix } from "../../../platform/errors.js";
import { getOrganisation } from "../../accounts/index.js";
import { gate } from "../access/index.js";
import { canCreateStudy } from "./policy.js";
import {
  type ExportedStudy,
  STUDY_EXPORT_FORMAT,
  type StudyExport,
  type StudyImportResult,
} from "./present.js";
import { studies, studyCohorts, studyEpochs, studyEvents } from "./schema.js";
import { addCohort, addEpoch, addEvent, createStudy } from "./studies.js";

/** The most studies one file may bring: an organisation's designs, not a baseline. */
export const MAX_IMPORTED_STUDIES = 500;

const EXPORT_REFUSED =
  "Only the organisation's study coordinators and the product team export or import its studies.";

/**
 * Staff export any organisation's studies (default their own); a study coordinator their own
 * organisation's; anyone else is refused.
 */
export async function exportStudies(
  ctx: ActorCtx,
  organisationId: string = ctx.actor.organisationId,
): Promise<StudyExport> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  if (!canCreateStudy(role)) throw forbidden(EXPORT_REFUSED);
  if (role !== "staff" && organisationId !== actor.organisationId)
    throw new AppError("forbidden", "You can export only your own organisation's studies.", {
      organisationId: "Choose your own organisation.",
    });
  const organisation = await getOrganisation(ctx.db, organisationId);
  const rows = await ctx.db
    .select()
    .from(studies)
    .where(eq(studies.organisationId, organisationId))
    .orderBy(asc(studies.protocolNumber));
  const ids = rows.map((row) => row.id);
  // Removed epochs, cohorts and events are left out (the queries), then grouped by their study.
  const byStudy = <T extends { studyId: string }>(items: T[]) => {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(item.studyId, [...(groups.get(item.studyId) ?? []), item]);
    return groups;
  };
  const epochs = byStudy(
    ids.length === 0
      ? []
      : await ctx.db
          .select()
          .from(studyEpochs)
          .where(and(inArray(studyEpochs.studyId, ids), isNull(studyEpochs.removedAt)))
          .orderBy(asc(studyEpochs.startDay), asc(studyEpochs.endDay)),
  );
  const cohorts = byStudy(
    ids.length === 0
      ? []
      : await ctx.db
          .select()
          .from(studyCohorts)
          .where(and(inArray(studyCohorts.studyId, ids), isNull(studyCohorts.removedAt)))
          .orderBy(asc(studyCohorts.position)),
  );
  const events = byStudy(
    ids.length === 0
      ? []
      : await ctx.db
          .select()
          .from(studyEvents)
          .where(and(inArray(studyEvents.studyId, ids), isNull(studyEvents.removedAt)))
          .orderBy(asc(studyEvents.dayOffset), asc(studyEvents.name)),
  );
  return {
    format: STUDY_EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    organisation: { id: organisation.id, name: organisation.name },
    studies: rows.map((row) => ({
      protocolNumber: row.protocolNumber,
      title: row.title,
      sponsor: row.sponsor,
      phase: row.phase,
      plannedEnrolment: row.plannedEnrolment,
      epochs: (epochs.get(row.id) ?? []).map((e) => ({
        kind: e.kind,
        startDay: e.startDay,
        endDay: e.endDay,
      })),
      cohorts: (cohorts.get(row.id) ?? []).map((c) => ({
        name: c.name,
        plannedSize: c.plannedSize,
        dose: c.dose,
      })),
      events: (events.get(row.id) ?? []).map((e) => ({
        name: e.name,
        dayOffset: e.dayOffset,
        windowDays: e.windowDays,
      })),
    })),
  };
}

export type StudyImportOptions = {
  /** Staff import for any organisation (default their own); anyone else for their own. */
  organisationId?: string | undefined;
  /** Leave out studies whose protocol number exists instead of refusing the file. */
  skipExisting?: boolean | undefined;
};

/**
 * Recreates each study in design, owned by the importing organisation, through the studies service.
 * A protocol number that exists is 409 naming `studies.<n>.protocolNumber` (unless `skipExisting`),
 * one that appears twice in the file 400; anything the service refuses is named under `studies.<n>`.
 */
export async function importStudies(
  ctx: ActorCtx,
  studiesToImport: ExportedStudy[],
  options: StudyImportOptions = {},
): Promise<StudyImportResult> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  if (!canCreateStudy(role)) throw forbidden(EXPORT_REFUSED);
  const organisationId = options.organisationId ?? actor.organisationId;
  if (role !== "staff" && organisationId !== actor.organisationId)
    throw new AppError("forbidden", "You can import studies only for your own organisation.", {
      organisationId: "Choose your own organisation.",
    });
  if (studiesToImport.length > MAX_IMPORTED_STUDIES)
    throw invalid({ studies: `Import at most ${MAX_IMPORTED_STUDIES} studies at a time.` });
  const firstIndex = new Map<string, number>();
  studiesToImport.forEach((study, i) => {
    const seen = firstIndex.get(study.protocolNumber);
    if (seen !== undefined)
      throw invalid({
        [`studies.${i}.protocolNumber`]: `${study.protocolNumber} is also study ${seen} of this file.`,
      });
    firstIndex.set(study.protocolNumber, i);
  });
  return inTransaction(ctx, async (tx) => {
    const protocolNumbers = [...firstIndex.keys()];
    const existing = new Set(
      protocolNumbers.length === 0
        ? []
        : (
            await tx.db
              .select({ protocolNumber: studies.protocolNumber })
              .from(studies)
              .where(inArray(studies.protocolNumber, protocolNumbers))
          ).map((row) => row.protocolNumber),
    );
    const result: StudyImportResult = { imported: [], skipped: [] };
    for (const [i, study] of studiesToImport.entries()) {
      if (existing.has(study.protocolNumber)) {
        if (options.skipExisting) {
          result.skipped.push(study.protocolNumber);
          continue;
        }
        throw new AppError(
          "conflict",
          `There is already a study ${study.protocolNumber}; nothing was imported. Import again with skipExisting to leave it out.`,
          { [`studies.${i}.protocolNumber`]: `Protocol number ${study.protocolNumber} is already used.` },
        );
      }
      try {
        const created = await createStudy(tx, {
          protocolNumber: study.protocolNumber,
          title: study.title,
          sponsor: study.sponsor,
          phase: study.phase,
          plannedEnrolment: study.plannedEnrolment,
          organisationId,
        });
        for (const epoch of study.epochs) await addEpoch(tx, created.id, epoch);
        for (const cohort of study.cohorts) await addCohort(tx, created.id, cohort);
        for (const event of study.events) await addEvent(tx, created.id, event);
        result.imported.push({ id: created.id, protocolNumber: created.protocolNumber });
      } catch (error) {
        throw withFieldPrefix(error, `studies.${i}`);
      }
    }
    return result;
  });
}
