import { SingleBar } from "cli-progress";
import type { Config } from "../config.js";
import type { Ctx } from "../platform/context.js";
import { DEMO_PASSWORD, demoPeople, seedDemoCommunity } from "./seed.js";

export async function seedWithProgress(ctx: Ctx): Promise<void> {
  // noTTYOutput: the progress still shows when the output is a log file or a CI console.
  const bar = new SingleBar({
    format: "Seeding demo community [{bar}] {value}/{total} {step}",
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 200,
  });
  bar.start(1, 0, { step: "" });
  await seedDemoCommunity(ctx, (done, total, step) => {
    bar.setTotal(total);
    bar.update(done, { step });
  });
  bar.stop();
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
