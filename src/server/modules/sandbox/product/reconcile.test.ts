import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.js";
import { openDatabase } from "../../../db/client.js";
import { sandboxProductAccounts } from "../../../db/schema.js";
import { seedDemoCommunity } from "../../../demo/seed.js";
import { runConvene } from "../../../testing/cli.js";
import {
  type Client,
  newPostgresTestDatabase,
  startTestCommunity,
  type TestCommunity,
} from "../../../testing/harness.js";
import { type ScimProductServer, startScimProductServer } from "../../../testing/scim-product-server.js";
import { provisioningWorkerOf } from "../module.js";
import type { ProductEnvironment, ReconcileReport } from "./contracts/product.js";

let product: ScimProductServer;
let community: TestCommunity;
let staff: Client;

async function reconcile(dryRun: boolean): Promise<ReconcileReport> {
  const response = await staff.post("/api/admin/sandbox/product/reconcile", { dryRun });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const userNamed = (email: string) => {
  const user = product.userNamed(email);
  if (!user) throw new Error(`the product has no ${email}`);
  return user;
};

async function stateOf(email: string) {
  const shown = (await staff.get("/api/admin/sandbox/product")).json() as ProductEnvironment;
  return shown.provisioning?.people.find((person) => person.email === email);
}

beforeAll(async () => {
  product = await startScimProductServer();
  community = await startTestCommunity({
    product: { ...loadConfig({}).product, scim: { url: product.url, token: product.token } },
  });
  staff = await community.signIn("staff@vendor.example");
  await provisioningWorkerOf(community.db).flush();
});
afterAll(async () => {
  await community?.close();
  await product?.close();
});

describe("reconciling the product's users with the sandbox's", () => {
  it("plans nothing while the product holds exactly the sandbox's members", async () => {
    const plan = await reconcile(true);
    expect(plan).toMatchObject({
      dryRun: true,
      productUsers: 5,
      members: 5,
      inSync: 5,
      actions: [],
      error: null,
    });
  });

  it("recreates a user deleted in the product, corrects one changed by hand and deactivates a stranger; a dry run changes nothing", async () => {
    const member = userNamed("member@northwind.example");
    product.deleteUser(member.id);
    const admin = userNamed("admin@northwind.example");
    product.changeUser(admin.id, {
      roles: [{ value: "read_only", primary: true }],
      displayName: "Nora (edited)",
    });
    const stranger = product.addUser({ userName: "stranger@elsewhere.example", displayName: "A Stranger" });
    // The product team signs in to the product as staff without being sandbox users: left alone.
    const teamMember = product.addUser({ userName: "staff@vendor.example", displayName: "Sam Staff" });
    const retired = product.addUser({ userName: "retired@elsewhere.example", active: false });

    const before = product.users();
    const requestsBefore = product.requests.length;
    const plan = await reconcile(true);
    expect(plan).toMatchObject({ dryRun: true, productUsers: 7, members: 5, inSync: 3, failed: 0 });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        action: "create",
        userName: "member@northwind.example",
        organisation: "Northwind Research Unit",
        scimId: null,
        outcome: "planned",
      }),
      expect.objectContaining({
        action: "update",
        userName: "admin@northwind.example",
        scimId: admin.id,
        reason: "Differs in displayName, roles.",
        outcome: "planned",
      }),
      expect.objectContaining({
        action: "deactivate",
        userName: "stranger@elsewhere.example",
        userId: null,
        scimId: stranger.id,
        reason: "Not a sandbox member in Convene.",
        outcome: "planned",
      }),
    ]);
    expect(product.users()).toEqual(before);
    expect(product.requests.slice(requestsBefore).every((request) => request.method === "GET")).toBe(true);

    const applied = await reconcile(false);
    expect(applied.actions.map((action) => action.outcome)).toEqual(["done", "done", "done"]);
    expect(applied.failed).toBe(0);

    const recreated = userNamed("member@northwind.example");
    expect(recreated.id).not.toBe(member.id);
    expect(recreated).toMatchObject({
      externalId: member.externalId,
      active: true,
      roles: [{ value: "investigator", primary: true }],
    });
    expect(userNamed("admin@northwind.example")).toMatchObject({
      id: admin.id,
      displayName: "Nora Admin",
      roles: [{ value: "study_coordinator", primary: true }],
    });
    expect(userNamed("stranger@elsewhere.example")).toMatchObject({
      active: false,
      displayName: "A Stranger",
    });
    expect(userNamed("retired@elsewhere.example")).toEqual(before.find((user) => user.id === retired.id));
    expect(userNamed("staff@vendor.example")).toEqual(before.find((user) => user.id === teamMember.id));
    const [account] = await community.db
      .select()
      .from(sandboxProductAccounts)
      .where(eq(sandboxProductAccounts.userId, String(member.externalId)));
    expect(account?.scimId).toBe(recreated.id);

    expect((await reconcile(true)).actions).toEqual([]);
  });

  it("deactivates a person removed from the sandbox whom someone made active again in the product", async () => {
    const admin = await community.signIn("admin@northwind.example");
    const agreement = (await admin.get("/api/sandbox/agreement")).json();
    await admin.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
    const pharmacist = userNamed("pharmacist@northwind.example");
    const removed = await admin.delete(`/api/sandbox/users/${pharmacist.externalId}`);
    expect(removed.statusCode).toBe(204);
    await provisioningWorkerOf(community.db).flush();
    expect(userNamed("pharmacist@northwind.example").active).toBe(false);
    product.changeUser(pharmacist.id, { active: true });

    const plan = await reconcile(true);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        action: "deactivate",
        userName: "pharmacist@northwind.example",
        reason: "No longer a sandbox user.",
      }),
    ]);
    await reconcile(false);
    expect(userNamed("pharmacist@northwind.example")).toMatchObject({ id: pharmacist.id, active: false });
  });

  it("says why when the product's users cannot be read, and plans nothing", async () => {
    product.failNext(1);
    const plan = await reconcile(true);
    expect(plan).toMatchObject({
      actions: [],
      error: "The product answered 500: The product is having a bad day.",
    });
  });

  it("reports an action the product refuses, and leaves the person failing for the worker to retry", async () => {
    const contoso = userNamed("member@contoso.example");
    product.deleteUser(contoso.id);
    // The list is answered; the creation after it fails.
    product.failNext(1, "error", 1);
    const applied = await reconcile(false);
    expect(applied.failed).toBe(1);
    expect(applied.actions).toEqual([
      expect.objectContaining({
        action: "create",
        userName: "member@contoso.example",
        outcome: "failed",
        error: "The product answered 500: The product is having a bad day.",
      }),
    ]);
    expect(await stateOf("member@contoso.example")).toMatchObject({ state: "failing", attempts: 1 });

    const retried = await staff.post("/api/admin/sandbox/product/provisioning/retry");
    expect(retried.statusCode).toBe(200);
    expect(await stateOf("member@contoso.example")).toMatchObject({ state: "in sync" });
    expect(userNamed("member@contoso.example")).toMatchObject({
      externalId: contoso.externalId,
      active: true,
    });
  });
});

describe("convene sandbox product reconcile", () => {
  let cliProduct: ScimProductServer;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  const target = (env: Record<string, string>) => ({ dataDir, databaseUrl, env });

  beforeAll(async () => {
    cliProduct = await startScimProductServer();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-reconcile-"));
    const postgres = await newPostgresTestDatabase();
    if (postgres) {
      databaseUrl = postgres.url;
      dropDatabase = postgres.drop;
    }
    // Seeded in this process, as `convene seed --demo` would, then closed for the CLI to open.
    const config = loadConfig({}, { dataDir, databaseUrl, logLevel: "silent" });
    const database = await openDatabase(config);
    try {
      await database.migrate();
      await seedDemoCommunity({ db: database.db, config, actor: null, ip: null });
    } finally {
      await database.close();
    }
  }, 120_000);
  afterAll(async () => {
    await cliProduct?.close();
    await dropDatabase();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const connected = () => ({ PRODUCT_SCIM_URL: cliProduct.url, PRODUCT_SCIM_TOKEN: cliProduct.token });

  it("prints the plan as a table with --dry-run, applies it without, and exits 1 when the product fails", async () => {
    cliProduct.addUser({ userName: "stranger@elsewhere.example", displayName: "A Stranger" });

    const dry = await runConvene(target(connected()), "sandbox", "product", "reconcile", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ACTION +USER +ORGANISATION +WHY +RESULT$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^create +admin@northwind\.example +Northwind Research Unit +A sandbox member .* +planned$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^deactivate +stranger@elsewhere\.example +— +Not a sandbox member in Convene\. +planned$/,
      ),
    );
    expect(lines.at(-1)).toBe(
      "1 product users, 5 sandbox members, 0 in sync; 5 to create, 0 to update, 1 to deactivate. Dry run: nothing was changed.",
    );
    expect(cliProduct.users()).toHaveLength(1);

    const applied = await runConvene(target(connected()), "sandbox", "product", "reconcile");
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.trim().split("\n").at(-1)).toMatch(/All 6 actions done\.$/);
    expect(cliProduct.users()).toHaveLength(6);
    expect(cliProduct.userNamed("stranger@elsewhere.example")?.active).toBe(false);

    cliProduct.failNext(1);
    const failed = await runConvene(target(connected()), "sandbox", "product", "reconcile");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("Nothing was reconciled: The product answered 500");
  }, 120_000);

  it("refuses to run without the product's SCIM settings", async () => {
    const refused = await runConvene(target({}), "sandbox", "product", "reconcile", "--dry-run");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("PRODUCT_SCIM_URL and PRODUCT_SCIM_TOKEN");
  }, 60_000);
});
