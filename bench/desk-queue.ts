/**
 * The staff desk queue at scale: how much do the API layers (session, zod, visibility, names,
 * presentation) cost over the bare SQL for the same rows, and over the framework's own floor?
 * Ratios are measured in one run on one machine, so noise from neighbours mostly cancels.
 */
import { sql } from "drizzle-orm";
import { startTestCommunity } from "../src/server/testing/harness.js";

const TICKETS = Number(process.env.BENCH_TICKETS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

async function time(work: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 5; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)] ?? 0,
    p95: samples[Math.floor(samples.length * 0.95)] ?? 0,
  };
}

export async function benchDeskQueue() {
  const community = await startTestCommunity();
  const { people, organisations } = community.demo;
  const seedStart = performance.now();
  await community.db.execute(sql`
    insert into tickets (id, type, subject, description, status, requester_id, requester_name, requester_email, organisation_id)
    select gen_random_uuid(),
           (array['support_question','dev_environment_question','product_feedback'])[1 + i % 3],
           'Ticket ' || i || (case when i % 50 = 0 then ' dosing schedule export fails' else ' question about cohorts' end),
           'Details of request ' || i || ' with enough words to index: volunteers, screening, pharmacy, randomisation.',
           (array['new','open','waiting_on_customer','resolved','closed'])[1 + i % 5],
           ${people.northwindMember.id}, 'Ned Member', 'member@northwind.example', ${organisations.northwind.id}
    from generate_series(1, ${TICKETS}) as i`);
  const seedMs = performance.now() - seedStart;
  const staff = await community.signIn("staff@vendor.example");
  const member = await community.signIn("member@contoso.example");

  const rows = [
    { name: "GET /api/health (framework floor)", run: () => staff.get("/api/health") },
    {
      name: "raw SQL: newest 200 tickets",
      run: () => community.db.execute(sql`select * from tickets order by updated_at desc limit 200`),
    },
    { name: "GET /api/desk/tickets (staff, newest 200)", run: () => staff.get("/api/desk/tickets") },
    {
      name: "raw SQL: full-text 'export fails'",
      run: () =>
        community.db.execute(
          sql`select * from tickets where search @@ websearch_to_tsquery('english', 'export fails') order by updated_at desc limit 200`,
        ),
    },
    {
      name: "GET /api/desk/tickets?q=export fails",
      run: () => staff.get("/api/desk/tickets?q=export%20fails"),
    },
    {
      name: "GET /api/desk/tickets?status=open&type=…",
      run: () => staff.get("/api/desk/tickets?status=open&type=product_feedback"),
    },
    { name: "GET /api/desk/tickets (member, sees none)", run: () => member.get("/api/desk/tickets") },
  ];
  const results = [];
  for (const row of rows) results.push({ name: row.name, ...(await time(row.run)) });
  await community.close();
  return { seedMs, results };
}
