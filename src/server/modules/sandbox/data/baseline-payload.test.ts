import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxBaselinePayloadChunks, sandboxBaselinePayloads } from "../../../db/schema.js";
import { type ActorCtx, actingAs, inTransaction } from "../../../platform/context.js";
import { startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/users.js";
import { asSeeder } from "../access/index.js";
import { type BaselineOptions, seedSandboxBaseline } from "./baseline.js";
import { restoreBaseline, storeBaselinePayload } from "./baseline-payload.js";

const OPTIONS: BaselineOptions = { volunteers: 450, studies: 4, seed: 77 };
const BASELINE_TABLES = [
  "studies",
  "study_epochs",
  "study_cohorts",
  "study_events",
  "volunteers",
  "enrolments",
  "sandbox_audit",
];
/** Stamped by the database when a row is written (times, the audit row's number), so never equal. */
const STAMPED = new Set(["created_at", "updated_at", "at"]);

let community: TestCommunity;
let seeder: ActorCtx;

type Snapshot = Record<string, Record<string, unknown>[]>;

/**
 * Every row of the baseline's tables, each id replaced by its table and rank (ids are UUIDv7, so rank
 * is the order rows were generated in), wherever it appears: a foreign key or an audit row's JSON.
 * Two baselines agree on it when they hold the same rows, whatever ids they were given.
 */
async function snapshot(ctx: ActorCtx): Promise<Snapshot> {
  const tables: Snapshot = {};
  const names = new Map<string, string>();
  for (const table of BASELINE_TABLES) {
    const result = (await ctx.db.execute(sql.raw(`select * from ${table} order by id`))) as unknown as {
      rows: Record<string, unknown>[];
    };
    tables[table] = result.rows;
    if (table !== "sandbox_audit")
      result.rows.forEach((row, rank) => {
        names.set(String(row.id), `${table}#${rank}`);
      });
  }
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const named = (value: unknown) =>
    typeof value === "string" ? value.replace(uuid, (id) => names.get(id) ?? id) : value;
  return Object.fromEntries(
    Object.entries(tables).map(([table, rows]) => [
      table,
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row)
            .filter(([column]) => !STAMPED.has(column) && !(table === "sandbox_audit" && column === "id"))
            .map(([column, value]) => [column, named(value)]),
        ),
      ),
    ]),
  );
}

/** Empties the baseline's tables and restores them, as a wipe does, in one transaction. */
async function wipeAndRestore(options: BaselineOptions) {
  return inTransaction(seeder, async (tx) => {
    await tx.db.execute(
      sql.raw(
        "truncate table pharmacy_dispensations, pharmacy_containers, pharmacy_lots, pharmacy_products, enrolments, study_events, study_cohorts, study_epochs, studies, volunteers, volunteer_imports, sandbox_audit",
      ),
    );
    const steps = new Set<string>();
    const restored = await restoreBaseline(tx, options, (_done, _total, step) => steps.add(step));
    return { restored, steps, rows: await snapshot(tx) };
  });
}

/** The same baseline generated from scratch into the emptied tables, as wipes did before payloads. */
async function wipeAndGenerate(options: BaselineOptions): Promise<Snapshot> {
  return inTransaction(seeder, async (tx) => {
    await tx.db.execute(
      sql.raw(
        "truncate table pharmacy_dispensations, pharmacy_containers, pharmacy_lots, pharmacy_products, enrolments, study_events, study_cohorts, study_epochs, studies, volunteers, volunteer_imports, sandbox_audit",
      ),
    );
    await seedSandboxBaseline(tx, options);
    return snapshot(tx);
  });
}

const payloadCount = async () =>
  Number((await community.db.select({ n: count() }).from(sandboxBaselinePayloads))[0]?.n ?? 0);

beforeAll(async () => {
  community = await startTestCommunity();
  seeder = actingAs(community.ctx, asSeeder(actorOf(community.demo.people.staff)));
}, 120_000);

afterAll(async () => {
  await community?.close();
});

describe("the baseline's kept payload", () => {
  it("gives a wipe back exactly the rows generating the baseline writes, stamped with the wipe's actor", async () => {
    await storeBaselinePayload(seeder, OPTIONS);
    const fromPayload = await wipeAndRestore(OPTIONS);
    expect(fromPayload.restored).toMatchObject({ fromPayload: true, volunteers: 450, studies: 4 });
    expect(fromPayload.restored.enrolments).toBeGreaterThan(0);
    expect([...fromPayload.steps]).toEqual(["studies", "volunteers", "enrolments"]);

    const generated = await wipeAndGenerate(OPTIONS);
    expect(fromPayload.rows).toEqual(generated);
    expect(fromPayload.rows.volunteers).toHaveLength(450);
    expect(fromPayload.rows.sandbox_audit).toHaveLength(
      Object.entries(generated)
        .filter(([table]) => table !== "sandbox_audit")
        .reduce((sum, [, rows]) => sum + rows.length, 0),
    );
    const { id, email, organisationId } = seeder.actor;
    expect(
      new Set(fromPayload.rows.volunteers?.map((v) => [v.created_by, v.organisation_id].join())),
    ).toEqual(new Set([[id, organisationId].join()]));
    expect(new Set(fromPayload.rows.sandbox_audit?.map((a) => [a.actor_id, a.actor_email].join()))).toEqual(
      new Set([[id, email].join()]),
    );
    // A second wipe from the same payload: the same rows again.
    expect((await wipeAndRestore(OPTIONS)).rows).toEqual(fromPayload.rows);
  }, 120_000);

  it("keeps one payload, and does not make it again for the baseline it already holds", async () => {
    await storeBaselinePayload(seeder, OPTIONS);
    const [before] = await community.db.select().from(sandboxBaselinePayloads);
    await storeBaselinePayload(seeder, OPTIONS);
    expect(await community.db.select().from(sandboxBaselinePayloads)).toEqual([before]);
  }, 60_000);

  it("generates the baseline when no payload is kept (an older installation), and keeps one for the next wipe", async () => {
    await community.db.delete(sandboxBaselinePayloads);
    expect(await community.db.select({ n: count() }).from(sandboxBaselinePayloadChunks)).toEqual([{ n: 0 }]);
    const generatedWipe = await wipeAndRestore(OPTIONS);
    expect(generatedWipe.restored).toMatchObject({ fromPayload: false, volunteers: 450, studies: 4 });
    expect(await payloadCount()).toBe(1);

    const nextWipe = await wipeAndRestore(OPTIONS);
    expect(nextWipe.restored).toMatchObject({ fromPayload: true, volunteers: 450, studies: 4 });
    expect(nextWipe.rows).toEqual(generatedWipe.rows);
  }, 120_000);

  it("generates the baseline when the payload kept was made for other options, and replaces it", async () => {
    await storeBaselinePayload(seeder, OPTIONS);
    const other = { volunteers: 120, studies: 1, seed: 78 };
    const wipe = await wipeAndRestore(other);
    expect(wipe.restored).toMatchObject({ fromPayload: false, volunteers: 120, studies: 1 });
    expect(wipe.rows).toEqual(await wipeAndGenerate(other));
    expect(await payloadCount()).toBe(1);
    expect((await wipeAndRestore(other)).restored.fromPayload).toBe(true);
  }, 120_000);
});
