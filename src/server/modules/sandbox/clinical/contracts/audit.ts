import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { defineEvent } from "../../../../../shared/events.js";
import { gatedErrors } from "../../access/contracts/gate.js";

const tag = "sandbox";

/**
 * Records of the environment changed (every write of its audit trail: studies and their design,
 * volunteers, enrolments, the pharmacy's): which kinds, and the studies they belong to. To everyone the
 * sandbox's gate lets in, who all read the same records; open pages fetch those kinds again.
 */
export const sandboxRecordsChanged = defineEvent<{ recordTypes: string[]; studyIds: string[] }>(
  "sandbox.records",
);

export const auditQuery = z.object({
  recordType: z.string().trim().max(40, "Use at most 40 characters.").optional(),
  recordId: z.uuid({ error: "Not a valid record id." }).optional(),
  studyId: z.uuid({ error: "Not a valid study id." }).optional(),
});
export type SandboxAuditQuery = z.output<typeof auditQuery>;

export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  /** The person by name (their address stays in the CSV, for those who need it). */
  actor: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  action: z.enum(["create", "update", "remove"]),
  recordType: z.string(),
  recordId: z.string(),
  studyId: z.string().nullable(),
  field: z.string().nullable(),
  /** The field as the forms call it ("Cohort", "Day"), where `field` is its key (`cohortId`). */
  fieldLabel: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  /** The values as people know them: a referenced record by its name, where the raw value is its id. */
  oldDisplay: z.string().nullable(),
  newDisplay: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const listSandboxAudit = operation({
  operationId: "listSandboxAudit",
  summary: "Read the development environment's audit trail",
  method: "GET",
  path: "/api/sandbox/audit",
  access: "member",
  tag,
  query: auditQuery,
  response: z.object({ entries: z.array(auditEntry) }),
  errors: gatedErrors,
});

export const sandboxAuditCsv = operation({
  operationId: "sandboxAuditCsv",
  summary: "Download the audit trail as CSV",
  method: "GET",
  path: "/api/sandbox/audit.csv",
  access: "member",
  tag,
  query: auditQuery,
  response: { contentType: "text/csv", description: "The audit entries, one a row." },
  errors: gatedErrors,
});
