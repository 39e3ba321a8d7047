import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../db/client.js";
import { verifyAuditChain, writeCheckpoint } from "./service.js";

/** `convene audit verify` and `convene audit checkpoint`. */
export function auditCommands(program: Command): void {
  const audit = program.command("audit").description("the tamper-evident audit log");
  audit
    .command("verify")
    .description(
      "check every row's keyed hash and the chain against the signed checkpoints; exits 1 if altered",
    )
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        await database.migrate();
        const verdict = await verifyAuditChain(database.db, config);
        if (verdict.intact) {
          console.log(`Audit chain intact: ${verdict.rows} rows, ${verdict.checkpoints} checkpoints hold.`);
        } else {
          console.error(
            `Audit chain ALTERED${verdict.brokenAtId === null ? "" : ` at row ${verdict.brokenAtId}`}: ${verdict.problem}`,
          );
          process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    });
  audit
    .command("checkpoint")
    .description("write a signed checkpoint of the chain's head now (the server writes one every hour)")
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        await database.migrate();
        const checkpoint = await writeCheckpoint(database.db, config);
        console.log(
          checkpoint
            ? `Checkpoint written: ${checkpoint.rows} rows up to row ${checkpoint.lastId}.`
            : "Nothing to anchor: the log is empty or unchanged since the last checkpoint.",
        );
      } finally {
        await database.close();
      }
    });
}
