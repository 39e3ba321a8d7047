/**
 * What signing in to the vendor's product through Convene costs: a whole sign-in (the relying party's
 * redirect, Convene's interaction with its session, role and agreement checks, the code exchange and
 * the ID token's verification), a token refresh (which asks the gate again) and a userinfo call,
 * against GET /api/health on the same listening server, interleaved round by round, each the median
 * of many tries. The ratio to the baseline is the figure to compare between machines.
 *
 *   npm run bench:product-sign-in              PGlite, then PostgreSQL
 *   npm run bench:product-sign-in -- --pglite  PGlite only (--postgres: PostgreSQL only)
 *   BENCH_TRIES=60, BENCH_DATABASE_URL (see bench/support.ts)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";
import { DEMO_PASSWORD, seedDemoCommunity } from "../src/server/demo/seed.js";
import { CSRF_HEADER } from "../src/server/platform/auth/http.js";
import { freePort } from "../src/server/testing/ports.js";
import { startRelyingParty } from "../src/server/testing/relying-party.js";
import { WebSession } from "../src/server/testing/web-session.js";
import { type Fresh, onEachDatabase } from "./support.js";

const TRIES = Number(process.env.BENCH_TRIES ?? 60);
const WARM_UP = 3;

async function measure(fresh: Fresh): Promise<void> {
  const { database } = fresh;
  await database.migrate();
  const product = await startRelyingParty();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const defaults = loadConfig({}).product;
  const config = loadConfig(
    {},
    {
      dataDir,
      port,
      logLevel: "silent",
      publicUrl: base,
      product: {
        ...defaults,
        oidcClient: {
          clientId: product.clientId,
          clientSecret: product.clientSecret,
          redirectUris: [product.redirectUri],
          postLogoutRedirectUris: [],
          scopes: ["openid", "offline_access", "email", "profile", "sandbox"],
          backchannelLogoutUri: undefined,
        },
      },
    },
  );
  await seedDemoCommunity({ db: database.db, config, actor: null, ip: null });
  const app = await buildApp({ database, config });
  await app.listen({ port, host: "127.0.0.1" });
  product.setIssuer(`${base}/oidc`);

  const browser = new WebSession();
  const write = { "content-type": "application/json", [CSRF_HEADER]: "1", origin: base };
  await browser.request(`${base}/api/auth/login`, {
    method: "POST",
    headers: write,
    body: JSON.stringify({ email: "member@northwind.example", password: DEMO_PASSWORD }),
  });
  const agreement = (await (await browser.request(`${base}/api/sandbox/agreement`)).json()) as { id: string };
  await browser.request(`${base}/api/sandbox/agreement/accept`, {
    method: "POST",
    headers: write,
    body: JSON.stringify({ agreementId: agreement.id }),
  });
  const first = await browser.visit(`${product.url}/login`);
  if (!first.body.includes("Signed in as")) throw new Error(`the first sign-in failed: ${first.body}`);
  const held = [...product.sessions.values()][0];
  if (!held?.refreshToken) throw new Error("the product holds no refresh token");
  let refreshToken = held.refreshToken;
  let accessToken = held.accessToken;
  const basic = `Basic ${Buffer.from(`${product.clientId}:${product.clientSecret}`).toString("base64")}`;

  const cases: { name: string; run: () => Promise<boolean> }[] = [
    { name: "GET /api/health (baseline)", run: async () => (await fetch(`${base}/api/health`)).ok },
    {
      name: "refresh (gate asked again)",
      run: async () => {
        const response = await fetch(`${base}/oidc/token`, {
          method: "POST",
          headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
        });
        const tokens = (await response.json()) as { refresh_token: string; access_token: string };
        refreshToken = tokens.refresh_token;
        accessToken = tokens.access_token;
        return response.ok;
      },
    },
    {
      name: "userinfo",
      run: async () =>
        (await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } })).ok,
    },
    {
      name: "whole sign-in to the product",
      run: async () => (await browser.visit(`${product.url}/login`)).body.includes("Signed in as"),
    },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < TRIES + WARM_UP; round++) {
    for (const c of cases) {
      const started = performance.now();
      if (!(await c.run())) throw new Error(`${c.name} failed in round ${round}`);
      if (round >= WARM_UP) times.get(c.name)?.push(performance.now() - started);
    }
  }
  await app.close();
  await product.close();
  await fs.rm(dataDir, { recursive: true, force: true });

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? 0;
  const baseline = median(times.get(cases[0]?.name ?? "") ?? []);
  console.log(`\n${fresh.label}: ${TRIES} tries each, interleaved, one listening server`);
  console.log(
    `${"case".padEnd(32)} ${"median ms".padStart(10)} ${"p95 ms".padStart(8)} ${"ratio".padStart(7)}`,
  );
  for (const c of cases) {
    const values = times.get(c.name) ?? [];
    console.log(
      `${c.name.padEnd(32)} ${median(values).toFixed(1).padStart(10)} ${p95(values).toFixed(1).padStart(8)} ${(median(values) / baseline).toFixed(1).padStart(7)}`,
    );
  }
}

await onEachDatabase(measure);
