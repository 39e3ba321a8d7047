/**
 * What a refused sign-in's timing tells a caller: the same request (POST /api/auth/login) for an
 * unknown address (the baseline), a locked account, a closed account and a wrong password, interleaved
 * in one run on one server, each as the median of many tries. A ratio near 1.00 means the answer's
 * timing does not tell the cases apart; the right password is shown for scale.
 *
 *   npm run bench:sign-in              PGlite, then PostgreSQL
 *   npm run bench:sign-in -- --pglite  PGlite only (--postgres: PostgreSQL only)
 *   BENCH_TRIES=40, BENCH_DATABASE_URL (see bench/support.ts)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";
import { users } from "../src/server/db/schema.js";
import { DEMO_PASSWORD, seedDemoCommunity } from "../src/server/demo/seed.js";
import { CSRF_HEADER } from "../src/server/platform/auth/http.js";
import { type Fresh, onEachDatabase } from "./support.js";

const TRIES = Number(process.env.BENCH_TRIES ?? 40);

type Case = { name: string; email: string; password: string; before?: () => Promise<void> };

async function measure(fresh: Fresh): Promise<void> {
  const { database } = fresh;
  await database.migrate();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const config = loadConfig({}, { dataDir, logLevel: "silent", publicUrl: "http://localhost:3000" });
  await seedDemoCommunity({ db: database.db, config, actor: null, ip: null });
  const app = await buildApp({ database, config });
  await app.ready();
  const lockedUntil = new Date(Date.now() + 3600_000);
  await database.db.update(users).set({ lockedUntil }).where(eq(users.email, "admin@northwind.example"));
  await database.db
    .update(users)
    .set({ status: "deactivated" })
    .where(eq(users.email, "dev@fabrikam.example"));
  const cases: Case[] = [
    { name: "unknown address (baseline)", email: "nobody@northwind.example", password: DEMO_PASSWORD },
    { name: "locked account, right password", email: "admin@northwind.example", password: DEMO_PASSWORD },
    { name: "closed account, right password", email: "dev@fabrikam.example", password: DEMO_PASSWORD },
    {
      name: "wrong password",
      email: "member@contoso.example",
      password: "not-the-password",
      // Never reaching the lockout, so every try is the plain wrong-password path.
      before: async () => {
        await database.db
          .update(users)
          .set({ failedLogins: 0 })
          .where(eq(users.email, "member@contoso.example"));
      },
    },
    { name: "right password (for scale)", email: "member@northwind.example", password: DEMO_PASSWORD },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const statuses = new Map<string, Set<number>>(cases.map((c) => [c.name, new Set()]));
  let address = 0;
  for (let round = 0; round < TRIES + 3; round++) {
    for (const c of cases) {
      await c.before?.();
      const started = performance.now();
      const response = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        headers: { [CSRF_HEADER]: "1", origin: config.publicUrl },
        payload: { email: c.email, password: c.password },
        // Each try from its own address: the per-address rate limit is not what is measured.
        remoteAddress: `10.${(++address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
      });
      const ms = performance.now() - started;
      // The first rounds warm up the hashing and the queries.
      if (round >= 3) times.get(c.name)?.push(ms);
      statuses.get(c.name)?.add(response.statusCode);
    }
  }
  await app.close();
  await fs.rm(dataDir, { recursive: true, force: true });

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const baseline = median(times.get(cases[0]?.name ?? "") ?? []);
  console.log(`\n${fresh.label}: POST /api/auth/login, median of ${TRIES} tries each, interleaved`);
  console.log(
    `${"case".padEnd(34)} ${"status".padStart(7)} ${"median ms".padStart(10)} ${"ratio".padStart(6)}`,
  );
  for (const c of cases) {
    const ms = median(times.get(c.name) ?? []);
    const status = [...(statuses.get(c.name) ?? [])].join("/");
    console.log(
      `${c.name.padEnd(34)} ${status.padStart(7)} ${ms.toFixed(1).padStart(10)} ${(ms / baseline).toFixed(2).padStart(6)}`,
    );
  }
}

await onEachDatabase(measure);
