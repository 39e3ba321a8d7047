import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { printDemoSignIns, seedWithProgress } from "../../demo/cli.js";
import { isSeeded } from "../../demo/seed.js";
import { withDatabase } from "../../platform/cli.js";
import { inTransaction } from "../../platform/context.js";
import { newToken } from "../../platform/tokens.js";
import { createOrganisation, domainOf, listOrganisations } from "./organisations.js";
import { createUser, findUserByEmail } from "./users.js";

/** `convene seed --demo` and `convene admin create-staff`: the first people of an installation. */
export function accountsCommands(program: Command): void {
  program
    .command("seed")
    .description("seed demo data")
    .requiredOption("--demo", "the demo community")
    .action(async () => {
      await withDatabase(loadConfig(), async (ctx) => {
        if (await isSeeded(ctx.db)) {
          console.log("The database already has organisations; nothing seeded.");
          return;
        }
        await seedWithProgress(ctx);
        printDemoSignIns(ctx.config);
      });
    });

  program
    .command("admin")
    .description("administration")
    .command("create-staff")
    .description(
      "create a product-team (staff) account: how a real installation gets its first administrator",
    )
    .requiredOption("--email <email>", "their e-mail")
    .option("--name <name>", "their name", "Product Team Administrator")
    .option("--organisation <name>", "the vendor organisation, created if missing", "Product Team")
    .action(createStaff);
}

async function createStaff(options: { email: string; name: string; organisation: string }): Promise<void> {
  const email = options.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    console.error("--email: not a valid e-mail address.");
    process.exitCode = 2;
    return;
  }
  await withDatabase(loadConfig(), async (ctx) => {
    if (await findUserByEmail(ctx.db, email)) {
      console.error(`${email} already has an account.`);
      process.exitCode = 1;
      return;
    }
    const password = newToken().token.slice(0, 20);
    await inTransaction(ctx, async (tx) => {
      const existing = (await listOrganisations(tx.db)).find((o) => o.name === options.organisation);
      const vendor =
        existing ??
        (await createOrganisation(tx, {
          name: options.organisation,
          kind: "vendor",
          domains: [domainOf(email)],
        }));
      await createUser(tx, { email, name: options.name, password, organisationId: vendor.id, isStaff: true });
    });
    console.log(
      `Staff account created for ${email}.\nTemporary password: ${password}\nChange it after signing in.`,
    );
  });
}
