/**
 * Live sandbox pages over the real WebSocket: a change to the environment's records reaches, as it
 * happens, everyone the sandbox's gate lets in (who all read the same studies and volunteers), and
 * nobody it refuses: a member who is not a sandbox user, a sandbox user who has not accepted the
 * agreement in force.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { connectRealtime, type RealtimeClient } from "../../../testing/realtime.js";
import { createUser } from "../../accounts/users.js";
import { flagChanged } from "../operations/contracts/flags.js";
import { sandboxRecordsChanged } from "./contracts/audit.js";

let community: TestCommunity;
let staff: Client;
/** Northwind's study coordinator (the org admin) and Fabrikam's read-only developer: both accepted. */
let coordinator: Client;
let readOnly: Client;
/** A sandbox user who has not accepted the agreement, and a member who is no sandbox user at all. */
let notAccepted: Client;
let stranger: Client;
const sockets = new Map<Client, RealtimeClient>();
const socketOf = (client: Client): RealtimeClient => {
  const socket = sockets.get(client);
  if (!socket) throw new Error("no socket for this client");
  return socket;
};

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

/**
 * A flag changed after the records did: everyone signed in hears of a flag, and events reach a socket
 * in the order they were written, so once this is in, a records event before it would be too.
 */
let markers = 0;
async function flagMarker(): Promise<void> {
  const key = `live-marker-${++markers}`;
  const created = await staff.post("/api/admin/sandbox/flags", { key, name: "Live marker", state: "off" });
  expect(created.statusCode, created.body).toBe(201);
  for (const client of [notAccepted, stranger])
    await socketOf(client).waitForEvent(flagChanged, ({ flag }) => flag.key === key);
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, coordinator, readOnly]) await accept(client);
  const late = await createUser(community.ctx, {
    email: "late@northwind.example",
    name: "Lee Late",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: late.id, role: "study_coordinator" });
  expect(added.statusCode, added.body).toBe(201);
  notAccepted = await community.signIn("late@northwind.example");
  await createUser(community.ctx, {
    email: "stranger@contoso.example",
    name: "Stan Stranger",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.contoso.id,
  });
  stranger = await community.signIn("stranger@contoso.example");
  const baseUrl = await community.listen();
  for (const client of [staff, coordinator, readOnly, notAccepted, stranger])
    sockets.set(client, await connectRealtime({ baseUrl, cookie: client.cookie ?? "" }));
});
afterAll(async () => {
  for (const socket of sockets.values()) await socket.close();
  await community?.close();
});

describe("live sandbox pages", () => {
  it("tell everyone the gate lets in of a new study and its design, and nobody it refuses", async () => {
    const created = await coordinator.post("/api/sandbox/studies", {
      protocolNumber: "LIVE-1",
      title: "Live study",
      sponsor: "Northwind Therapeutics",
      phase: "I",
      plannedEnrolment: 8,
    });
    expect(created.statusCode, created.body).toBe(201);
    const study = created.json() as { id: string };
    for (const client of [readOnly, staff]) {
      const frame = await socketOf(client).waitForEvent(sandboxRecordsChanged, ({ studyIds }) =>
        studyIds.includes(study.id),
      );
      expect(frame.payload).toEqual({ recordTypes: ["study"], studyIds: [study.id] });
    }
    const cohort = await coordinator.post(`/api/sandbox/studies/${study.id}/cohorts`, {
      name: "C1",
      plannedSize: 4,
      dose: "1 mg",
    });
    expect(cohort.statusCode, cohort.body).toBe(201);
    await socketOf(readOnly).waitForEvent(sandboxRecordsChanged, ({ recordTypes }) =>
      recordTypes.includes("study_cohort"),
    );
    await flagMarker();
    expect(socketOf(notAccepted).events(sandboxRecordsChanged)).toEqual([]);
    expect(socketOf(stranger).events(sandboxRecordsChanged)).toEqual([]);
  });

  it("tell them of a new volunteer, in no study", async () => {
    const created = await staff.post("/api/sandbox/volunteers?display=full", {
      firstName: "Livia",
      lastName: "Synthetica",
      sex: "female",
      dateOfBirth: "1990-03-14",
      email: "livia.synthetica@example.com",
      phone: "+1 512-555-0143",
      region: "Texas, US",
      heightCm: 168,
      weightKg: 61,
      medicalHistory: "None.",
    });
    expect(created.statusCode, created.body).toBe(201);
    await socketOf(coordinator).waitForEvent(
      sandboxRecordsChanged,
      ({ recordTypes, studyIds }) => recordTypes.join() === "volunteer" && studyIds.length === 0,
    );
    await flagMarker();
    expect(socketOf(stranger).events(sandboxRecordsChanged)).toEqual([]);
  });
});
