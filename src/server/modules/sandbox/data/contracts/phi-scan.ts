import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { resettingErrors } from "../../access/contracts/gate.js";

/** How many findings of one field the report shows; the rest are counted. */
export const PHI_SCAN_EXAMPLES_PER_FIELD = 20;

export const phiScanFormats = ["csv", "json"] as const;
export type PhiScanFormat = (typeof phiScanFormats)[number];

/** One finding as the report shows it: where, which rule, and the value masked, never the value. */
export const phiScanExample = z.object({
  /** The record's number: 1 is the first row after a CSV's header, or the first element of the JSON array. */
  row: z.number().int().positive(),
  category: z.string(),
  /** The first and last character, the rest as •; values under five characters are all •. */
  masked: z.string(),
});
export type PhiScanExample = z.infer<typeof phiScanExample>;

/** The findings of one field (a CSV column, a JSON key, or a nested path such as `contact.phone`). */
export const phiScanField = z.object({
  field: z.string(),
  findings: z.number().int().nonnegative(),
  /** The PHI guard's rules that fired in this field (`email-not-reserved`, `us-ssn`, …), most often first. */
  categories: z.array(z.object({ category: z.string(), count: z.number().int().positive() })),
  /** The field's first findings in file order, at most {@link PHI_SCAN_EXAMPLES_PER_FIELD}. */
  examples: z.array(phiScanExample),
});
export type PhiScanField = z.infer<typeof phiScanField>;

/** What a scan found: the same shape from `convene phi scan --json` and from the endpoint. */
export const phiScanReport = z
  .object({
    format: z.enum(phiScanFormats),
    rowsScanned: z.number().int().nonnegative(),
    /** The CSV's columns, or the distinct top-level keys of the JSON records. */
    fieldsScanned: z.number().int().nonnegative(),
    /** Values that look like real personal data: one per value (the first rule that fires on it). */
    findings: z.number().int().nonnegative(),
    /** Only fields with findings, in the file's column order. */
    fields: z.array(phiScanField),
    clean: z.boolean(),
  })
  .describe("What the scan found, with every value masked.");
export type PhiScanReport = z.infer<typeof phiScanReport>;

export const scanExportForPhi = operation({
  operationId: "scanExportForPhi",
  pipeline: true,
  summary: "Scan a volunteer export (CSV or JSON) for real-looking personal data",
  description:
    'The multipart form: field `file`, a UTF-8 CSV with a header row, or JSON: an array of records, or an object holding one (`{"volunteers": [...]}`); up to MAX_UPLOAD_MB. Every value passes the sandbox\'s PHI guard; nothing is stored. Answers the report; `clean` is false when anything was found. A file that cannot be read as CSV or JSON is a 400 naming `file`.',
  method: "POST",
  path: "/api/admin/sandbox/phi-scan",
  access: "staff",
  tag: "sandbox",
  body: "multipart",
  response: phiScanReport,
  errors: resettingErrors,
});
