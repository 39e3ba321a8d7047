import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { withDatabase } from "../cli.js";
import { listOutbox } from "./service.js";

/** `convene mail list`: the outbox at the shell, for installations without SMTP. */
export function mailCommands(program: Command): void {
  program
    .command("mail")
    .description("the mail outbox")
    .command("list")
    .option("--limit <n>", "how many", (v) => Number.parseInt(v, 10), 20)
    .option("--to <address>", "only mail to this address")
    .action(async (options: { limit: number; to?: string }) => {
      await withDatabase(loadConfig(), async (ctx) => {
        const rows = await listOutbox(ctx.db, { limit: options.limit, to: options.to });
        if (rows.length === 0) console.log("The outbox is empty.");
        for (const row of rows.reverse()) {
          console.log(`--- ${row.createdAt.toISOString()}  [${row.status}]  to ${row.toAddress}`);
          console.log(`Subject: ${row.subject}\n\n${row.text}\n`);
        }
      });
    });
}
