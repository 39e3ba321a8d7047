import { benchDeskQueue } from "./desk-queue.js";

const fmt = (ms: number) => ms.toFixed(2).padStart(8);

const { seedMs, results } = await benchDeskQueue();
const floor = results[0]?.median ?? 1;
console.log(
  `\nDesk queue benchmark (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}; tickets seeded in ${(seedMs / 1000).toFixed(1)} s)\n`,
);
console.log(`${"operation".padEnd(48)} ${"median ms".padStart(9)} ${"p95 ms".padStart(8)}  x floor`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(48)} ${fmt(r.median)}  ${fmt(r.p95)}  ${(r.median / floor).toFixed(1).padStart(6)}`,
  );
}
console.log("\nfloor = GET /api/health through the same stack; raw SQL rows show the database's share.");
