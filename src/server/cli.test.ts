import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./db/client.js";
import { findUserByEmail } from "./modules/accounts/users.js";
import { verifyPassword } from "./platform/auth/passwords.js";
import { runConvene } from "./testing/cli.js";

let dataDir: string;
const cleanup: string[] = [];

/** Runs the real `convene` binary on this test's own embedded database. */
const convene = (...args: string[]) => runConvene({ dataDir }, ...args);

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-cli-"));
  cleanup.push(dataDir);
});
afterAll(() => Promise.all(cleanup.map((dir) => fs.rm(dir, { recursive: true, force: true }))));

// Each case starts real `convene` processes (tsx, PGlite, argon2): slow on a busy two-core machine.
describe("the convene CLI", { timeout: 120_000 }, () => {
  it("creates the first staff account of a real installation with a working temporary password", async () => {
    const result = await convene(
      "admin",
      "create-staff",
      "--email",
      "Boss@Acme-Pharma.example",
      "--name",
      "Bo Ss",
    );
    expect(result.code).toBe(0);
    const password = /Temporary password: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toBeTruthy();
    const database = await openDatabase({ dataDir });
    try {
      const user = await findUserByEmail(database.db, "boss@acme-pharma.example");
      expect(user).toMatchObject({ isStaff: true, name: "Bo Ss", status: "active" });
      expect(await verifyPassword(user?.passwordHash ?? "", password ?? "")).toBe(true);
    } finally {
      await database.close();
    }
  });

  it("refuses a second account for the same e-mail and a malformed e-mail", async () => {
    expect((await convene("admin", "create-staff", "--email", "boss@acme-pharma.example")).code).toBe(1);
    const malformed = await convene("admin", "create-staff", "--email", "not-an-email");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--email");
  });

  it("seeds demo data only into an empty database", async () => {
    expect((await convene("seed", "--demo")).stdout).toContain("already has organisations");
  });

  it("seeds the demo community once, and lists the mail outbox", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-cli-"));
    cleanup.push(dataDir);
    expect((await convene("migrate")).stdout).toContain("Migrations applied");
    const seeded = await convene("seed", "--demo");
    expect(seeded.stdout).toContain("staff@vendor.example");
    expect((await convene("seed", "--demo")).stdout).toContain("nothing seeded");
    const mail = await convene("mail", "list", "--to", "priya@contoso.example");
    expect(mail.stdout).toContain("We received your request to join");
  });
});
