import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { type Progress, startProgress } from "../../platform/progress.js";
import { type PhiScanProgress, type PhiScanReport, scanForPhi } from "./data/index.js";

/** The exit codes a pipeline gates on. */
const EXIT_FOUND = 1;
const EXIT_UNREADABLE = 2;

/** Smaller files are scanned before a progress line would say anything. */
const PROGRESS_FROM_BYTES = 1024 * 1024;
/** Examples of one category the table shows; `--json` has the first 20 of each field. */
const EXAMPLES_SHOWN = 3;

/** The findings as a table: a line per field and category, with the first rows' masked values. */
function printReport(file: string, report: PhiScanReport): void {
  console.log(`${file}: ${report.rowsScanned} rows, ${report.fieldsScanned} fields scanned.`);
  if (report.clean) {
    console.log("No real-looking personal data found.");
    return;
  }
  console.log(
    `${report.findings} ${report.findings === 1 ? "value looks" : "values look"} like real personal data, in ${report.fields.length} ${report.fields.length === 1 ? "field" : "fields"}:`,
  );
  const lines = [["field", "category", "count", "first rows (values masked)"]];
  for (const { field, categories, examples } of report.fields) {
    categories.forEach(({ category, count }, index) => {
      const shown = examples
        .filter((example) => example.category === category)
        .slice(0, EXAMPLES_SHOWN)
        .map((example) => `${example.row}: ${example.masked}`);
      lines.push([index === 0 ? field : "", category, String(count), shown.join(", ")]);
    });
  }
  const widths = [0, 1, 2].map((column) => Math.max(...lines.map((line) => (line[column] ?? "").length)));
  console.log("");
  for (const [field = "", category = "", count = "", shown = ""] of lines) {
    console.log(
      `${field.padEnd(widths[0] ?? 0)}  ${category.padEnd(widths[1] ?? 0)}  ${count.padStart(widths[2] ?? 0)}  ${shown}`.trimEnd(),
    );
  }
  console.log("");
  console.log("Values are masked. --json lists the first 20 findings of each field.");
}

/** The rows a file of `size` bytes will hold, judged from what has been read of it. */
function expectedRows({ rows, bytes }: PhiScanProgress, size: number): number {
  return bytes >= size || bytes === 0 ? rows : Math.max(rows, Math.round((rows * size) / bytes));
}

async function scanCommand(file: string, options: { json?: boolean }): Promise<void> {
  const size = await fs
    .stat(file)
    .then((stat) => (stat.isFile() ? stat.size : "not a file"))
    .catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? "no such file" : error.message));
  if (typeof size === "string") {
    console.error(`Cannot read ${file}: ${size}.`);
    process.exitCode = EXIT_UNREADABLE;
    return;
  }
  const name = path.basename(file);
  let progress: Progress | null = null;
  let report: PhiScanReport;
  try {
    if (size >= PROGRESS_FROM_BYTES) progress = await startProgress(`Scanning ${name}`, { unit: "rows" });
    const bar = progress;
    report = await scanForPhi(
      { filename: name, chunks: createReadStream(file) },
      { onProgress: (done) => bar?.update(done.rows, expectedRows(done, size), { unit: "rows" }) },
    );
  } catch (error) {
    // Whatever stopped the scan, the file was not read through: never the "found" code a pipeline acts on.
    console.error(`Cannot scan ${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_UNREADABLE;
    return;
  } finally {
    progress?.stop();
  }
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printReport(file, report);
  if (!report.clean) process.exitCode = EXIT_FOUND;
}

/** `convene phi scan <file>`: the development environment's PHI guard over an export, for a pipeline to gate on. */
export function phiCommands(program: Command): void {
  const phi = program
    .command("phi")
    .description("look for real personal data (PHI) with the development environment's PHI guard");
  phi
    .command("scan")
    .description(
      "scan a volunteer export for real-looking personal data; exits 0 when clean, 1 when something was found, 2 when the file cannot be read",
    )
    .argument(
      "<file>",
      "the export: CSV with a header row, or JSON (an array of records, or an object holding one)",
    )
    .option("--json", "print the report as JSON, as POST /api/admin/sandbox/phi-scan answers it")
    .action((file: string, options: { json?: boolean }) => scanCommand(file, options));
}
