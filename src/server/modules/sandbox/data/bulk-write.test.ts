import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAudit, volunteers } from "../../../db/schema.js";
import type { Actor } from "../../../platform/context.js";
import { startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/users.js";
import { type Auditor, insertAudited, insertVolunteers, volunteerBatch } from "./bulk-write.js";
import { generateVolunteers } from "./synthetic.js";

let community: TestCommunity;
let staff: Actor;
let auditor: Auditor;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = actorOf(community.demo.people.staff);
  auditor = { actorId: staff.id, actorEmail: staff.email, reason: "bulk write spec" };
}, 120_000);

afterAll(async () => {
  await community?.close();
});

/** Volunteers with display ids the demo does not use, from `first` on. */
const volunteersFrom = (first: number, count: number) =>
  generateVolunteers({ count, seed: 3, startIndex: 900_000 + first });

async function auditRowsOf(ids: string[]): Promise<number> {
  const [row] = await community.db
    .select({ n: sql<number>`count(*)::int` })
    .from(sandboxAudit)
    .where(inArray(sandboxAudit.recordId, ids));
  return row?.n ?? 0;
}

describe("bulk volunteer writes that keep existing rows", () => {
  it("leave a volunteer whose display id is taken as it is, and audit only the rows they insert", async () => {
    const earlier = volunteersFrom(0, 2);
    await insertVolunteers(community.db, auditor, staff, earlier, { keepExisting: true });
    const [taken] = earlier;
    const batch = [{ ...taken, firstName: "Changed" }, ...volunteersFrom(2, 3)] as typeof earlier;

    const { ids, inserted } = await insertVolunteers(community.db, auditor, staff, batch, {
      keepExisting: true,
    });

    expect(inserted).toEqual(new Set(ids.slice(1)));
    const [kept] = await community.db
      .select({ firstName: volunteers.firstName })
      .from(volunteers)
      .where(eq(volunteers.displayId, taken?.displayId ?? ""));
    expect(kept?.firstName).toBe(taken?.firstName);
    expect(await auditRowsOf(ids)).toBe(3);
  });

  it("keep the first of two rows that share a display id within one batch", async () => {
    const [one, two] = volunteersFrom(10, 2);
    const batch = [one, { ...two, displayId: one?.displayId }] as NonNullable<typeof one>[];

    const { ids, inserted } = await insertVolunteers(community.db, auditor, staff, batch, {
      keepExisting: true,
    });

    expect(inserted).toEqual(new Set([ids[0]]));
    const rows = await community.db
      .select({ email: volunteers.email })
      .from(volunteers)
      .where(eq(volunteers.displayId, one?.displayId ?? ""));
    expect(rows).toEqual([{ email: one?.email }]);
    expect(await auditRowsOf(ids)).toBe(1);
  });
});

describe("bulk volunteer writes", () => {
  it("store every text exactly as given: quotes, backslashes, commas, braces, line breaks, the word NULL", async () => {
    const awkward = [
      'O\'Brien "Junior", {the second}',
      "back\\slash \\N and NULL",
      "line one\nline two\ttabbed",
      "NULL",
      "Ærøskøbing — 東京 — emoji 🧪",
    ];
    const batch = volunteersFrom(20, awkward.length).map((volunteer, i) => ({
      ...volunteer,
      lastName: awkward[i] ?? "",
      medicalHistory: awkward[awkward.length - 1 - i] ?? "",
      email: i === 0 ? null : volunteer.email,
    }));

    const { ids } = await insertVolunteers(community.db, auditor, staff, batch, { keepExisting: false });

    const stored = await community.db
      .select({
        id: volunteers.id,
        lastName: volunteers.lastName,
        history: volunteers.medicalHistory,
        email: volunteers.email,
      })
      .from(volunteers)
      .where(inArray(volunteers.id, ids));
    const byId = new Map(stored.map((row) => [row.id, row]));
    batch.forEach((volunteer, i) => {
      expect(byId.get(ids[i] ?? "")).toEqual({
        id: ids[i],
        lastName: volunteer.lastName,
        history: volunteer.medicalHistory,
        email: volunteer.email,
      });
    });
  });

  it("keep a display id another writer took after the batch's keys were read, and insert the rest", async () => {
    const [theirs, ...ours] = volunteersFrom(30, 3);
    if (!theirs) throw new Error("no volunteers generated");
    // Read before the other writer's insert: nothing taken yet.
    const batch = volunteerBatch(staff, [{ ...theirs, firstName: "Ours" }, ...ours], {
      keepExisting: true,
      takenKeys: new Set(),
    });
    await insertVolunteers(community.db, auditor, staff, [theirs], { keepExisting: false });

    const inserted = await insertAudited(community.db, auditor, batch);

    expect(inserted).toEqual(new Set(batch.ids.slice(1)));
    const [kept] = await community.db
      .select({ firstName: volunteers.firstName })
      .from(volunteers)
      .where(eq(volunteers.displayId, theirs.displayId));
    expect(kept?.firstName).toBe(theirs.firstName);
    expect(await auditRowsOf(batch.ids)).toBe(2);
  });
});
