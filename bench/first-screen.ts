/**
 * What the server's first render of a page costs: each page's first answer (rendered for the person
 * who opens it, with its data) against the baseline of the same page's API answers fetched one after
 * another, which the browser would otherwise ask for itself; index.html as it is, for scale. One server,
 * the demo data, interleaved rounds, the median of each. Needs `npm run build` first.
 *
 *   npm run build && npm run bench:first-screen      PGlite (--postgres: PostgreSQL)
 *   BENCH_TRIES=30, BENCH_DATABASE_URL (see bench/support.ts)
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";
import { DEMO_PASSWORD, seedDemoCommunity } from "../src/server/demo/seed.js";
import { CSRF_HEADER } from "../src/server/platform/auth/http.js";
import { freshPglite, freshPostgres, only } from "./support.js";

// As `convene start` runs it (bin/convene.js): React's production build renders the pages.
process.env.NODE_ENV ??= "production";

const TRIES = Number(process.env.BENCH_TRIES ?? 30);
const serverRender = path.resolve(import.meta.dirname, "../dist/server-render/entry-server.js");
if (!fs.existsSync(serverRender)) {
  console.error("The web app and its server render are not built: run `npm run build` first.");
  process.exit(1);
}

type Case = { name: string; urls: string[] };

const fresh = await (only === "postgres" ? freshPostgres() : freshPglite());
try {
  await fresh.database.migrate();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const config = loadConfig({}, { dataDir, logLevel: "silent", publicUrl: "http://localhost:3000" });
  await seedDemoCommunity({ db: fresh.database.db, config, actor: null, ip: null });
  const app = await buildApp({ database: fresh.database, config });
  await app.ready();

  const signIn = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    headers: { [CSRF_HEADER]: "1", origin: config.publicUrl },
    payload: { email: "member@northwind.example", password: DEMO_PASSWORD },
  });
  const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const get = (url: string) =>
    app.inject({ method: "GET", url, headers: { cookie, "accept-encoding": "br" } });
  const { tickets } = (await get("/api/desk/tickets")).json() as { tickets: { id: string }[] };
  const ticket = tickets[0]?.id;
  const chat = (await get("/chat")).headers.location;
  if (!ticket || !chat) throw new Error("The demo has no ticket for Ned, or /chat sent him nowhere.");
  const channel = chat.split("/").pop();

  const cases: Case[] = [
    {
      name: "chat: its API answers (baseline)",
      urls: [
        "/api/auth/session",
        "/api/notifications/unread-count",
        "/api/chat/channels",
        "/api/chat/presence",
        `/api/chat/channels/${channel}/messages?limit=50`,
        `/api/chat/channels/${channel}/members`,
      ],
    },
    { name: "chat: first screen rendered", urls: [chat] },
    { name: "ticket: first screen rendered", urls: [`/desk/tickets/${ticket}`] },
    { name: "desk: first screen rendered", urls: ["/desk"] },
    { name: "index.html as it is (for scale)", urls: ["/index.html"] },
  ];
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < TRIES + 3; round++) {
    for (const c of cases) {
      const started = performance.now();
      for (const url of c.urls) {
        const response = await get(url);
        if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}.`);
      }
      // The first rounds warm up the render and the queries.
      if (round >= 3) times.get(c.name)?.push(performance.now() - started);
    }
  }
  await app.close();
  await fsp.rm(dataDir, { recursive: true, force: true });

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const baseline = median(times.get(cases[0]?.name ?? "") ?? []);
  console.log(`\n${fresh.label}: median of ${TRIES} interleaved tries, as Ned (member@northwind.example)`);
  console.log(`${"case".padEnd(36)} ${"median ms".padStart(10)} ${"ratio".padStart(6)}`);
  for (const c of cases) {
    const ms = median(times.get(c.name) ?? []);
    console.log(
      `${c.name.padEnd(36)} ${ms.toFixed(1).padStart(10)} ${(ms / baseline).toFixed(2).padStart(6)}`,
    );
  }
} finally {
  await fresh.database.close();
  await fresh.drop();
}
