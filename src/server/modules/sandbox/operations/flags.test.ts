import { and, desc, eq } from "drizzle-orm";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, events } from "../../../db/schema.js";
import { AppError } from "../../../platform/errors.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { releaseRefByVersion } from "../../releases/index.js";
import { requireFeature } from "../index.js";

type Flag = {
  key: string;
  name: string;
  description: string;
  state: string;
  release: { id: string; version: string; status: string } | null;
};

let community: TestCommunity;
let staff: Client;
let orgAdmin: Client; // Northwind's org admin (a study coordinator)
let member: Client; // Northwind investigator
let otherOrg: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

const flags = async (client: Client): Promise<Flag[]> => {
  const response = await client.get("/api/sandbox/flags");
  expect(response.statusCode, response.body).toBe(200);
  return response.json().flags;
};

const lastEvent = async (topic: string) => {
  const [row] = await community.db
    .select()
    .from(events)
    .where(eq(events.topic, topic))
    .orderBy(desc(events.id))
    .limit(1);
  return row;
};

const auditRows = (action: string, key: string) =>
  community.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, key)));

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  orgAdmin = await community.signIn("admin@northwind.example");
  member = await community.signIn("member@northwind.example");
  otherOrg = await community.signIn("member@contoso.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  // The Northwind investigator is left at the gate on purpose.
  for (const client of [staff, orgAdmin, otherOrg, readOnly]) await accept(client);
});
afterAll(() => community?.close());

describe("reading flags", () => {
  it("shows the demo's pharmacy flag in preview, linked to the draft 26.3 release, to a read-only user", async () => {
    const pharmacy = (await flags(readOnly)).find((flag) => flag.key === "pharmacy");
    expect(pharmacy).toMatchObject({
      name: "Pharmacy preview",
      state: "preview",
      release: { version: "26.3", status: "draft" },
    });
  });

  it("refuses the flags with 403 agreement_required before the agreement is accepted", async () => {
    const response = await member.get("/api/sandbox/flags");
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("agreement_required");
  });
});

describe("defining and changing flags", () => {
  it("refuses customers (org admin, member, another organisation's member) with 403", async () => {
    for (const client of [orgAdmin, member, otherOrg]) {
      const created = await client.post("/api/admin/sandbox/flags", {
        key: "sneaky",
        name: "Sneaky",
        state: "on",
      });
      expect(created.statusCode, client.email ?? "").toBe(403);
      const changed = await client.patch("/api/admin/sandbox/flags/pharmacy", { state: "on" });
      expect(changed.statusCode, client.email ?? "").toBe(403);
    }
    expect((await flags(staff)).map((flag) => flag.key)).not.toContain("sneaky");
  });

  it("creates a flag linked to a release, audits it and tells every signed-in page", async () => {
    const release = await releaseRefByVersion(community.db, "26.2");
    const response = await staff.post("/api/admin/sandbox/flags", {
      key: "visit-scheduler",
      name: "Visit scheduler",
      description: "Plans visits from the schedule of events.",
      state: "on",
      releaseId: release?.id,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      key: "visit-scheduler",
      state: "on",
      release: { version: "26.2", status: "published" },
    });
    expect(await auditRows("sandbox.flag_created", "visit-scheduler")).toHaveLength(1);
    const event = await lastEvent("sandbox.flag");
    expect(event).toMatchObject({
      everyone: true,
      payload: { flag: { key: "visit-scheduler", state: "on" } },
    });
  });

  it("refuses a taken key with 409, a malformed key and an unknown release with 400 naming the field", async () => {
    const taken = await staff.post("/api/admin/sandbox/flags", {
      key: "pharmacy",
      name: "Again",
      state: "off",
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.fields).toHaveProperty("key");
    const malformed = await staff.post("/api/admin/sandbox/flags", {
      key: "Pharmacy Labels",
      name: "L",
      state: "off",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields).toHaveProperty("key");
    const badState = await staff.post("/api/admin/sandbox/flags", {
      key: "labels",
      name: "L",
      state: "maybe",
    });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.fields.state).toBe("Choose a state: off, preview or on.");
    const unknownRelease = await staff.post("/api/admin/sandbox/flags", {
      key: "labels",
      name: "Labels",
      state: "off",
      releaseId: "0190f7d2-0000-7000-8000-000000000000",
    });
    expect(unknownRelease.statusCode).toBe(400);
    expect(unknownRelease.json().error.fields).toHaveProperty("releaseId");
    expect((await flags(staff)).map((flag) => flag.key)).not.toContain("labels");
  });

  it("changes a flag, recording from and to in the audit log and publishing the new state", async () => {
    const response = await staff.patch("/api/admin/sandbox/flags/visit-scheduler", {
      state: "preview",
      releaseId: null,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ state: "preview", release: null });
    const [audit] = await auditRows("sandbox.flag_changed", "visit-scheduler");
    expect(audit?.details).toMatchObject({ changes: { state: { from: "on", to: "preview" } } });
    expect((await lastEvent("sandbox.flag"))?.payload).toMatchObject({
      flag: { key: "visit-scheduler", state: "preview" },
    });
  });

  it("answers 404 for a flag key that does not exist", async () => {
    const response = await staff.patch("/api/admin/sandbox/flags/teleporter", { state: "on" });
    expect(response.statusCode).toBe(404);
  });
});

describe("requireFeature", () => {
  /** A flagged route as a feature module would write it. */
  async function flaggedRoute() {
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      if (!(error instanceof AppError)) throw error;
      return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
    });
    app.get("/labels", async () => {
      const state = await requireFeature(community.ctx, "pharmacy");
      return { labels: [], preview: state === "preview" };
    });
    await app.ready();
    return app;
  }

  it("lets a preview feature answer with preview: true, and refuses it with 404 feature_disabled once off", async () => {
    const app = await flaggedRoute();
    try {
      const preview = await app.inject({ method: "GET", url: "/labels" });
      expect(preview.json()).toEqual({ labels: [], preview: true });

      expect((await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "off" })).statusCode).toBe(200);
      const off = await app.inject({ method: "GET", url: "/labels" });
      expect(off.statusCode).toBe(404);
      expect(off.json().error).toEqual({
        code: "feature_disabled",
        message: "The Pharmacy preview feature is switched off in this environment.",
      });
      // Switching off keeps the flag (and the feature's data); switching on brings the route back.
      expect((await flags(readOnly)).find((flag) => flag.key === "pharmacy")?.state).toBe("off");
      expect((await staff.patch("/api/admin/sandbox/flags/pharmacy", { state: "on" })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/labels" })).json().preview).toBe(false);
    } finally {
      await app.close();
    }
  });

  it("treats a flag that was never defined as switched off", async () => {
    await expect(requireFeature(community.ctx, "time-machine")).rejects.toMatchObject({
      code: "feature_disabled",
      status: 404,
    });
  });
});
