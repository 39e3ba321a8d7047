import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxWipes } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";
import { DEMO_VOLUNTEER_COUNT } from "../demo.js";

let community: TestCommunity;
let staff: Client;
let member: Client; // Northwind investigator, who has not accepted the agreement

/** The counts as the sandbox's own lists give them (staff see every study and user). */
const listedCounts = async () => ({
  studies: (await staff.get("/api/sandbox/studies")).json().studies.length as number,
  users: (await staff.get("/api/sandbox/users")).json().users.length as number,
});

const status = async (client: Client) => {
  const response = await client.get("/api/sandbox/environment");
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  expect((await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id })).statusCode).toBe(
    200,
  );
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  member = await community.signIn("member@northwind.example");
  await accept(staff);
});
afterAll(() => community?.close());

describe("the environment status", () => {
  it("shows the demo build, the pharmacy preview and the counts, before the agreement is accepted", async () => {
    const { studies, users } = await listedCounts();
    expect(users).toBe(5);
    expect(await status(member)).toEqual({
      build: {
        buildId: "26.3.0-build.700",
        version: "26.3-rc.1",
        deployedAt: expect.any(String),
        unreleased: true,
      },
      flagsInPreview: [{ key: "pharmacy", name: "Pharmacy preview" }],
      nextWipe: null,
      lastWipe: null,
      wipe: null,
      counts: { studies, volunteers: DEMO_VOLUNTEER_COUNT, users },
      productUrl: null,
    });
  });

  it("links the vendor's real product when the environment fronts one", async () => {
    const fronting = await startTestCommunity({
      product: { ...community.config.product, url: "https://dev.product.example/" },
    });
    try {
      const member = await fronting.signIn("member@northwind.example");
      const response = await member.get("/api/sandbox/environment");
      expect(response.json().productUrl).toBe("https://dev.product.example/");
    } finally {
      await fronting.close();
    }
  });

  it("is shown to someone who is not a sandbox user, and refused to a stranger", async () => {
    await createUser(community.ctx, {
      email: "outsider@northwind.example",
      name: "Otto Outsider",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.northwind.id,
    });
    const outsider = await community.signIn("outsider@northwind.example");
    expect((await status(outsider)).build?.version).toBe("26.3-rc.1");
    expect((await community.anonymous().get("/api/sandbox/environment")).statusCode).toBe(401);
  });

  it("follows the newest deployment, the flags, removals and users", async () => {
    const deployed = await staff.post("/api/admin/sandbox/deployments", {
      buildId: "26.3.0-build.777",
      version: "26.3",
      flags: { pharmacy: "off" },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const volunteer = (await staff.get("/api/sandbox/volunteers?limit=1")).json().volunteers[0];
    expect((await staff.delete(`/api/sandbox/volunteers/${volunteer.id}?reason=Duplicate`)).statusCode).toBe(
      204,
    );
    const fabrikam = (await staff.get("/api/sandbox/users"))
      .json()
      .users.find((user: { email: string }) => user.email === "dev@fabrikam.example");
    expect((await staff.delete(`/api/sandbox/users/${fabrikam.id}`)).statusCode).toBe(204);

    const now = await status(member);
    expect(now.build).toMatchObject({ buildId: "26.3.0-build.777", version: "26.3", unreleased: false });
    expect(now.flagsInPreview).toEqual([]);
    expect(now.counts).toEqual({ ...(await listedCounts()), volunteers: DEMO_VOLUNTEER_COUNT - 1 });
    expect(now.counts.users).toBe(4);
  });

  it("names the next scheduled wipe and the last finished one", async () => {
    const scheduledBy = community.demo.people.staff.id;
    const day = 24 * 3_600_000;
    await community.db.insert(sandboxWipes).values([
      {
        scheduledFor: new Date(Date.now() - 3 * day),
        message: "Older wipe",
        status: "completed",
        scheduledBy,
        finishedAt: new Date(Date.now() - 3 * day),
      },
      {
        scheduledFor: new Date(Date.now() - day),
        message: "Last week's reset",
        status: "failed",
        scheduledBy,
        finishedAt: new Date(Date.now() - day),
      },
      { scheduledFor: new Date(Date.now() + 2 * day), message: "Monthly reset", scheduledBy },
    ]);
    const now = await status(member);
    expect(now.nextWipe).toMatchObject({ message: "Monthly reset" });
    expect(now.lastWipe).toEqual({ finishedAt: expect.any(String), status: "failed" });
    const [failed] = await community.db.select().from(sandboxWipes).where(eq(sandboxWipes.status, "failed"));
    expect(now.lastWipe.finishedAt).toBe(failed?.finishedAt?.toISOString());
  });
});
