import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { sandboxProductAccounts, sandboxProductCalls } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { type ScimProductServer, startScimProductServer } from "../../../testing/scim-product-server.js";
import { createUser } from "../../accounts/users.js";
import { provisioningWorkerOf } from "../module.js";
import type { ProductEnvironment, ProvisionedPerson } from "./contracts/product.js";
import { ProvisioningWorker } from "./provisioning.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

let product: ScimProductServer;
let community: TestCommunity;
let staff: Client;
let admin: Client;

/** A new Northwind colleague who is not a sandbox user yet. */
async function colleague(local: string, name: string): Promise<string> {
  const user = await createUser(community.ctx, {
    email: `${local}@northwind.example`,
    name,
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  return user.id;
}

async function addAsAdmin(userId: string, role: string): Promise<void> {
  const response = await admin.post("/api/sandbox/users", { userId, role });
  expect(response.statusCode, response.body).toBe(201);
}

async function environment(): Promise<ProductEnvironment> {
  const response = await staff.get("/api/admin/sandbox/product");
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function provisioned(email: string): Promise<ProvisionedPerson | undefined> {
  return (await environment()).provisioning?.people.find((person) => person.email === email);
}

const flush = () => provisioningWorkerOf(community.db).flush();

beforeAll(async () => {
  product = await startScimProductServer();
  community = await startTestCommunity({
    product: {
      ...loadConfig({}).product,
      url: "https://product.example",
      scim: { url: product.url, token: product.token },
    },
  });
  staff = await community.signIn("staff@vendor.example");
  admin = await community.signIn("admin@northwind.example");
  const agreement = (await admin.get("/api/sandbox/agreement")).json();
  await admin.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  await flush();
});
afterAll(async () => {
  await community?.close();
  await product?.close();
});

describe("pushing sandbox people to the product", () => {
  it("provisions the sandbox's members on the first pass, each with role and organisation", async () => {
    expect(
      product
        .users()
        .map((user) => user.userName)
        .sort(),
    ).toEqual([
      "admin@northwind.example",
      "dev@fabrikam.example",
      "member@contoso.example",
      "member@northwind.example",
      "pharmacist@northwind.example",
    ]);
    const people = (await environment()).provisioning?.people ?? [];
    expect(people.every((person) => person.state === "in sync" && person.scimId)).toBe(true);
  });

  it("creates a person an admin adds through the sandbox's users route, with role and organisation", async () => {
    const userId = await colleague("cole", "Cole League");
    await addAsAdmin(userId, "pharmacist");
    expect(product.userNamed("cole@northwind.example")).toBeUndefined();
    expect((await provisioned("cole@northwind.example"))?.state).toBe("pending");

    await flush();
    const user = product.userNamed("cole@northwind.example");
    expect(user).toMatchObject({
      externalId: userId,
      userName: "cole@northwind.example",
      name: { formatted: "Cole League", givenName: "Cole", familyName: "League" },
      displayName: "Cole League",
      emails: [{ value: "cole@northwind.example", primary: true }],
      active: true,
      roles: [{ value: "pharmacist", primary: true }],
      [ENTERPRISE]: { organization: "Northwind Research Unit" },
    });
    expect(user?.schemas).toContain(ENTERPRISE);
    const person = await provisioned("cole@northwind.example");
    expect(person).toMatchObject({ state: "in sync", scimId: user?.id, attempts: 0, lastError: null });
  });

  it("updates the same product user when the admin changes the person's role", async () => {
    const before = product.userNamed("cole@northwind.example");
    const userId = String(before?.externalId);
    const response = await admin.patch(`/api/sandbox/users/${userId}`, { role: "investigator" });
    expect(response.statusCode, response.body).toBe(200);
    await flush();
    const after = product.userNamed("cole@northwind.example");
    expect(after?.id).toBe(before?.id);
    expect(after?.roles).toEqual([{ value: "investigator", primary: true }]);
    expect(product.requests.at(-1)).toMatchObject({ method: "PUT", path: `/scim/v2/Users/${before?.id}` });
  });

  it("deactivates a removed person in the product and never deletes them", async () => {
    const before = product.userNamed("cole@northwind.example");
    const response = await admin.delete(`/api/sandbox/users/${before?.externalId}`);
    expect(response.statusCode, response.body).toBe(204);
    await flush();
    const after = product.userNamed("cole@northwind.example");
    expect(after).toMatchObject({ id: before?.id, active: false, roles: [{ value: "investigator" }] });
    expect(product.requests.some((request) => request.method === "DELETE")).toBe(false);
    expect(await provisioned("cole@northwind.example")).toMatchObject({ member: false, state: "in sync" });
  });

  it("takes over a user the product already had, by userName, instead of making a second", async () => {
    const existing = product.addUser({ userName: "Ada@Northwind.example", displayName: "Ada (by hand)" });
    const userId = await colleague("ada", "Ada Byron King");
    await addAsAdmin(userId, "recruiter");
    await flush();
    const matching = product
      .users()
      .filter((user) => user.userName.toLowerCase() === "ada@northwind.example");
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({
      id: existing.id,
      externalId: userId,
      userName: "ada@northwind.example",
      name: { givenName: "Ada", familyName: "Byron King" },
      roles: [{ value: "recruiter", primary: true }],
    });
    expect(product.requests.filter((request) => request.method === "POST")).not.toContainEqual(
      expect.objectContaining({ body: expect.objectContaining({ externalId: userId }) }),
    );
  });

  it("leaves out a person removed before the product ever had them", async () => {
    const userId = await colleague("brief", "Bri Ef");
    await addAsAdmin(userId, "read_only");
    const removed = await admin.delete(`/api/sandbox/users/${userId}`);
    expect(removed.statusCode).toBe(204);
    const requestsBefore = product.requests.length;
    await flush();
    expect(product.userNamed("brief@northwind.example")).toBeUndefined();
    expect(product.requests.length).toBe(requestsBefore);
    expect((await provisioned("brief@northwind.example"))?.state).toBe("in sync");
  });
});

describe("a product that fails", () => {
  it("shows a failing person with the error and the backoff, then pushes them when staff retry after it recovers", async () => {
    const userId = await colleague("flaky", "Flo Flaky");
    product.failNext(1);
    await addAsAdmin(userId, "study_coordinator");
    await flush();
    const first = await provisioned("flaky@northwind.example");
    expect(first).toMatchObject({ state: "failing", attempts: 1 });
    expect(first?.lastError).toBe("The product answered 500: The product is having a bad day.");
    const failingSince = first?.failingSince;
    expect(failingSince).toBeTruthy();

    for (const attempt of [2, 3]) {
      product.failNext(1);
      const retried = await staff.post("/api/admin/sandbox/product/provisioning/retry");
      expect(retried.statusCode, retried.body).toBe(200);
      const person = (retried.json() as ProductEnvironment).provisioning?.people.find(
        (candidate) => candidate.userId === userId,
      );
      expect(person).toMatchObject({ state: "failing", attempts: attempt, failingSince });
    }

    const shown = await environment();
    // Failing people come first, and the third failure waits 10 minutes (30 s x 20).
    expect(shown.provisioning?.people[0]?.userId).toBe(userId);
    expect(shown.provisioning?.counts.failing).toBe(1);
    const failing = shown.provisioning?.people[0];
    expect(new Date(failing?.nextAttemptAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);

    // Not due yet: a pass leaves the person alone.
    const requestsBefore = product.requests.length;
    await flush();
    expect(product.requests.length).toBe(requestsBefore);

    const retried = await staff.post("/api/admin/sandbox/product/provisioning/retry");
    const person = (retried.json() as ProductEnvironment).provisioning?.people.find(
      (candidate) => candidate.userId === userId,
    );
    expect(person).toMatchObject({
      state: "in sync",
      attempts: 0,
      lastError: null,
      failingSince: null,
      nextAttemptAt: null,
    });
    expect(product.userNamed("flaky@northwind.example")).toMatchObject({
      active: true,
      roles: [{ value: "study_coordinator", primary: true }],
    });
  });

  it("tries a failing person again on its own once the backoff has passed", async () => {
    const worker = provisioningWorkerOf(community.db);
    const userId = await colleague("again", "Aga In");
    worker.retryBaseMs = 0;
    try {
      product.failNext(1);
      await addAsAdmin(userId, "recruiter");
      await worker.flush();
      expect((await provisioned("again@northwind.example"))?.state).toBe("failing");
      await worker.flush();
      expect((await provisioned("again@northwind.example"))?.state).toBe("in sync");
      expect(product.userNamed("again@northwind.example")?.externalId).toBe(userId);
    } finally {
      worker.retryBaseMs = 30_000;
    }
  });

  it("reports a product that does not answer in time, and one refusing the token", async () => {
    const userId = await colleague("slow", "Slow Poke");
    await addAsAdmin(userId, "read_only");
    const impatient = new ProvisioningWorker(
      community.db,
      { url: product.url, token: product.token },
      { timeoutMs: 300 },
    );
    product.failNext(1, "hang");
    await impatient.flush();
    expect((await provisioned("slow@northwind.example"))?.lastError).toBe("No answer within 0.3 s.");

    const wrongToken = new ProvisioningWorker(community.db, { url: product.url, token: "not-the-token" });
    await community.db
      .update(sandboxProductAccounts)
      .set({ nextAttemptAt: null })
      .where(eq(sandboxProductAccounts.userId, userId));
    await wrongToken.flush();
    expect(await provisioned("slow@northwind.example")).toMatchObject({
      state: "failing",
      attempts: 2,
      lastError: "The product answered 401: Bad bearer token.",
    });

    const retried = await staff.post("/api/admin/sandbox/product/provisioning/retry");
    expect(retried.statusCode).toBe(200);
    expect((await provisioned("slow@northwind.example"))?.state).toBe("in sync");
  });

  it("waits 30 s, 2 min, 10 min, 1 h and then 6 h between attempts, and never gives up", () => {
    const worker = provisioningWorkerOf(community.db);
    expect([1, 2, 3, 4, 5, 6, 50].map((attempts) => worker.retryDelayMs(attempts) / 1000)).toEqual([
      30, 120, 600, 3600, 21_600, 21_600, 21_600,
    ]);
  });
});

describe("what staff see of the product", () => {
  it("names the connected parts without their secrets, and the recent signed calls", async () => {
    await community.db.insert(sandboxProductCalls).values({
      kind: "flags",
      payload: { flags: { pharmacy: "preview" } },
      status: "failed",
      attempts: 6,
      lastStatusCode: 503,
      lastError: "The receiver answered 503.",
    });
    const response = await staff.get("/api/admin/sandbox/product");
    expect(response.body).not.toContain(product.token);
    const shown = response.json() as ProductEnvironment;
    expect(shown.connection).toMatchObject({
      productUrl: "https://product.example",
      oidc: null,
      scim: { url: product.url },
      reset: null,
      flags: { url: null, source: "convene" },
    });
    expect(shown.calls[0]).toMatchObject({
      kind: "flags",
      status: "failed",
      attempts: 6,
      lastStatusCode: 503,
      lastError: "The receiver answered 503.",
      deliveredAt: null,
    });
  });
});
