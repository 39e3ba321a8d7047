import { inArray } from "drizzle-orm";
import { keyAsWords } from "../../../../shared/words.js";
import type { Db } from "../../../db/client.js";
import { listOrganisations, userSummaries } from "../../accounts/index.js";
import { volunteerFieldLabels } from "./contracts/volunteers.js";
import { studies, studyCohorts, studyEpochs, volunteers } from "./schema.js";

/** The trail's field keys as the forms label them; a key not named here is spelt out from its words. */
const fieldLabels: Record<string, string> = {
  ...volunteerFieldLabels,
  protocolNumber: "Protocol number",
  title: "Title",
  sponsor: "Sponsor",
  phase: "Phase",
  status: "Status",
  statusReason: "Reason for the status",
  organisationId: "Organisation",
  plannedEnrolment: "Planned enrolment",
  kind: "Kind",
  startDay: "First day",
  endDay: "Last day",
  name: "Name",
  plannedSize: "Planned size",
  dose: "Dose",
  dayOffset: "Day",
  windowDays: "Window (days)",
  epochId: "Epoch",
  cohortId: "Cohort",
  studyId: "Study",
  volunteerId: "Volunteer",
  subjectNumber: "Subject number",
  screeningDate: "Screening date",
  dosingStart: "Dosing start",
  dosingEnd: "Dosing end",
};

export const auditFieldLabel = (field: string | null) =>
  field ? (fieldLabels[field] ?? keyAsWords(field)) : null;

type Named = { id: string; name: string };

/** Finds the names of the records these ids refer to, by the kind of reference. */
const resolvers: Record<string, (db: Db, ids: string[]) => Promise<Named[]>> = {
  organisationId: async (db, ids) =>
    (await listOrganisations(db, ids)).map((o) => ({ id: o.id, name: o.name })),
  studyId: (db, ids) =>
    db.select({ id: studies.id, name: studies.protocolNumber }).from(studies).where(inArray(studies.id, ids)),
  epochId: (db, ids) =>
    db
      .select({ id: studyEpochs.id, name: studyEpochs.kind })
      .from(studyEpochs)
      .where(inArray(studyEpochs.id, ids)),
  cohortId: (db, ids) =>
    db
      .select({ id: studyCohorts.id, name: studyCohorts.name })
      .from(studyCohorts)
      .where(inArray(studyCohorts.id, ids)),
  volunteerId: (db, ids) =>
    db
      .select({ id: volunteers.id, name: volunteers.displayId })
      .from(volunteers)
      .where(inArray(volunteers.id, ids)),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = { actorId: string; field: string | null; oldValue: string | null; newValue: string | null };

/**
 * What the trail's rows refer to, by name: the people who made the changes, and the records that
 * reference fields hold ids of. A record since removed keeps showing its id.
 */
export async function auditNames(db: Db, rows: Row[]) {
  const people = await userSummaries(db, [...new Set(rows.map((row) => row.actorId))]);
  const wanted = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!row.field || !resolvers[row.field]) continue;
    for (const value of [row.oldValue, row.newValue])
      if (value && UUID.test(value)) {
        const ids = wanted.get(row.field) ?? new Set<string>();
        ids.add(value);
        wanted.set(row.field, ids);
      }
  }
  const records = new Map<string, string>();
  for (const [field, ids] of wanted) {
    const resolve = resolvers[field];
    if (resolve) for (const named of await resolve(db, [...ids])) records.set(named.id, named.name);
  }
  return {
    personName: (id: string) => people.get(id)?.name ?? null,
    display: (field: string | null, value: string | null) =>
      value !== null && field && resolvers[field] ? (records.get(value) ?? value) : value,
  };
}
