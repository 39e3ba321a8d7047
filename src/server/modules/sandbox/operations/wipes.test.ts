import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, events, mailOutbox, sandboxWipes, studies, users } from "../../../db/schema.js";
import { withSessionLock } from "../../../platform/session-lock.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { wipeRunnerOf } from "../module.js";
import { wipeChanged } from "./contracts/wipes.js";
import { WIPE_RUNNER_LOCK } from "./wipe-liveness.js";
import { WIPE_CONFIRMATION } from "./wipes.js";

type Wipe = {
  id: string;
  scheduledFor: string;
  message: string;
  status: string;
  immediate: boolean;
  scheduledBy: { name: string } | null;
  cancelledBy: { name: string } | null;
};
type Channel = { id: string; slug: string };

let community: TestCommunity;
let staff: Client;
let orgAdmin: Client; // Northwind's org admin (a study coordinator)
let member: Client; // Northwind investigator
let otherOrg: Client; // Contoso's study coordinator

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function schedule(body: Record<string, unknown>): Promise<Wipe> {
  const response = await staff.post("/api/admin/sandbox/wipes", body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const announcements = async (): Promise<Channel> => {
  const channels = (await staff.get("/api/chat/channels")).json().channels as (Channel & {
    isAnnouncements: boolean;
  })[];
  const found = channels.find((c) => c.isAnnouncements);
  if (!found) throw new Error("no #announcements");
  return found;
};

const lastNotice = async (): Promise<string | undefined> =>
  (
    (await staff.get(`/api/chat/channels/${(await announcements()).id}/messages`)).json().messages as {
      body: string;
    }[]
  ).at(-1)?.body;

/** The demo's sandbox users (staff are not among them): whom a wipe's e-mail must reach. */
const sandboxUserEmails = () => {
  const people = community.demo.people;
  return [
    people.northwindAdmin,
    people.northwindMember,
    people.northwindPharmacist,
    people.contosoMember,
    people.fabrikamDev,
  ].map((person) => person.email);
};

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  orgAdmin = await community.signIn("admin@northwind.example");
  member = await community.signIn("member@northwind.example");
  otherOrg = await community.signIn("member@contoso.example");
  await accept(staff);
});
afterAll(() => community?.close());

// Each case starts with nothing pending: what a case scheduled is cancelled or already finished.
beforeEach(async () => {
  await community.db
    .update(sandboxWipes)
    .set({ status: "cancelled" })
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
});

describe("scheduling a wipe", () => {
  it("schedules it, and announces it in the channel, by e-mail, in the audit log and in real time", async () => {
    const scheduledFor = inHours(48);
    const wipe = await schedule({ scheduledFor, message: "Monthly reset before 26.4." });
    expect(wipe).toMatchObject({
      scheduledFor: new Date(scheduledFor).toISOString(),
      message: "Monthly reset before 26.4.",
      status: "scheduled",
      immediate: false,
      scheduledBy: { name: community.demo.people.staff.name },
    });

    const notice = await lastNotice();
    expect(notice).toContain(`will be wiped on ${scheduledFor.slice(0, 16).replace("T", " ")} UTC`);
    expect(notice).toContain("Monthly reset before 26.4.");
    expect(notice).toContain("/sandbox/studies");

    const subject = `The development environment will be wiped on ${scheduledFor.slice(0, 16).replace("T", " ")} UTC`;
    const mail = await community.db.select().from(mailOutbox).where(eq(mailOutbox.subject, subject));
    expect(mail.map((m) => m.toAddress).sort()).toEqual(sandboxUserEmails().sort());
    expect(mail[0]?.text).toContain("Monthly reset before 26.4.");

    const [audit] = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sandbox.wipe_scheduled"), eq(auditLog.targetId, wipe.id)));
    expect(audit?.details).toMatchObject({ message: "Monthly reset before 26.4." });
    const [event] = await community.db
      .select()
      .from(events)
      .where(eq(events.topic, wipeChanged.topic))
      .orderBy(events.id);
    expect(event?.everyone).toBe(true);
    expect(event?.payload).toMatchObject({ wipe: { id: wipe.id, status: "scheduled" } });
  });

  it("shows the countdown banner's wipe in the environment status, to a customer too", async () => {
    const wipe = await schedule({ scheduledFor: inHours(30), message: "Countdown." });
    const environment = (await member.get("/api/sandbox/environment")).json();
    expect(environment.nextWipe).toEqual({
      id: wipe.id,
      scheduledFor: wipe.scheduledFor,
      message: "Countdown.",
    });
  });

  it("sends no e-mail to a sandbox user whose account was deactivated", async () => {
    const dev = community.demo.people.fabrikamDev;
    await community.db.update(users).set({ status: "deactivated" }).where(eq(users.id, dev.id));
    try {
      const wipe = await schedule({ scheduledFor: inHours(40), message: "Without Fabrikam." });
      const subject = `The development environment will be wiped on ${wipe.scheduledFor.slice(0, 16).replace("T", " ")} UTC`;
      const recipients = (
        await community.db.select().from(mailOutbox).where(eq(mailOutbox.subject, subject))
      ).map((m) => m.toAddress);
      expect(recipients).toContain("admin@northwind.example");
      expect(recipients).not.toContain(dev.email);
    } finally {
      await community.db.update(users).set({ status: "active" }).where(eq(users.id, dev.id));
    }
  });

  it("refuses a time in the past, naming scheduledFor and the earliest time allowed", async () => {
    const response = await staff.post("/api/admin/sandbox/wipes", {
      scheduledFor: inHours(-1),
      message: "Too late.",
    });
    expect(response.statusCode).toBe(400);
    const { fields } = response.json().error;
    expect(fields.scheduledFor).toMatch(
      /^That time has passed\. Schedule the wipe at least 24 hours ahead: .+ or later\.$/,
    );
  });

  it("refuses a time inside the notice period, and follows the notice period in settings", async () => {
    const early = await staff.post("/api/admin/sandbox/wipes", {
      scheduledFor: inHours(23),
      message: "Soon.",
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.scheduledFor).toMatch(
      /at least 24 hours ahead: \d{4}-\d\d-\d\d \d\d:\d\d UTC or later/,
    );

    expect((await staff.patch("/api/admin/sandbox/settings", { wipeNoticeHours: 2 })).statusCode).toBe(200);
    try {
      await schedule({ scheduledFor: inHours(3), message: "Short notice allowed." });
    } finally {
      await staff.patch("/api/admin/sandbox/settings", { wipeNoticeHours: 24 });
    }
  });

  it("refuses a second wipe while one is scheduled (409), and writes nothing", async () => {
    const first = await schedule({ scheduledFor: inHours(50), message: "First." });
    const before = await community.db.select().from(sandboxWipes);
    const second = await staff.post("/api/admin/sandbox/wipes", {
      scheduledFor: inHours(60),
      message: "Second.",
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toContain("already scheduled");
    expect(await community.db.select().from(sandboxWipes)).toHaveLength(before.length);
    expect((await staff.get("/api/admin/sandbox/wipes")).json().wipes[0].id).toBe(first.id);
  });

  it("refuses a missing message and a time that is not ISO 8601, naming the fields", async () => {
    const response = await staff.post("/api/admin/sandbox/wipes", {
      scheduledFor: "next Tuesday",
      message: " ",
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(["message", "scheduledFor"]);
  });

  it("refuses customers (403): an org admin, a member and another organisation's coordinator", async () => {
    for (const client of [orgAdmin, member, otherOrg]) {
      const body = { scheduledFor: inHours(48), message: "Not mine to do." };
      expect((await client.post("/api/admin/sandbox/wipes", body)).statusCode).toBe(403);
      expect((await client.get("/api/admin/sandbox/wipes")).statusCode).toBe(403);
      expect(
        (
          await client.post("/api/admin/sandbox/wipes/now", {
            confirmation: WIPE_CONFIRMATION,
            message: "No.",
          })
        ).statusCode,
      ).toBe(403);
    }
  });
});

describe("cancelling a wipe", () => {
  it("cancels a scheduled wipe with a notice and the event, and the banner goes", async () => {
    const wipe = await schedule({ scheduledFor: inHours(26), message: "Maybe." });
    for (const client of [orgAdmin, member, otherOrg])
      expect((await client.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`)).statusCode).toBe(403);
    const response = await staff.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      status: "cancelled",
      cancelledBy: { name: community.demo.people.staff.name },
    });
    expect(await lastNotice()).toContain("is cancelled; nothing will be reset");
    expect((await member.get("/api/sandbox/environment")).json().nextWipe).toBeNull();
    const cancelled = await community.db
      .select()
      .from(events)
      .where(eq(events.topic, wipeChanged.topic))
      .orderBy(events.id);
    expect(cancelled.at(-1)?.payload).toMatchObject({ wipe: { id: wipe.id, status: "cancelled" } });
  });

  it("refuses to cancel a wipe that is not scheduled (409), and one that does not exist (404)", async () => {
    const wipe = await schedule({ scheduledFor: inHours(26), message: "Once." });
    expect((await staff.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`)).statusCode).toBe(200);
    expect((await staff.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`)).statusCode).toBe(409);
    expect(
      (await staff.post("/api/admin/sandbox/wipes/01900000-0000-7000-8000-000000000000/cancel")).statusCode,
    ).toBe(404);
  });
});

describe("wiping now", () => {
  it("refuses a confirmation that is not the phrase, naming confirmation, and wipes nothing", async () => {
    for (const confirmation of ["WIPE", "wipe the development environment now", ""]) {
      const response = await staff.post("/api/admin/sandbox/wipes/now", { confirmation, message: "Now." });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields.confirmation).toBe(`Type "${WIPE_CONFIRMATION}" to confirm.`);
    }
    expect(
      await community.db.select().from(sandboxWipes).where(eq(sandboxWipes.immediate, true)),
    ).toHaveLength(0);
  });

  it("takes over the scheduled wipe, runs at once (202) and resets a study a customer created", async () => {
    await accept(otherOrg);
    const created = await otherOrg.post("/api/sandbox/studies", {
      protocolNumber: "CT-999",
      title: "A study made before the wipe",
      sponsor: "Contoso Pharma",
      phase: "I",
      plannedEnrolment: 8,
    });
    expect(created.statusCode, created.body).toBe(201);
    const scheduled = await schedule({ scheduledFor: inHours(72), message: "Planned." });

    const response = await staff.post("/api/admin/sandbox/wipes/now", {
      confirmation: "  Wipe The Development Environment ",
      message: "A broken build corrupted the data.",
    });
    expect(response.statusCode, response.body).toBe(202);
    const { wipe } = response.json();
    expect(wipe).toMatchObject({
      id: scheduled.id,
      immediate: true,
      message: "A broken build corrupted the data.",
    });
    await wipeRunnerOf(community.db).idle();

    const [row] = await community.db.select().from(sandboxWipes).where(eq(sandboxWipes.id, scheduled.id));
    expect(row?.status).toBe("completed");
    expect(
      await community.db.select().from(studies).where(eq(studies.protocolNumber, "CT-999")),
    ).toHaveLength(0);
    const [audit] = await community.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sandbox.wipe_now"), eq(auditLog.targetId, scheduled.id)));
    expect(audit?.details).toMatchObject({ takenOver: { scheduledFor: scheduled.scheduledFor } });
    expect(await lastNotice()).toContain("is being wiped now");
    const environment = (await member.get("/api/sandbox/environment")).json();
    expect(environment).toMatchObject({ nextWipe: null, wipe: null, lastWipe: { status: "completed" } });
  });

  it("refuses to wipe now while a wipe is running (409)", async () => {
    // Another node's runner holds the runner lock for as long as its wipe runs.
    await withSessionLock(community.db, WIPE_RUNNER_LOCK, async () => {
      await community.db.insert(sandboxWipes).values({
        scheduledFor: new Date(),
        message: "Running on another node.",
        status: "running",
        startedAt: new Date(),
        scheduledBy: community.demo.people.staff.id,
      });
      const response = await staff.post("/api/admin/sandbox/wipes/now", {
        confirmation: WIPE_CONFIRMATION,
        message: "Again.",
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.message).toBe("A wipe is running now; wait for it to finish.");
    });
  });
});
