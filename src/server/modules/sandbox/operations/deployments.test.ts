import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/client.js";
import { auditLog, events, sandboxDeployments } from "../../../db/schema.js";
import {
  type Client,
  startTestCommunity,
  TEST_ORIGIN,
  type TestCommunity,
} from "../../../testing/harness.js";
import { releaseRefByVersion } from "../../releases/index.js";
import { isTaggedVersion } from "./deployments.js";

type Deployment = {
  id: string;
  buildId: string;
  version: string;
  deployedAt: string;
  notesHtml: string;
  flagChanges: { key: string; from: string; to: string }[];
  unreleased: boolean;
  recordedBy: { name: string } | null;
};
type Channel = { id: string; slug: string; isAnnouncements: boolean };

let community: TestCommunity;
let staff: Client;
let orgAdmin: Client; // Northwind's org admin (a study coordinator)
let member: Client; // Northwind investigator, who has not accepted the agreement
let otherOrg: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function deploy(body: Record<string, unknown>): Promise<Deployment> {
  const response = await staff.post("/api/admin/sandbox/deployments", body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const history = async (
  client: Client,
  query = "",
): Promise<{ deployments: Deployment[]; nextBefore: string | null }> => {
  const response = await client.get(`/api/sandbox/deployments${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const pharmacyState = async () =>
  ((await staff.get("/api/sandbox/flags")).json().flags as { key: string; state: string }[]).find(
    (flag) => flag.key === "pharmacy",
  )?.state;

const deploymentCount = async () => (await community.db.select().from(sandboxDeployments)).length;

const channel = async (slug: string): Promise<Channel> => {
  const channels = (await staff.get("/api/chat/channels")).json().channels as Channel[];
  const found = channels.find((c) => c.slug === slug);
  if (!found) throw new Error(`no #${slug}`);
  return found;
};

const messagesIn = async (
  client: Client,
  channelId: string,
): Promise<{ body: string; author: { name: string } }[]> =>
  (await client.get(`/api/chat/channels/${channelId}/messages`)).json().messages;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  orgAdmin = await community.signIn("admin@northwind.example");
  member = await community.signIn("member@northwind.example");
  otherOrg = await community.signIn("member@contoso.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, orgAdmin, otherOrg, readOnly]) await accept(client);
});
afterAll(() => community?.close());

describe("the deployment history", () => {
  it("shows the demo's release candidate, which switched pharmacy to preview, to a read-only user", async () => {
    const { deployments } = await history(readOnly);
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({
      version: "26.3-rc.1",
      buildId: "26.3.0-build.700",
      flagChanges: [{ key: "pharmacy", from: "off", to: "preview" }],
      unreleased: true,
      recordedBy: { name: expect.any(String) },
    });
    expect(deployments[0]?.notesHtml).toContain("<strong>26.3</strong>");
  });

  it("refuses the history with 403 agreement_required before the agreement is accepted", async () => {
    const response = await member.get("/api/sandbox/deployments");
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("agreement_required");
  });
});

describe("recording a deployment", () => {
  it("refuses customers (org admin, member, another organisation's member) with 403", async () => {
    for (const client of [orgAdmin, member, otherOrg]) {
      const response = await client.post("/api/admin/sandbox/deployments", {
        buildId: "999",
        version: "26.9-rc.1",
        flags: { pharmacy: "on" },
      });
      expect(response.statusCode, client.email ?? "").toBe(403);
    }
    expect(await deploymentCount()).toBe(1);
    expect(await pharmacyState()).toBe("preview");
  });

  it("refuses a missing build id, a malformed version and a time in the future with 400 naming the field", async () => {
    const missing = await staff.post("/api/admin/sandbox/deployments", { version: "26.4-rc.2" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields.buildId).toBe("Enter the build id.");
    const blank = await staff.post("/api/admin/sandbox/deployments", { buildId: "  ", version: "26.4-rc.2" });
    expect(blank.json().error.fields.buildId).toBe("Enter the build id.");
    const version = await staff.post("/api/admin/sandbox/deployments", { buildId: "812", version: "latest" });
    expect(version.statusCode).toBe(400);
    expect(version.json().error.fields).toHaveProperty("version");
    const future = await staff.post("/api/admin/sandbox/deployments", {
      buildId: "812",
      version: "26.4-rc.2",
      deployedAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields).toHaveProperty("deployedAt");
    expect(await deploymentCount()).toBe(1);
  });

  it("refuses a flag key that does not exist with 400 naming flags.<key>, switching no other flag", async () => {
    const response = await staff.post("/api/admin/sandbox/deployments", {
      buildId: "812",
      version: "26.4-rc.2",
      flags: { pharmacy: "on", teleporter: "preview" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({
      "flags.teleporter": "There is no feature flag teleporter; define it first.",
    });
    expect(await pharmacyState()).toBe("preview");
    expect(await deploymentCount()).toBe(1);
  });

  it("posts the notice into the configured channel, audits it and tells every signed-in page", async () => {
    const general = await channel("general");
    const settings = await staff.patch("/api/admin/sandbox/settings", { noticeChannelId: general.id });
    expect(settings.statusCode, settings.body).toBe(200);

    const deployment = await deploy({
      buildId: "812",
      version: "26.4-rc.2",
      notes: "Fixes the **schedule conflict** on publish.",
      flags: { pharmacy: "preview" },
    });
    // pharmacy was in preview already: no change is recorded, and the build is unreleased by its tag.
    expect(deployment).toMatchObject({ flagChanges: [], unreleased: true });
    const notice = (await messagesIn(readOnly, general.id)).at(-1);
    expect(notice?.body).toBe(
      `Deployed 26.4-rc.2 (build 812) to the development environment. Notes: ${TEST_ORIGIN}/sandbox/deployments`,
    );
    const [audit] = await community.db.select().from(auditLog).where(eq(auditLog.targetId, deployment.id));
    expect(audit).toMatchObject({
      action: "sandbox.deployment_recorded",
      actorEmail: "staff@vendor.example",
    });
    const [event] = await community.db
      .select()
      .from(events)
      .where(eq(events.topic, "sandbox.deployed"))
      .orderBy(desc(events.id))
      .limit(1);
    expect(event).toMatchObject({ everyone: true, payload: { deployment: { id: deployment.id } } });
  });

  it("records only real flag changes and names them in the notice", async () => {
    const deployment = await deploy({ buildId: "813", version: "26.4-rc.3", flags: { pharmacy: "on" } });
    expect(deployment.flagChanges).toEqual([{ key: "pharmacy", from: "preview", to: "on" }]);
    const general = await channel("general");
    expect((await messagesIn(staff, general.id)).at(-1)?.body).toContain(
      "to the development environment: pharmacy → on.",
    );
  });

  it("marks a build unreleased while a flag that is on belongs to an unpublished release", async () => {
    // pharmacy is on and linked to the draft 26.3 release; the version carries no tag.
    expect((await releaseRefByVersion(community.db, "26.3"))?.status).toBe("draft");
    expect((await deploy({ buildId: "814", version: "26.3" })).unreleased).toBe(true);
    // Switched off, nothing unreleased is left in a release build.
    const released = await deploy({ buildId: "815", version: "26.2.2", flags: { pharmacy: "off" } });
    expect(released).toMatchObject({
      unreleased: false,
      flagChanges: [{ key: "pharmacy", from: "on", to: "off" }],
    });
  });

  it("tells tagged versions from release versions", () => {
    expect(["26.4-rc.2", "26.4.0-build.812", "26.4+812"].map(isTaggedVersion)).toEqual([true, true, true]);
    expect(["26.4", "26.4.1"].map(isTaggedVersion)).toEqual([false, false]);
  });

  it("lists the history newest first, a page at a time, with a back-dated deployment in its place", async () => {
    await deploy({ buildId: "700-hotfix", version: "26.2.3", deployedAt: "2026-01-02T10:00:00Z" });
    const first = await history(staff, "?limit=2");
    expect(first.deployments.map((d) => d.buildId)).toEqual(["815", "814"]);
    expect(first.nextBefore).toBe(first.deployments[1]?.id);
    const all = await history(staff, `?limit=100`);
    expect(all.deployments.at(-1)?.buildId).toBe("700-hotfix");
    expect(all.nextBefore).toBeNull();
    const second = await history(staff, `?limit=2&before=${first.nextBefore}`);
    expect(second.deployments.map((d) => d.buildId)).toEqual(["813", "812"]);
  });
});

const run = promisify(execFile);

/** Runs the real `convene` binary on its own embedded database. */
async function convene(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/convene.js", ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each case starts real `convene` processes (tsx, PGlite, argon2): slow on a busy two-core machine.
describe("convene sandbox deploy", { timeout: 180_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-deploy-"));
    expect((await convene(dataDir, "admin", "create-staff", "--email", "ops@vendor.example")).code).toBe(0);
  }, 180_000);
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it("records a deployment from a release pipeline with its notes, and refuses bad input with the fields", async () => {
    const notesFile = path.join(dataDir, "notes.md");
    await fs.writeFile(notesFile, "# 26.4 RC 2\n\n- Faster volunteer search.\n");
    const recorded = await convene(
      dataDir,
      "sandbox",
      "deploy",
      "--build",
      "812",
      "--version",
      "26.4-rc.2",
      "--notes-file",
      notesFile,
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain("Recorded the deployment of 26.4-rc.2 (build 812)");
    expect(recorded.stdout).toContain("by ops@vendor.example");

    const badVersion = await convene(
      dataDir,
      "sandbox",
      "deploy",
      "--build",
      "813",
      "--version",
      "not a version",
      "--flag",
      "pharmacy=preview",
    );
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toContain("version: Use a version like");

    const flag = await convene(
      dataDir,
      "sandbox",
      "deploy",
      "--build",
      "813",
      "--version",
      "26.4-rc.3",
      "--flag",
      "pharmacy=preview",
    );
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("flags.pharmacy: There is no feature flag pharmacy");

    const notStaff = await convene(
      dataDir,
      "sandbox",
      "deploy",
      "--build",
      "813",
      "--version",
      "26.4",
      "--as",
      "nobody@x.example",
    );
    expect(notStaff.code).toBe(1);
    expect(notStaff.stderr).toContain("--as: nobody@x.example is not an active staff account.");

    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.db.select().from(sandboxDeployments);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ buildId: "812", version: "26.4-rc.2", unreleased: true });
      expect(rows[0]?.notes).toContain("Faster volunteer search.");
    } finally {
      await database.close();
    }
  });
});
