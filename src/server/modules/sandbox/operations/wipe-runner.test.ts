import { asc, count, eq, inArray, max } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inboxChanged } from "../../../../shared/contracts/notifications.js";
import {
  auditLog,
  enrolments,
  events,
  pharmacyProducts,
  sandboxAgreementAcceptances,
  sandboxAudit,
  sandboxDeployments,
  sandboxFlags,
  sandboxSettings,
  sandboxUsers,
  sandboxWipes,
  studies,
  volunteers,
} from "../../../db/schema.js";
import { actingAs, inTransaction } from "../../../platform/context.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { withSessionLock } from "../../../platform/session-lock.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/users.js";
import { asSeeder } from "../access/index.js";
import { DEMO_BASELINE } from "../demo.js";
import { wipeRunnerOf } from "../module.js";
import { wiped as wipedEvent } from "./contracts/wipes.js";
import { rememberBaseline } from "./settings.js";
import { ABANDONED_WIPE_ERROR, WIPE_FAILED, WIPE_RUNNER_LOCK } from "./wipe-liveness.js";
import { RESETTING_RETRY_AFTER_SECONDS } from "./wipe-state.js";
import { WIPE_CONFIRMATION, wipeNow } from "./wipes.js";

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind's org admin, a study coordinator

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

/** A wipe due now, made through the service so the test, not the route, starts the runner. */
async function dueWipe(message = "Test wipe.") {
  const person = community.demo.people.staff;
  const actor = actorOf(person);
  return wipeNow(actingAs(community.ctx, actor), { confirmation: WIPE_CONFIRMATION, message });
}

/** Staff as server code seeds: what remembering a baseline is done as. */
const seeding = () => actingAs(community.ctx, asSeeder(actorOf(community.demo.people.staff)));

const rowCount = async (
  table: typeof studies | typeof volunteers | typeof enrolments | typeof sandboxAudit,
) => Number((await community.db.select({ n: count() }).from(table))[0]?.n ?? 0);

const volunteerNames = async () =>
  (
    await community.db
      .select({
        displayId: volunteers.displayId,
        firstName: volunteers.firstName,
        lastName: volunteers.lastName,
      })
      .from(volunteers)
      .orderBy(asc(volunteers.displayId))
  ).map((v) => `${v.displayId} ${v.firstName} ${v.lastName}`);

/** A study the coordinator makes by hand, which a wipe must remove. */
async function customerStudy(protocolNumber: string) {
  const response = await coordinator.post("/api/sandbox/studies", {
    protocolNumber,
    title: "Made by hand",
    sponsor: "Northwind Therapeutics",
    phase: "I",
    plannedEnrolment: 4,
  });
  expect(response.statusCode, response.body).toBe(201);
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  await accept(staff);
  await accept(coordinator);
});
afterAll(() => community?.close());

beforeEach(async () => {
  await community.db
    .update(sandboxWipes)
    .set({ status: "cancelled" })
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
});

describe("the wipe runner", () => {
  it("does nothing when no wipe is due", async () => {
    expect(await wipeRunnerOf(community.db).runDueWipes()).toBeNull();
  });

  it("resets clinical data to the remembered baseline and keeps users, acceptances, flags, deployments and settings", async () => {
    const demoVolunteers = await volunteerNames();
    await customerStudy("NW-WIPE-1");
    const created = await coordinator.post("/api/sandbox/volunteers", {
      firstName: "Wendy",
      lastName: "Wiped",
      sex: "female",
      dateOfBirth: "1991-03-04",
      region: "Ohio, US",
      heightCm: 170,
      weightKg: 65,
    });
    expect(created.statusCode, created.body).toBe(201);
    const kept = {
      users: await community.db.select().from(sandboxUsers),
      acceptances: await community.db.select().from(sandboxAgreementAcceptances),
      flags: await community.db.select().from(sandboxFlags),
      deployments: await community.db.select().from(sandboxDeployments),
      settings: await community.db.select().from(sandboxSettings),
    };
    expect(await community.db.select().from(pharmacyProducts)).not.toHaveLength(0);

    const wipe = await dueWipe();
    const steps = new Set<string>();
    const outcome = await wipeRunnerOf(community.db).runDueWipes({ onProgress: (step) => steps.add(step) });

    expect(outcome).toMatchObject({
      wipeId: wipe.id,
      status: "completed",
      restored: { volunteers: DEMO_BASELINE.volunteers, studies: 0, enrolments: 0 },
    });
    expect(outcome && "removed" in outcome && outcome.removed.volunteers).toBe(demoVolunteers.length + 1);
    expect([...steps]).toEqual(expect.arrayContaining(["clearing", "volunteers"]));
    // The demo's baseline again, volunteer for volunteer; the hand-made studies and volunteer are gone.
    expect(await volunteerNames()).toEqual(demoVolunteers);
    expect(await rowCount(studies)).toBe(0);
    expect(await rowCount(enrolments)).toBe(0);
    expect(await community.db.select().from(pharmacyProducts)).toHaveLength(0);
    // The sandbox audit trail starts again with the baseline's one row per record.
    expect(await rowCount(sandboxAudit)).toBe(DEMO_BASELINE.volunteers);
    expect(kept).toEqual({
      users: await community.db.select().from(sandboxUsers),
      acceptances: await community.db.select().from(sandboxAgreementAcceptances),
      flags: await community.db.select().from(sandboxFlags),
      deployments: await community.db.select().from(sandboxDeployments),
      settings: await community.db.select().from(sandboxSettings),
    });

    const [row] = await community.db.select().from(sandboxWipes).where(eq(sandboxWipes.id, wipe.id));
    expect(row).toMatchObject({ status: "completed", error: null });
    const audit = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, wipe.id))
      .orderBy(asc(auditLog.id));
    expect(audit.map((entry) => entry.action)).toEqual([
      "sandbox.wipe_now",
      "sandbox.wipe_started",
      "sandbox.wipe_completed",
    ]);
    expect(audit.at(-1)?.details).toMatchObject({
      removed: { studies: 2 + 1, volunteers: demoVolunteers.length + 1 },
      restored: { volunteers: DEMO_BASELINE.volunteers },
    });
    const [wiped] = await community.db.select().from(events).where(eq(events.topic, wipedEvent.topic));
    expect(wiped?.payload).toMatchObject({ wipeId: wipe.id });
    // A customer works again at once.
    expect((await coordinator.get("/api/sandbox/studies")).statusCode).toBe(200);
  });

  it("restores the baseline last seeded (its options are remembered in the settings)", async () => {
    await rememberBaseline(seeding(), { volunteers: 30, studies: 2, seed: 7 });
    try {
      await dueWipe();
      const outcome = await wipeRunnerOf(community.db).runDueWipes();
      expect(outcome).toMatchObject({ status: "completed", restored: { volunteers: 30, studies: 2 } });
      expect(await rowCount(volunteers)).toBe(30);
      expect(await rowCount(studies)).toBe(2);
    } finally {
      await rememberBaseline(seeding(), DEMO_BASELINE);
    }
  });

  it("leaves the previous data intact when the wipe fails midway, and marks the wipe failed", async () => {
    await customerStudy("NW-WIPE-2");
    const before = {
      volunteers: await volunteerNames(),
      studies: await rowCount(studies),
      audit: await rowCount(sandboxAudit),
    };
    const wipe = await dueWipe();
    const outcome = await wipeRunnerOf(community.db).runDueWipes({
      afterClear: () => {
        throw new Error("disk full while writing the baseline");
      },
    });
    expect(outcome).toMatchObject({ status: "failed", error: "disk full while writing the baseline" });
    expect({
      volunteers: await volunteerNames(),
      studies: await rowCount(studies),
      audit: await rowCount(sandboxAudit),
    }).toEqual(before);
    expect(
      await community.db.select().from(studies).where(eq(studies.protocolNumber, "NW-WIPE-2")),
    ).toHaveLength(1);
    const [row] = await community.db.select().from(sandboxWipes).where(eq(sandboxWipes.id, wipe.id));
    expect(row).toMatchObject({ status: "failed", error: "disk full while writing the baseline" });
    expect(row?.finishedAt).not.toBeNull();
    const actions = (await community.db.select().from(auditLog).where(eq(auditLog.targetId, wipe.id))).map(
      (entry) => entry.action,
    );
    expect(actions).toContain("sandbox.wipe_failed");
    expect(actions).not.toContain("sandbox.wipe_completed");
    const environment = (await coordinator.get("/api/sandbox/environment")).json();
    expect(environment.lastWipe).toMatchObject({ status: "failed" });
    expect((await coordinator.get("/api/sandbox/studies")).statusCode).toBe(200);
  });

  it("answers sandbox routes 503 sandbox_resetting with Retry-After while it runs, and shows progress", async () => {
    await dueWipe();
    let release: () => void = () => {};
    let reachedClear: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const cleared = new Promise<void>((resolve) => {
      reachedClear = resolve;
    });
    const running = wipeRunnerOf(community.db).runDueWipes({
      afterClear: async () => {
        reachedClear();
        await held;
      },
    });
    await cleared;
    try {
      for (const url of [
        "/api/sandbox/studies",
        "/api/sandbox/volunteers",
        "/api/sandbox/pharmacy/products",
      ]) {
        const response = await coordinator.get(url);
        expect(response.statusCode, url).toBe(503);
        expect(response.headers["retry-after"]).toBe(String(RESETTING_RETRY_AFTER_SECONDS));
        expect(response.json().error).toMatchObject({
          code: "sandbox_resetting",
          message: expect.stringContaining("being reset"),
        });
      }
      const write = await coordinator.post("/api/sandbox/studies", { protocolNumber: "NW-LATE" });
      expect(write.statusCode).toBe(503);
      const environment = await coordinator.get("/api/sandbox/environment");
      expect(environment.statusCode).toBe(200);
      expect(environment.json().wipe).toEqual({ status: "running", step: "clearing", done: 0, total: 0 });
      expect(environment.json().nextWipe).toBeNull();
      expect((await community.anonymous().get("/api/sandbox/environment")).statusCode).toBe(401);
    } finally {
      release();
    }
    expect(await running).toMatchObject({ status: "completed" });
    expect((await coordinator.get("/api/sandbox/studies")).statusCode).toBe(200);
    expect((await coordinator.get("/api/sandbox/environment")).json().wipe).toBeNull();
  });

  it("answers 503 on a node that is not running the wipe, from the wipe's row, and leaves counts out", async () => {
    // Another node's runner: it holds the runner lock for as long as its wipe runs.
    await withSessionLock(community.db, WIPE_RUNNER_LOCK, async () => {
      const [row] = await community.db
        .insert(sandboxWipes)
        .values({
          scheduledFor: new Date(),
          message: "Running on another node.",
          status: "running",
          startedAt: new Date(),
          scheduledBy: community.demo.people.staff.id,
        })
        .returning();
      const response = await coordinator.get("/api/sandbox/studies");
      expect(response.statusCode).toBe(503);
      expect(response.headers["retry-after"]).toBe(String(RESETTING_RETRY_AFTER_SECONDS));
      const environment = (await coordinator.get("/api/sandbox/environment")).json();
      expect(environment.wipe).toEqual({ status: "running", step: null, done: null, total: null });
      expect(environment.counts).toMatchObject({ studies: null, volunteers: null });
      // Only one node runs a wipe: this one finds nothing to claim, and leaves the other's alone.
      expect(await wipeRunnerOf(community.db).runDueWipes()).toBeNull();
      const [after] = await community.db
        .select()
        .from(sandboxWipes)
        .where(eq(sandboxWipes.id, row?.id ?? ""));
      expect(after?.status).toBe("running");
      // The other node finishes its wipe before it lets go of the lock.
      await community.db
        .update(sandboxWipes)
        .set({ status: "completed", finishedAt: new Date() })
        .where(eq(sandboxWipes.id, row?.id ?? ""));
    });
  });

  it("lets the rest of the community publish events while a wipe's runner holds its lock", async () => {
    await withSessionLock(community.db, WIPE_RUNNER_LOCK, async () => {
      // Chat messages, ticket replies and the like publish an event in their transaction: none waits for the wipe.
      const newestEvent = async () =>
        (await community.db.select({ id: max(events.id) }).from(events))[0]?.id ?? 0;
      const before = await newestEvent();
      await inTransaction(community.ctx, (tx) => publishEvent(tx, inboxChanged, { everyone: true }, {}));
      expect(await newestEvent()).toBeGreaterThan(before);
    });
  });

  it("marks a wipe failed at once when its runner is gone, so routes answer and a new wipe may start", async () => {
    // What a killed runner leaves: the row says running, the transaction rolled back, nobody holds the lock.
    const [row] = await community.db
      .insert(sandboxWipes)
      .values({
        scheduledFor: new Date(),
        message: "Interrupted.",
        status: "running",
        startedAt: new Date(),
        scheduledBy: community.demo.people.staff.id,
      })
      .returning();
    expect((await coordinator.get("/api/sandbox/studies")).statusCode).toBe(200);
    const [after] = await community.db
      .select()
      .from(sandboxWipes)
      .where(eq(sandboxWipes.id, row?.id ?? ""));
    expect(after).toMatchObject({ status: "failed", error: ABANDONED_WIPE_ERROR });
    expect(after?.finishedAt).toBeInstanceOf(Date);
    const [audited] = await community.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, row?.id ?? ""));
    expect(audited).toMatchObject({ action: WIPE_FAILED, details: { error: ABANDONED_WIPE_ERROR } });
    expect((await coordinator.get("/api/sandbox/environment")).json().wipe).toBeNull();
  });

  it("lets a new wipe start when the running one's runner is gone", async () => {
    await community.db.insert(sandboxWipes).values({
      scheduledFor: new Date(),
      message: "Interrupted.",
      status: "running",
      startedAt: new Date(),
      scheduledBy: community.demo.people.staff.id,
    });
    const wipe = await dueWipe("After a crash.");
    expect(await wipeRunnerOf(community.db).runDueWipes()).toMatchObject({
      wipeId: wipe.id,
      status: "completed",
    });
  });
});
