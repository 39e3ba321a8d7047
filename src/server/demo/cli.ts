import type { Config } from "../config.js";
import type { Ctx } from "../platform/context.js";
import { startProgress } from "../platform/progress.js";
import { DEMO_PASSWORD, demoPeople, seedDemoCommunity } from "./seed.js";

export async function seedWithProgress(ctx: Ctx): Promise<void> {
  const progress = await startProgress("Seeding demo community", { step: "" });
  await seedDemoCommunity(ctx, (done, total, step) => progress.update(done, total, { step }));
  progress.stop();
}

export function printDemoSignIns(config: Config): void {
  console.log(`\nConvene is running at ${config.publicUrl}\n`);
  console.log("Demo sign-ins (password for all: %s):", DEMO_PASSWORD);
  for (const person of demoPeople) {
    const role = person.isStaff
      ? "product team (staff)"
      : person.isOrgAdmin
        ? "organisation admin"
        : "member";
    console.log(`  ${person.email.padEnd(28)} ${role}`);
  }
  console.log(`\nMail goes to the outbox at ${config.publicUrl}/admin/mail (or \`convene mail list\`).`);
  console.log(`API docs: ${config.publicUrl}/api/docs\n`);
}
